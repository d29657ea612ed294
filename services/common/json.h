// Provides JsonObject, a small builder for flat JSON objects (event
// details), with correct string escaping. Not thread-safe.
#ifndef PQTRACK_SERVICES_COMMON_JSON_H_
#define PQTRACK_SERVICES_COMMON_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pqtrack {

// `s` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view s);

class JsonObject {
 public:
  JsonObject& Add(absl::string_view key, absl::string_view value);
  JsonObject& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  JsonObject& Add(absl::string_view key, const std::string& value) {
    return Add(key, absl::string_view(value));
  }
  JsonObject& Add(absl::string_view key, int64_t value);
  JsonObject& Add(absl::string_view key, int value) {
    return Add(key, static_cast<int64_t>(value));
  }
  JsonObject& Add(absl::string_view key, bool value);
  JsonObject& Add(absl::string_view key, const std::vector<std::string>& list);
  JsonObject& Add(absl::string_view key, const std::vector<int64_t>& list);
  // `json` must already be valid JSON.
  JsonObject& AddRaw(absl::string_view key, absl::string_view json);
  // Appends the members of `other`, in their order.
  JsonObject& Merge(const JsonObject& other);
  bool empty() const { return body_.empty(); }
  std::string Build() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_JSON_H_
