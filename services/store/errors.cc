#include "services/store/errors.h"

#include <pqxx/pqxx>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace pqtrack::store {

absl::Status MapDbException(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(
        absl::StrCat("the database is unreachable: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    const std::string what = sql->what();
    if (state == "23505") return absl::AlreadyExistsError(what);
    if (state == "23514" || state == "23502" || state == "23503" ||
        absl::StartsWith(state, "22")) {
      return absl::InvalidArgumentError(what);
    }
    if (state == "40001" || state == "40P01") return absl::AbortedError(what);
    if (state == "42501") return absl::PermissionDeniedError(what);
    // 25006: a read-only transaction, as on a standby that a connection
    // reached during a failover. No SQLSTATE at all: the error is libpq's
    // own, not the server's ("server closed the connection unexpectedly"
    // while the connection still looked open), as a killed primary gives.
    if (state.empty() || absl::StartsWith(state, "08") ||
        absl::StartsWith(state, "57P") || state == "53300" ||
        state == "25006") {
      return absl::UnavailableError(
          absl::StrCat("the database is unavailable: ", what));
    }
    return absl::InternalError(
        absl::StrCat("database error ", state, ": ", what));
  }
  return absl::InternalError(absl::StrCat("database error: ", e.what()));
}

bool IsRetryable(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    return state == "40001" || state == "40P01";
  }
  return false;
}

}  // namespace pqtrack::store
