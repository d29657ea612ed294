// Provides CsvReader: reads a UTF-8 CSV file with a header row (RFC 4180
// quoting, no line breaks inside fields, an optional byte-order mark) and
// gives each row's cells by column name. Not thread-safe.
#ifndef PQTRACK_CLIENTS_COMMON_CSV_H_
#define PQTRACK_CLIENTS_COMMON_CSV_H_

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace pqtrack::client {

// Splits one CSV line into cells.
std::vector<std::string> SplitCsvLine(const std::string& line);

class CsvReader {
 public:
  // Opens `path` and reads its header. FAILED_PRECONDITION when the file
  // cannot be read, is empty, or lacks one of `required` columns.
  absl::Status Open(const std::string& path,
                    const std::vector<std::string>& required);
  // Reads the next non-blank row; false at the end of the file.
  bool Next();
  // The current row's cell in `column`, trimmed; "" when absent.
  std::string Get(const std::string& column) const;
  bool Has(const std::string& column) const { return columns_.count(column); }
  // 1-based line number of the current row.
  int line() const { return line_; }

 private:
  std::ifstream in_;
  std::map<std::string, size_t> columns_;
  std::vector<std::string> cells_;
  int line_ = 0;
};

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_CSV_H_
