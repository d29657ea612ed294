// Provides UserStore: users and bearer tokens in PostgreSQL. Token secrets
// never reach this layer: callers pass their SHA-256 (crypto.h). Each method
// is one transaction. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_USER_STORE_H_
#define PQTRACK_SERVICES_STORE_USER_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/types.h"
#include "services/store/db.h"

namespace pqtrack::store {

// Channel on which token changes are NOTIFYed (with the commit): the
// payload is the secret hash of a revoked token, or "*" when any user's
// role or unit may have changed. Caches of principals listen to it.
inline constexpr char kTokensChannel[] = "pqtrack_tokens";

class UserStore {
 public:
  // `db` must outlive this object.
  explicit UserStore(Db* db) : db_(*db) {}

  // ALREADY_EXISTS when the login is taken; INVALID_ARGUMENT on unit_code
  // when the unit does not exist or is an external agency.
  absl::StatusOr<core::User> CreateUser(const core::User& user, absl::Time now);
  // Users by id, at most page.size after page.after_id; `*more` tells
  // whether further users follow.
  absl::StatusOr<std::vector<core::User>> ListUsers(
      const core::PageRequest& page, bool* more);
  // NOT_FOUND for an unknown login.
  absl::StatusOr<core::User> GetUser(const std::string& login);

  // Records a token for `login` with the given secret hash.
  absl::StatusOr<core::Token> IssueToken(const std::string& login,
                                         const std::string& label,
                                         std::optional<absl::Time> expire_time,
                                         const std::string& secret_hash,
                                         absl::Time now);
  // Revokes a token. With `owner_id` set, only that user's tokens can be
  // revoked (others are NOT_FOUND). Revoking twice keeps the first time.
  // NOTIFYs kTokensChannel.
  absl::StatusOr<core::Token> RevokeToken(int64_t token_id,
                                          std::optional<int64_t> owner_id,
                                          absl::Time now);
  // Tokens of `login` (empty: every user), active only unless
  // `include_inactive`.
  absl::StatusOr<std::vector<core::Token>> ListTokens(const std::string& login,
                                                      bool include_inactive,
                                                      absl::Time now);

  struct ActiveToken {
    core::Principal principal;
    // Its user, as GetUser returns it.
    core::User user;
    // When the token expires (nullopt: never).
    std::optional<absl::Time> expire_time;
  };
  // The principal behind an active token with this secret hash;
  // UNAUTHENTICATED when there is none (unknown, revoked or expired).
  // Records the use (at most once a minute per token).
  absl::StatusOr<ActiveToken> Authenticate(const std::string& secret_hash,
                                           absl::Time now);

  // Makes sure an ADMIN user named `login` exists (creating it when
  // missing) and records a token for it with the given secret hash.
  // `only_if_no_users`: do nothing and return false when any user exists
  // (first start). Returns whether a token was recorded. NOTIFYs
  // kTokensChannel ("*"): an existing user may have become an ADMIN.
  absl::StatusOr<bool> BootstrapAdmin(const std::string& login,
                                      const std::string& secret_hash,
                                      bool only_if_no_users, absl::Time now);

  // Stores `password_hash` (HashPassword's form) as `login`'s password and
  // clears its count of wrong passwords. NOT_FOUND for an unknown login.
  absl::Status SetPasswordHash(const std::string& login,
                               const std::string& password_hash,
                               absl::Time now);

  // What signing in as a user checks.
  struct PasswordState {
    core::User user;
    // Empty: no password set.
    std::string password_hash;
    int failed_logins = 0;
    std::optional<absl::Time> blocked_until;
  };
  // NOT_FOUND for an unknown login.
  absl::StatusOr<PasswordState> GetPasswordState(const std::string& login);

  // One sign-in attempt, in one transaction that holds the user's row
  // (FOR NO KEY UPDATE) while `verify` checks the password against the
  // stored hash, so that attempts on one user cannot race past the
  // slowdown. A wrong password counts one more failure and blocks the next
  // attempt until `now` + core::LoginDelay of the new count; a right one
  // clears the count and records a session token (`secret_hash`, `label`,
  // `expire_time`). Only database failures are errors.
  struct LoginOutcome {
    enum class Result { kNoPassword, kBlocked, kWrongPassword, kSignedIn };
    Result result = Result::kNoPassword;  // also: no such user
    absl::Time blocked_until;             // kBlocked
    core::User user;                      // kSignedIn
    core::Token token;                    // kSignedIn
  };
  absl::StatusOr<LoginOutcome> Login(
      const std::string& login, absl::Time now,
      absl::FunctionRef<bool(const std::string& password_hash)> verify,
      const std::string& label, absl::Time expire_time,
      const std::string& secret_hash);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_USER_STORE_H_
