// Provides the ways a report is printed besides the table and the signed
// document (report_document.h): CSV for a spreadsheet (UTF-8 with a
// byte-order mark, tables laid out wide, one after the other with a title
// line each) and a short text in Vietnamese or English that reads like the
// ministry's own reports; and the HTML pieces the documents are made of.
#ifndef PQTRACK_CLIENTS_COMMON_REPORT_FORMAT_H_
#define PQTRACK_CLIENTS_COMMON_REPORT_FORMAT_H_

#include <string>
#include <utility>
#include <vector>

#include "pqtrack/v1/report.pb.h"

namespace pqtrack::client {

enum class Language { kVietnamese, kEnglish };

// 3629 -> "3,629" (English) or "3.629" (Vietnamese).
std::string Number(int64_t n, Language lang);
// 919 tenths -> "91.9%" or "91,9%".
std::string Percent(int permille, Language lang);

std::string PeriodText(const v1::PeriodReportResponse& r, Language lang);
// Its tables: documents, tasks and questions, by unit, petitions by batch,
// open items by due week.
std::string PeriodCsv(const v1::PeriodReportResponse& r);

// A day as a report in `lang` writes it: 05/11/2024 or 2024-11-05; "" for
// an unset date.
std::string DayIn(const v1::Date& d, Language lang);
// "January" for 1 ... "December" for 12.
const char* MonthName(int month);

// A batch's phase (BATCH_PHASE_BEFORE_SESSION / _AFTER_SESSION, by name)
// in words: "trước kỳ họp" / "before the session"; another name as it is.
std::string BatchPhaseWords(const std::string& phase, Language lang);

// Escapes text for HTML.
std::string Html(const std::string& s);
// A horizontal bar chart as inline SVG: one bar per (label, value), scaled
// to `max`, the value printed after it with `unit_suffix`.
std::string Bars(const std::vector<std::pair<std::string, double>>& rows,
                 double max, const std::string& unit_suffix);

std::string SessionText(const v1::SessionReportResponse& r, Language lang);
std::string SessionCsv(const v1::SessionReportResponse& r);
std::string TimelinessCsv(const v1::TimelinessReportResponse& r);
std::string TimelinessText(const v1::TimelinessReportResponse& r,
                           Language lang);

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_REPORT_FORMAT_H_
