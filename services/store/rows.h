// Provides readers for the column encodings the store selects: dates as
// YYYY-MM-DD text, instants as microseconds since the Unix epoch, text
// arrays joined with kArraySeparator, or as PostgreSQL arrays (ArrayOf).
// All treat NULL as "absent".
#ifndef PQTRACK_SERVICES_STORE_ROWS_H_
#define PQTRACK_SERVICES_STORE_ROWS_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace pqtrack::store {

std::string Text(const pqxx::field& f);
int64_t Int(const pqxx::field& f);
bool Bool(const pqxx::field& f);
std::optional<absl::CivilDay> DayOf(const pqxx::field& f);
// Reads microseconds since the epoch (see kMicros in SQL).
absl::Time TimeOf(const pqxx::field& f);
std::optional<absl::Time> OptionalTimeOf(const pqxx::field& f);
std::vector<std::string> ListOf(const pqxx::field& f);
// Reads a one-dimensional PostgreSQL array in its text form, any element
// type (NULL elements are nullopt; a NULL array is empty).
std::vector<std::optional<std::string>> ArrayOf(const pqxx::field& f);

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_ROWS_H_
