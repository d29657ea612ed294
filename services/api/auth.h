// Provides Authenticator: turns the `authorization: Bearer <token>` metadata
// of a call into the calling Principal, and the token helpers (new secrets,
// their stored hash). Thread-safe.
//
// Principals are cached by token hash (bounded, a short lifetime) so that a
// call costs no database round trip. The cache is trusted only while the
// server LISTENs on store::kTokensChannel (SetListening): a revocation on
// any replica evicts the token everywhere as soon as its NOTIFY arrives
// (milliseconds), and while the listener is down nothing is cached.
#ifndef PQTRACK_SERVICES_API_AUTH_H_
#define PQTRACK_SERVICES_API_AUTH_H_

#include <grpcpp/server_context.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
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
  struct Options {
    // How long a cached principal is used before the database is asked
    // again (a revocation is seen at once through NOTIFY; this bounds what
    // a lost notification could cost).
    absl::Duration cache_lifetime = absl::Seconds(10);
    // Most tokens cached at once.
    size_t cache_capacity = 10000;
  };

  // `users` and `clock` must outlive this object.
  Authenticator(store::UserStore* users, const Clock* clock)
      : Authenticator(users, clock, Options()) {}
  Authenticator(store::UserStore* users, const Clock* clock, Options options)
      : users_(*users), clock_(*clock), options_(options) {}

  // UNAUTHENTICATED when the metadata is missing, malformed, or names no
  // active token; UNAVAILABLE when the database is unreachable.
  // With `user` set, also gives the caller's user record (from the same
  // cache).
  absl::StatusOr<core::Principal> Authenticate(
      const grpc::ServerContextBase& context, core::User* user = nullptr) const;
  // The same in two steps: the stored hash of the call's bearer token
  // (UNAUTHENTICATED as above), and the principal of a token hash, which
  // a stream asks again when tokens change.
  static absl::StatusOr<std::string> TokenHashOf(
      const grpc::ServerContextBase& context);
  absl::StatusOr<core::Principal> AuthenticateHash(
      const std::string& hash, core::User* user = nullptr) const;

  // A notification on store::kTokensChannel: evicts that token hash ("*":
  // everything).
  void TokensChanged(const std::string& payload);
  // Evicts a token revoked through this server.
  void Revoked(int64_t token_id);
  // Whether notifications arrive; false empties the cache and stops using
  // it until true again.
  void SetListening(bool listening);
  // How many notifications were handled (for tests).
  int64_t notifications() const;
  // For tests: wait (at most `timeout`) until the listener is up, or until
  // `n` notifications were handled.
  void AwaitListening(absl::Duration timeout) const;
  void AwaitNotifications(int64_t n, absl::Duration timeout) const;

 private:
  struct Cached {
    core::Principal principal;
    core::User user;
    std::optional<absl::Time> expire_time;
    absl::Time cached_at;
  };

  store::UserStore& users_;
  const Clock& clock_;
  const Options options_;
  mutable absl::Mutex mu_;
  bool listening_ ABSL_GUARDED_BY(mu_) = false;
  // Bumped by every eviction: a lookup that started before one does not
  // store what it read.
  mutable uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t notifications_ ABSL_GUARDED_BY(mu_) = 0;
  mutable absl::flat_hash_map<std::string, Cached> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_AUTH_H_
