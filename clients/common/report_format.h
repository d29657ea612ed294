// Provides the ways a report is printed besides the table: CSV for a
// spreadsheet (UTF-8 with a byte-order mark, tables laid out wide, one
// after the other with a title line each), a short text in Vietnamese or
// English that reads like the ministry's own reports, and a self-contained HTML
// page with its charts drawn as inline SVG (no network needed to open it).
#ifndef PQTRACK_CLIENTS_COMMON_REPORT_FORMAT_H_
#define PQTRACK_CLIENTS_COMMON_REPORT_FORMAT_H_

#include <string>

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
std::string PeriodHtml(const v1::PeriodReportResponse& r);

std::string SessionText(const v1::SessionReportResponse& r, Language lang);
std::string SessionCsv(const v1::SessionReportResponse& r);
std::string TimelinessCsv(const v1::TimelinessReportResponse& r);
std::string TimelinessText(const v1::TimelinessReportResponse& r,
                           Language lang);

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_REPORT_FORMAT_H_
