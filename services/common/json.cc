#include "services/common/json.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pqtrack {

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

JsonObject& JsonObject::AddRaw(absl::string_view key, absl::string_view json) {
  if (!body_.empty()) body_ += ",";
  absl::StrAppend(&body_, JsonQuote(key), ":", json);
  return *this;
}

JsonObject& JsonObject::Merge(const JsonObject& other) {
  if (other.body_.empty()) return *this;
  if (!body_.empty()) body_ += ",";
  body_ += other.body_;
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, absl::string_view value) {
  return AddRaw(key, JsonQuote(value));
}

JsonObject& JsonObject::Add(absl::string_view key, int64_t value) {
  return AddRaw(key, absl::StrCat(value));
}

JsonObject& JsonObject::Add(absl::string_view key, bool value) {
  return AddRaw(key, value ? "true" : "false");
}

JsonObject& JsonObject::Add(absl::string_view key,
                            const std::vector<std::string>& list) {
  std::string json = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) json += ",";
    json += JsonQuote(list[i]);
  }
  return AddRaw(key, json + "]");
}

JsonObject& JsonObject::Add(absl::string_view key,
                            const std::vector<int64_t>& list) {
  std::string json = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) json += ",";
    absl::StrAppend(&json, list[i]);
  }
  return AddRaw(key, json + "]");
}

}  // namespace pqtrack
