#include "clients/common/csv.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pqtrack::client {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cell);
      cell.clear();
    } else if (c != '\r') {
      cell += c;
    }
  }
  out.push_back(cell);
  return out;
}

absl::Status CsvReader::Open(const std::string& path,
                             const std::vector<std::string>& required) {
  in_.open(path);
  std::string header;
  if (!in_ || !std::getline(in_, header)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read a header row from ", path));
  }
  line_ = 1;
  if (absl::StartsWith(header, "\xEF\xBB\xBF")) header = header.substr(3);
  const std::vector<std::string> names = SplitCsvLine(header);
  for (size_t i = 0; i < names.size(); ++i) {
    columns_[std::string(absl::StripAsciiWhitespace(names[i]))] = i;
  }
  for (const std::string& r : required) {
    if (!columns_.count(r)) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": the header has no \"", r, "\" column"));
    }
  }
  return absl::OkStatus();
}

bool CsvReader::Next() {
  std::string line;
  while (std::getline(in_, line)) {
    ++line_;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    cells_ = SplitCsvLine(line);
    return true;
  }
  return false;
}

std::string CsvReader::Get(const std::string& column) const {
  const auto it = columns_.find(column);
  if (it == columns_.end() || it->second >= cells_.size()) return "";
  return std::string(absl::StripAsciiWhitespace(cells_[it->second]));
}

}  // namespace pqtrack::client
