// Provides CsvParser, an incremental RFC 4180 reader (quoted fields may hold
// commas, doubled quotes and line breaks; CRLF or LF line ends; a leading
// UTF-8 byte-order mark is skipped), and CsvLine(), which writes one record
// the same way. Each record remembers the line it started on, so errors can
// name it. Not thread-safe.
#ifndef PQTRACK_SERVICES_COMMON_CSV_H_
#define PQTRACK_SERVICES_COMMON_CSV_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace pqtrack {

struct CsvRecord {
  // 1-based line number of the record's first line.
  int line = 0;
  std::vector<std::string> fields;
};

class CsvParser {
 public:
  // Parses more input (any split, even inside a field or a UTF-8
  // sequence); complete records are appended to `out`. Blank lines give no
  // record.
  void Feed(std::string_view data, std::vector<CsvRecord>* out);
  // The input has ended: the last record (without a final line break) is
  // appended. INVALID_ARGUMENT when a quoted field is still open.
  absl::Status Finish(std::vector<CsvRecord>* out);

 private:
  void EndField();
  void EndRecord(std::vector<CsvRecord>* out);

  bool started_ = false;  // past a possible byte-order mark
  std::string bom_;       // bytes held while deciding
  bool in_quotes_ = false;
  bool quote_pending_ = false;  // a quote inside quotes: end or escape?
  bool cr_pending_ = false;
  bool at_field_start_ = true;
  bool record_open_ = false;  // the current record has a character
  int line_ = 1;
  CsvRecord record_;
  std::string field_;
};

// One record as CSV text ending in "\n"; fields with a comma, quote, CR or
// LF (or leading/trailing spaces) are quoted.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_CSV_H_
