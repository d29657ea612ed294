#include "services/store/params.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pqtrack::store {

void Params::Add(Null) {
  values_.emplace_back();
  null_.push_back(true);
}

void Params::Add(std::string_view s) {
  values_.emplace_back(s);
  null_.push_back(false);
}

void Params::Add(int64_t v) { Add(std::string_view(absl::StrCat(v))); }

void Params::Add(bool v) { Add(std::string_view(v ? "true" : "false")); }

void Params::Add(absl::CivilDay d) {
  Add(std::string_view(
      absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day())));
}

void Params::Add(absl::Time t) {
  Add(std::string_view(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone())));
}

void Params::Add(const std::vector<std::string>& array) {
  Add(std::string_view(ArrayLiteral(array)));
}

std::vector<const char*> Params::Pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    out.push_back(null_[i] ? nullptr : values_[i].c_str());
  }
  return out;
}

std::optional<std::string> NullIfEmpty(std::string_view s) {
  if (s.empty()) return std::nullopt;
  return std::string(s);
}

std::optional<int64_t> NullIfZero(int64_t id) {
  if (id <= 0) return std::nullopt;
  return id;
}

std::string ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace pqtrack::store
