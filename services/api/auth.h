// Provides Authenticator: turns the `authorization: Bearer <token>` metadata
// of a call into the calling Principal, and the token helpers (new secrets,
// their stored hash). Thread-safe.
#ifndef PQTRACK_SERVICES_API_AUTH_H_
#define PQTRACK_SERVICES_API_AUTH_H_

#include <grpcpp/server_context.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/clock.h"
#include "services/core/types.h"
#include "services/store/alert_store.h"
#include "services/store/user_store.h"

namespace pqtrack::api {

// A new bearer secret: "pqt_" followed by 43 base64url characters (256 bits).
std::string NewTokenSecret();
// What the store keeps of a secret: its SHA-256, in hex.
std::string HashTokenSecret(const std::string& secret);

// Which items `who` sees: nullopt for the whole ministry (ADMIN, LIAISON),
// else the unit whose subtree it sees (empty: none).
std::optional<std::string> ScopeOf(const core::Principal& who);

// OK when `who` may look at `unit`'s subtree: always for whole-ministry
// roles, else only within their own subtree (PERMISSION_DENIED naming
// unit_code).
absl::Status CheckUnitInScope(store::AlertStore& alerts,
                              const core::Principal& who,
                              const std::string& unit);

class Authenticator {
 public:
  // `users` and `clock` must outlive this object.
  Authenticator(store::UserStore* users, const Clock* clock)
      : users_(*users), clock_(*clock) {}

  // UNAUTHENTICATED when the metadata is missing, malformed, or names no
  // active token; UNAVAILABLE when the database is unreachable.
  absl::StatusOr<core::Principal> Authenticate(
      const grpc::ServerContextBase& context) const;

 private:
  store::UserStore& users_;
  const Clock& clock_;
};

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_AUTH_H_
