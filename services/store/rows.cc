#include "services/store/rows.h"

#include <tuple>
#include <utility>

#include "absl/strings/str_split.h"
#include "services/common/dates.h"
#include "services/store/params.h"

namespace pqtrack::store {

std::string Text(const pqxx::field& f) {
  return f.is_null() ? std::string() : f.as<std::string>();
}

int64_t Int(const pqxx::field& f) { return f.is_null() ? 0 : f.as<int64_t>(); }

bool Bool(const pqxx::field& f) { return !f.is_null() && f.as<bool>(); }

std::optional<absl::CivilDay> DayOf(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  auto day = ParseIsoDate(f.c_str());
  if (!day.ok()) return std::nullopt;
  return *day;
}

absl::Time TimeOf(const pqxx::field& f) {
  if (f.is_null()) return absl::InfinitePast();
  return absl::FromUnixMicros(f.as<int64_t>());
}

std::optional<absl::Time> OptionalTimeOf(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<int64_t>());
}

std::vector<std::string> ListOf(const pqxx::field& f) {
  if (f.is_null() || f.size() == 0) return {};
  return absl::StrSplit(f.c_str(), kArraySeparator);
}

std::vector<std::optional<std::string>> ArrayOf(const pqxx::field& f) {
  std::vector<std::optional<std::string>> out;
  if (f.is_null()) return out;
  pqxx::array_parser parser = f.as_array();
  for (auto [what, value] = parser.get_next();
       what != pqxx::array_parser::juncture::done;
       std::tie(what, value) = parser.get_next()) {
    if (what == pqxx::array_parser::juncture::string_value) {
      out.emplace_back(std::move(value));
    } else if (what == pqxx::array_parser::juncture::null_value) {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

}  // namespace pqtrack::store
