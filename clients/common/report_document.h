// Provides the reports as documents a ministry can sign: self-contained HTML
// in one language, laid out for A4 print the way Vietnamese administrative
// documents are (Decree 30/2020/NĐ-CP, Appendix I): the issuing body and
// the document number on the left, the national heading with the place and
// date on the right, the title, the body with every table of the report and
// its charts (inline SVG), then the recipients and the signature block.
// Every part of the heading and the signature can be set; what is not set
// is left blank (dotted) for the office to fill in by hand.
#ifndef PQTRACK_CLIENTS_COMMON_REPORT_DOCUMENT_H_
#define PQTRACK_CLIENTS_COMMON_REPORT_DOCUMENT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "clients/common/report_format.h"
#include "pqtrack/v1/report.pb.h"

namespace pqtrack::client {

struct DocumentHeading {
  // The body above the issuer, when there is one ("" for a ministry).
  std::string parent_body;
  // The issuing body, e.g. "BỘ NỘI VỤ" (printed in capitals).
  std::string issuer;
  // The document number and symbol, e.g. "125/BC-BNV".
  std::string number;
  // The place of issue, e.g. "Hà Nội".
  std::string place;
  // The date of issue; unset: left blank (the year is the as-of year).
  std::optional<absl::CivilDay> date;
  // Replaces the report's own subtitle (what the report is about).
  std::string subject;
  // "Nơi nhận": one line each; the archive line ("Lưu: VT") always ends it.
  std::vector<std::string> recipients;
  // The signature block: authority ("KT. BỘ TRƯỞNG"), title ("THỨ
  // TRƯỞNG") and the signer's name.
  std::string signer_authority;
  std::string signer_title;
  std::string signer_name;
};

std::string PeriodDocument(const v1::PeriodReportResponse& r,
                           const DocumentHeading& h, Language lang);
std::string SessionDocument(const v1::SessionReportResponse& r,
                            const DocumentHeading& h, Language lang);
std::string TimelinessDocument(const v1::TimelinessReportResponse& r,
                               const DocumentHeading& h, Language lang);

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_REPORT_DOCUMENT_H_
