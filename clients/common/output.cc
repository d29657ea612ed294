#include "clients/common/output.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/dates.h"
#include "services/common/json.h"
#include "services/common/utf8.h"

namespace pqtrack::client {
namespace {

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK:
      return "OK";
    case grpc::CANCELLED:
      return "CANCELLED";
    case grpc::UNKNOWN:
      return "UNKNOWN";
    case grpc::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::ABORTED:
      return "ABORTED";
    case grpc::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::INTERNAL:
      return "INTERNAL";
    case grpc::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN";
  }
}

std::string Pad(const std::string& s, int width) {
  return s + std::string(std::max(0, width - DisplayWidth(s)), ' ');
}

}  // namespace

void Table::AddRow(std::vector<std::string> cells, std::string colour) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
  colours_.resize(rows_.size());
  colours_.back() = std::move(colour);
}

void Table::SetMaxWidth(size_t column, int max_width) {
  if (max_widths_.size() <= column) max_widths_.resize(column + 1, 0);
  max_widths_[column] = max_width;
}

void Table::Print(std::ostream& out) const {
  std::vector<std::vector<std::string>> cells;
  cells.push_back(headers_);
  for (const auto& r : rows_) cells.push_back(r);
  for (auto& row : cells) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c < max_widths_.size() && max_widths_[c] > 0) {
        row[c] = TruncateToWidth(row[c], max_widths_[c]);
      }
    }
  }
  std::vector<int> widths(headers_.size(), 0);
  for (const auto& row : cells) {
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  }
  for (size_t r = 0; r < cells.size(); ++r) {
    const auto& row = cells[r];
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += c + 1 == row.size() ? row[c] : Pad(row[c], widths[c]) + "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    const std::string& colour = r == 0 ? "" : colours_[r - 1];
    if (colour.empty()) {
      out << line << "\n";
    } else {
      out << "\033[" << colour << "m" << line << "\033[0m\n";
    }
  }
}

void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& kv) {
  int width = 0;
  for (const auto& [k, v] : kv) width = std::max(width, DisplayWidth(k));
  for (const auto& [k, v] : kv) {
    if (v.empty()) continue;
    out << Pad(k + ":", width + 1) << " " << v << "\n";
  }
}

namespace {

using google::protobuf::FieldDescriptor;

void AppendQuoted(std::string& out, absl::string_view s) {
  out += JsonQuote(s);
}

void AppendMessage(std::string& out, const google::protobuf::Message& m,
                   const std::string& indent, bool pretty);

// One value of field `f` (element `i` of a repeated one, else -1).
void AppendValue(std::string& out, const google::protobuf::Message& m,
                 const FieldDescriptor* f, int i, const std::string& indent,
                 bool pretty) {
  const auto* r = m.GetReflection();
  const bool rep = i >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(&out,
                      rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(&out,
                      rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(&out,
                      rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(&out,
                      rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      absl::StrAppend(&out,
                      rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      absl::StrAppend(&out,
                      rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out += (rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f)) ? "true"
                                                                    : "false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      AppendQuoted(
          out, EnumLabel(f->enum_type(), rep ? r->GetRepeatedEnumValue(m, f, i)
                                             : r->GetEnumValue(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      const std::string v =
          rep ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
      AppendQuoted(out, f->type() == FieldDescriptor::TYPE_BYTES
                            ? absl::Base64Escape(v)
                            : v);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const google::protobuf::Message& sub =
          rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
      const std::string type = sub.GetDescriptor()->full_name();
      if (type == "pqtrack.v1.Date") {
        const auto& d = static_cast<const v1::Date&>(sub);
        if (d.year() == 0) {
          out += "null";
        } else {
          AppendQuoted(out, FormatDate(d));
        }
      } else if (type == "google.protobuf.Timestamp") {
        const auto& t = static_cast<const google::protobuf::Timestamp&>(sub);
        AppendQuoted(out, absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ",
                                           absl::FromUnixSeconds(t.seconds()) +
                                               absl::Nanoseconds(t.nanos()),
                                           absl::UTCTimeZone()));
      } else {
        AppendMessage(out, sub, indent, pretty);
      }
      break;
    }
  }
}

void AppendMessage(std::string& out, const google::protobuf::Message& m,
                   const std::string& indent, bool pretty) {
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  const std::string inner = pretty ? indent + "  " : "";
  out += '{';
  bool first = true;
  for (int n = 0; n < d->field_count(); ++n) {
    const FieldDescriptor* f = d->field(n);
    // A oneof member, or a message field, that is not set is left out; a
    // plain field is always there, with its default.
    if ((f->containing_oneof() != nullptr ||
         (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
          !f->is_repeated())) &&
        !r->HasField(m, f)) {
      continue;
    }
    if (!first) out += ',';
    first = false;
    if (pretty) absl::StrAppend(&out, "\n", inner);
    AppendQuoted(out, f->name());
    out += pretty ? ": " : ":";
    if (f->is_map()) {
      // Maps (string keys here) as objects.
      out += '{';
      const int size = r->FieldSize(m, f);
      for (int i = 0; i < size; ++i) {
        const google::protobuf::Message& entry = r->GetRepeatedMessage(m, f, i);
        const auto* key = entry.GetDescriptor()->field(0);
        const auto* value = entry.GetDescriptor()->field(1);
        if (i > 0) out += pretty ? ", " : ",";
        AppendQuoted(out, entry.GetReflection()->GetString(entry, key));
        out += ':';
        AppendValue(out, entry, value, -1, inner, pretty);
      }
      out += '}';
    } else if (f->is_repeated()) {
      out += '[';
      const int size = r->FieldSize(m, f);
      for (int i = 0; i < size; ++i) {
        if (i > 0) out += ',';
        if (pretty) absl::StrAppend(&out, "\n", inner, "  ");
        AppendValue(out, m, f, i, inner + "  ", pretty);
      }
      if (pretty && size > 0) absl::StrAppend(&out, "\n", inner);
      out += ']';
    } else {
      AppendValue(out, m, f, -1, inner, pretty);
    }
  }
  if (pretty && !first) absl::StrAppend(&out, "\n", indent);
  out += '}';
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  std::string out;
  AppendMessage(out, message, "", pretty);
  return out;
}

void PrintJson(std::ostream& out, const google::protobuf::Message& message) {
  out << ToJson(message, /*pretty=*/true) << "\n";
}

std::string FormatDate(const v1::Date& d) {
  if (d.year() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

absl::TimeZone DisplayTimeZone() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    const char* name = std::getenv("TZ");
    // POSIX allows a leading ':' before a zone file's name.
    if (name != nullptr && *name == ':') ++name;
    if (name != nullptr && *name != '\0' && absl::LoadTimeZone(name, &tz)) {
      return tz;
    }
    return MinistryTimeZone();
  }();
  return zone;
}

std::string FormatInstant(const google::protobuf::Timestamp& t, bool seconds) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime(
      seconds ? "%Y-%m-%d %H:%M:%S %Z" : "%Y-%m-%d %H:%M %Z",
      absl::FromUnixSeconds(t.seconds()), DisplayTimeZone());
}

int PrintError(const grpc::Status& status) {
  std::cerr << "error: " << CodeName(status.error_code()) << ": "
            << status.error_message() << std::endl;
  return 1;
}

std::string EnumLabel(const google::protobuf::EnumDescriptor* d, int value) {
  const auto* v = d->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  std::string name = v->name();
  // Strip the enum's own prefix: ITEM_STATUS_ for ItemStatus, etc.
  std::string prefix;
  for (char c : d->name()) {
    if (isupper(static_cast<unsigned char>(c)) && !prefix.empty())
      prefix += '_';
    prefix += static_cast<char>(toupper(static_cast<unsigned char>(c)));
  }
  prefix += '_';
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  return name;
}

int PrintCallError(const grpc::Status& status, const std::string& server,
                   bool had_token) {
  const int code = PrintError(status);
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      if (absl::StrContains(status.error_message(), "handshake") ||
          absl::StrContains(status.error_message(), "Handshake")) {
        std::cerr << "the TLS handshake with pqtrack-server at " << server
                  << " failed: is --tls-ca (PQTRACK_TLS_CA) the CA that "
                     "signed its certificate, and does the certificate name "
                     "this host?\n";
      } else {
        std::cerr << "cannot reach pqtrack-server at " << server
                  << ": is it running there? (--server or PQTRACK_SERVER)";
        if (absl::StrContains(status.error_message(), "Socket closed")) {
          std::cerr << " If it speaks TLS, give --tls-ca.";
        }
        std::cerr << "\n";
      }
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      if (had_token) {
        std::cerr << "the token was refused (expired or revoked?): run "
                     "`pqtrack login` again, or give another token\n";
      } else {
        std::cerr << "no token given: run `pqtrack login --user LOGIN`, or "
                     "give --token-file (PQTRACK_TOKEN_FILE)\n";
      }
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      std::cerr << "no answer in time from " << server
                << " (--timeout sets the seconds to wait)\n";
      break;
    default:
      break;
  }
  return code;
}

}  // namespace pqtrack::client
