#include "services/common/csv.h"

#include "absl/strings/str_cat.h"

namespace pqtrack {

void CsvParser::EndField() {
  record_.fields.push_back(std::move(field_));
  field_.clear();
  at_field_start_ = true;
}

void CsvParser::EndRecord(std::vector<CsvRecord>* out) {
  if (record_open_) {
    EndField();
    out->push_back(std::move(record_));
  }
  record_ = CsvRecord();
  field_.clear();
  at_field_start_ = true;
  record_open_ = false;
}

void CsvParser::Feed(std::string_view data, std::vector<CsvRecord>* out) {
  size_t i = 0;
  if (!started_) {
    // Hold up to three bytes to recognise a byte-order mark.
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    while (i < data.size() && bom_.size() < 3 && data[i] == kBom[bom_.size()]) {
      bom_.push_back(data[i++]);
    }
    if (bom_.size() < 3 && i == data.size()) return;  // still undecided
    started_ = true;
    const std::string held = bom_.size() == 3 ? "" : bom_;
    bom_.clear();
    if (!held.empty()) Feed(held, out);
  }
  for (; i < data.size(); ++i) {
    const char c = data[i];
    if (cr_pending_) {
      cr_pending_ = false;
      if (c == '\n') continue;  // CRLF: the record ended at the CR
    }
    if (!record_open_) record_.line = line_;
    if (in_quotes_) {
      if (quote_pending_) {
        quote_pending_ = false;
        if (c == '"') {
          field_.push_back('"');
          continue;
        }
        in_quotes_ = false;  // that quote closed the field; fall through
      } else if (c == '"') {
        quote_pending_ = true;
        continue;
      } else {
        if (c == '\n') ++line_;
        field_.push_back(c);
        continue;
      }
    }
    switch (c) {
      case '\r':
        cr_pending_ = true;
        ++line_;
        EndRecord(out);
        break;
      case '\n':
        ++line_;
        EndRecord(out);
        break;
      case ',':
        record_open_ = true;
        EndField();
        break;
      case '"':
        record_open_ = true;
        if (at_field_start_) {
          in_quotes_ = true;
          at_field_start_ = false;
        } else {
          field_.push_back(c);  // a stray quote is kept as it is
        }
        break;
      default:
        record_open_ = true;
        at_field_start_ = false;
        field_.push_back(c);
    }
  }
}

absl::Status CsvParser::Finish(std::vector<CsvRecord>* out) {
  if (!started_ && !bom_.empty()) {
    started_ = true;
    const std::string held = bom_.size() == 3 ? "" : bom_;
    bom_.clear();
    Feed(held, out);
  }
  if (in_quotes_ && !quote_pending_) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", record_.line,
                     ": a quoted field is not closed before the end"));
  }
  in_quotes_ = false;
  quote_pending_ = false;
  EndRecord(out);
  return absl::OkStatus();
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string& f = fields[i];
    const bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                       (!f.empty() && (f.front() == ' ' || f.back() == ' '));
    if (!quote) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (char c : f) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('\n');
  return out;
}

}  // namespace pqtrack
