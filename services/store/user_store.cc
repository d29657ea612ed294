#include "services/store/user_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/core/login.h"
#include "services/store/item_rows.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kInsertUser{
    "user_insert",
    R"sql(INSERT INTO users (login, display_name, role, unit_id, email,
                             created_at)
          VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (login) DO NOTHING
          RETURNING id)sql"};

#define PQTRACK_USER_COLUMNS_ONLY                            \
  "u.id, u.login, u.display_name, u.role, un.code, u.email," \
  " (extract(epoch FROM u.created_at) * 1000000)::bigint"
#define PQTRACK_USER_FROM \
  "FROM users u LEFT JOIN units un ON un.id = u.unit_id "
#define PQTRACK_USER_COLUMNS PQTRACK_USER_COLUMNS_ONLY " " PQTRACK_USER_FROM

constexpr Statement kGetUser{
    "user_get", "SELECT " PQTRACK_USER_COLUMNS "WHERE u.login = $1"};
constexpr Statement kListUsers{"user_list",
                               "SELECT " PQTRACK_USER_COLUMNS
                               "WHERE u.id > $1 ORDER BY u.id LIMIT $2"};

#define PQTRACK_TOKEN_COLUMNS                                          \
  "t.id, u.login, t.label, "                                           \
  "(extract(epoch FROM t.created_at) * 1000000)::bigint, "             \
  "(extract(epoch FROM t.expires_at) * 1000000)::bigint, "             \
  "(extract(epoch FROM t.revoked_at) * 1000000)::bigint, "             \
  "(extract(epoch FROM t.last_used_at) * 1000000)::bigint, t.user_id " \
  "FROM tokens t JOIN users u ON u.id = t.user_id "

constexpr Statement kInsertToken{
    "token_insert",
    R"sql(INSERT INTO tokens (user_id, secret_hash, label, created_at,
                              expires_at)
          SELECT id, $2, $3, $4, $5 FROM users WHERE login = $1
          RETURNING id)sql"};
constexpr Statement kGetToken{
    "token_get", "SELECT " PQTRACK_TOKEN_COLUMNS "WHERE t.id = $1"};
constexpr Statement kRevokeToken{
    "token_revoke",
    "UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
    " RETURNING pg_notify($3, secret_hash)"};
constexpr Statement kListTokens{
    "token_list", "SELECT " PQTRACK_TOKEN_COLUMNS
                  "WHERE ($1::text IS NULL OR u.login = $1)"
                  "  AND ($2 OR (t.revoked_at IS NULL AND"
                  "              (t.expires_at IS NULL OR t.expires_at > $3)))"
                  " ORDER BY t.id"};

// The user (as UserFromRow reads it), then the token: id, whether its use
// should be recorded, expiry.
constexpr Statement kAuthenticate{
    "token_authenticate",
    R"sql(SELECT u.id, u.login, u.display_name, u.role, un.code, u.email,
                 (extract(epoch FROM u.created_at) * 1000000)::bigint,
                 t.id,
                 (t.last_used_at IS NULL OR
                  t.last_used_at < $2::timestamptz - interval '1 minute'),
                 (extract(epoch FROM t.expires_at) * 1000000)::bigint
            FROM tokens t
            JOIN users u ON u.id = t.user_id
            LEFT JOIN units un ON un.id = u.unit_id
           WHERE t.secret_hash = $1 AND t.revoked_at IS NULL
             AND (t.expires_at IS NULL OR t.expires_at > $2))sql"};
constexpr Statement kTouchToken{
    "token_touch", "UPDATE tokens SET last_used_at = $2 WHERE id = $1"};

constexpr Statement kCountUsers{"user_count", "SELECT count(*) FROM users"};
constexpr Statement kLockUsers{"user_lock",
                               "SELECT pg_advisory_xact_lock(727176)"};
constexpr Statement kEnsureAdmin{
    "user_ensure_admin",
    R"sql(INSERT INTO users (login, display_name, role, created_at)
          VALUES ($1, 'Administrator', 'ADMIN', $2)
          ON CONFLICT (login) DO UPDATE SET role = 'ADMIN'
          RETURNING pg_notify($3, '*'))sql"};

constexpr Statement kSetPassword{
    "user_set_password",
    "UPDATE users SET password_hash = $2, password_set_at = $3,"
    " failed_logins = 0, login_blocked_until = NULL WHERE login = $1"
    " RETURNING id"};
#define PQTRACK_PASSWORD_STATE                                     \
  "SELECT " PQTRACK_USER_COLUMNS_ONLY                              \
  ", u.password_hash, u.failed_logins,"                            \
  " (extract(epoch FROM u.login_blocked_until) * 1000000)::bigint" \
  " " PQTRACK_USER_FROM "WHERE u.login = $1"
constexpr Statement kPasswordState{"user_password_state",
                                   PQTRACK_PASSWORD_STATE};
// The same, holding the row until the end of the transaction.
constexpr Statement kPasswordStateForLogin{"user_password_state_lock",
                                           PQTRACK_PASSWORD_STATE
                                           " FOR NO KEY UPDATE OF u"};
constexpr Statement kCountWrongPassword{
    "user_wrong_password",
    "UPDATE users SET failed_logins = failed_logins + 1 WHERE login = $1"
    " RETURNING failed_logins"};
constexpr Statement kBlockLogin{
    "user_block_login",
    "UPDATE users SET login_blocked_until = $2 WHERE login = $1"};
constexpr Statement kClearWrongPasswords{
    "user_clear_wrong_passwords",
    "UPDATE users SET failed_logins = 0, login_blocked_until = NULL"
    " WHERE login = $1"};

core::User UserFromRow(const pqxx::row& r) {
  core::User u;
  u.id = Int(r[0]);
  u.login = Text(r[1]);
  u.display_name = Text(r[2]);
  u.role = core::ParseEnum<core::Role>(Text(r[3]))
               .value_or(core::Role::kUnspecified);
  u.unit_code = Text(r[4]);
  u.email = Text(r[5]);
  u.create_time = TimeOf(r[6]);
  return u;
}

core::Token TokenFromRow(const pqxx::row& r) {
  core::Token t;
  t.id = Int(r[0]);
  t.user_login = Text(r[1]);
  t.label = Text(r[2]);
  t.create_time = TimeOf(r[3]);
  t.expire_time = OptionalTimeOf(r[4]);
  t.revoke_time = OptionalTimeOf(r[5]);
  t.last_use_time = OptionalTimeOf(r[6]);
  return t;
}

}  // namespace

absl::StatusOr<core::User> UserStore::CreateUser(const core::User& user,
                                                 absl::Time now) {
  return db_.Transact<core::User>([&](Tx& tx) -> absl::StatusOr<core::User> {
    std::optional<int64_t> unit_id;
    if (!user.unit_code.empty()) {
      PQ_ASSIGN_OR_RETURN(const UnitRef unit,
                          ResolveUnit(tx, "user.unit_code", user.unit_code,
                                      std::nullopt, false));
      unit_id = unit.id;
    }
    const pqxx::result r =
        tx.Run(kInsertUser, user.login, user.display_name,
               std::string(core::Name(user.role)), unit_id, user.email, now);
    if (r.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("user.login: \"", user.login, "\" is taken"));
    }
    return UserFromRow(tx.Run(kGetUser, user.login)[0]);
  });
}

absl::StatusOr<std::vector<core::User>> UserStore::ListUsers(
    const core::PageRequest& page, bool* more) {
  return db_.Transact<std::vector<core::User>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::User>> {
        std::vector<core::User> out;
        const pqxx::result r = tx.Run(kListUsers, page.after_id, page.size + 1);
        for (const pqxx::row& row : r) out.push_back(UserFromRow(row));
        *more = static_cast<int>(out.size()) > page.size;
        if (*more) out.resize(page.size);
        return out;
      });
}

absl::StatusOr<core::User> UserStore::GetUser(const std::string& login) {
  return db_.Transact<core::User>([&](Tx& tx) -> absl::StatusOr<core::User> {
    const pqxx::result r = tx.Run(kGetUser, login);
    if (r.empty()) {
      return absl::NotFoundError(absl::StrCat("no user \"", login, "\""));
    }
    return UserFromRow(r[0]);
  });
}

absl::StatusOr<core::Token> UserStore::IssueToken(
    const std::string& login, const std::string& label,
    std::optional<absl::Time> expire_time, const std::string& secret_hash,
    absl::Time now) {
  return db_.Transact<core::Token>([&](Tx& tx) -> absl::StatusOr<core::Token> {
    const pqxx::result r =
        tx.Run(kInsertToken, login, secret_hash, label, now, expire_time);
    if (r.empty()) {
      return absl::NotFoundError(absl::StrCat("no user \"", login, "\""));
    }
    return TokenFromRow(tx.Run(kGetToken, Int(r[0][0]))[0]);
  });
}

absl::Status UserStore::SetPasswordHash(const std::string& login,
                                        const std::string& password_hash,
                                        absl::Time now) {
  return db_.Transact([&](Tx& tx) -> absl::Status {
    if (tx.Run(kSetPassword, login, password_hash, now).empty()) {
      return absl::NotFoundError(absl::StrCat("no user \"", login, "\""));
    }
    return absl::OkStatus();
  });
}

namespace {

absl::StatusOr<UserStore::PasswordState> ReadPasswordState(
    Tx& tx, const std::string& login, bool lock = false) {
  const pqxx::result r =
      tx.Run(lock ? kPasswordStateForLogin : kPasswordState, login);
  if (r.empty()) {
    return absl::NotFoundError(absl::StrCat("no user \"", login, "\""));
  }
  UserStore::PasswordState s;
  s.user = UserFromRow(r[0]);
  s.password_hash = Text(r[0][7]);
  s.failed_logins = static_cast<int>(Int(r[0][8]));
  s.blocked_until = OptionalTimeOf(r[0][9]);
  return s;
}

}  // namespace

absl::StatusOr<UserStore::PasswordState> UserStore::GetPasswordState(
    const std::string& login) {
  return db_.Transact<PasswordState>(
      [&](Tx& tx) { return ReadPasswordState(tx, login); });
}

absl::StatusOr<UserStore::LoginOutcome> UserStore::Login(
    const std::string& login, absl::Time now,
    absl::FunctionRef<bool(const std::string&)> verify,
    const std::string& label, absl::Time expire_time,
    const std::string& secret_hash) {
  using Result = LoginOutcome::Result;
  return db_.Transact<LoginOutcome>(
      [&](Tx& tx) -> absl::StatusOr<LoginOutcome> {
        LoginOutcome out;
        absl::StatusOr<PasswordState> state =
            ReadPasswordState(tx, login, /*lock=*/true);
        if (absl::IsNotFound(state.status())) return out;
        PQ_RETURN_IF_ERROR(state.status());
        if (state->password_hash.empty()) return out;
        if (state->blocked_until && *state->blocked_until > now) {
          out.result = Result::kBlocked;
          out.blocked_until = *state->blocked_until;
          return out;
        }
        if (!verify(state->password_hash)) {
          const pqxx::result r = tx.Run(kCountWrongPassword, login);
          const absl::Duration delay =
              core::LoginDelay(static_cast<int>(Int(r[0][0])));
          if (delay > absl::ZeroDuration()) {
            tx.Run(kBlockLogin, login, now + delay);
          }
          out.result = Result::kWrongPassword;
          return out;
        }
        tx.Run(kClearWrongPasswords, login);
        const pqxx::result r =
            tx.Run(kInsertToken, login, secret_hash, label, now, expire_time);
        out.token = TokenFromRow(tx.Run(kGetToken, Int(r[0][0]))[0]);
        out.user = state->user;
        out.result = Result::kSignedIn;
        return out;
      });
}

absl::StatusOr<core::Token> UserStore::RevokeToken(
    int64_t token_id, std::optional<int64_t> owner_id, absl::Time now) {
  return db_.Transact<core::Token>([&](Tx& tx) -> absl::StatusOr<core::Token> {
    const pqxx::result found = tx.Run(kGetToken, token_id);
    if (found.empty() || (owner_id && Int(found[0][7]) != *owner_id)) {
      return absl::NotFoundError(absl::StrCat("no token ", token_id));
    }
    tx.Run(kRevokeToken, token_id, now, kTokensChannel);
    return TokenFromRow(tx.Run(kGetToken, token_id)[0]);
  });
}

absl::StatusOr<std::vector<core::Token>> UserStore::ListTokens(
    const std::string& login, bool include_inactive, absl::Time now) {
  return db_.Transact<std::vector<core::Token>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Token>> {
        std::vector<core::Token> out;
        for (const pqxx::row& r :
             tx.Run(kListTokens, NullIfEmpty(login), include_inactive, now)) {
          out.push_back(TokenFromRow(r));
        }
        return out;
      });
}

absl::StatusOr<UserStore::ActiveToken> UserStore::Authenticate(
    const std::string& secret_hash, absl::Time now) {
  return db_.Transact<ActiveToken>([&](Tx& tx) -> absl::StatusOr<ActiveToken> {
    const pqxx::result r = tx.Run(kAuthenticate, secret_hash, now);
    if (r.empty()) {
      return absl::UnauthenticatedError(
          "the bearer token is unknown, revoked or expired");
    }
    ActiveToken active;
    active.user = UserFromRow(r[0]);
    core::Principal& p = active.principal;
    p.user_id = active.user.id;
    p.login = active.user.login;
    p.role = active.user.role;
    p.unit_code = active.user.unit_code;
    p.token_id = Int(r[0][7]);
    active.expire_time = OptionalTimeOf(r[0][9]);
    if (Bool(r[0][8])) tx.Run(kTouchToken, p.token_id, now);
    return active;
  });
}

absl::StatusOr<bool> UserStore::BootstrapAdmin(const std::string& login,
                                               const std::string& secret_hash,
                                               bool only_if_no_users,
                                               absl::Time now) {
  return db_.Transact<bool>([&](Tx& tx) -> absl::StatusOr<bool> {
    tx.Run(kLockUsers);
    if (only_if_no_users && Int(tx.Run(kCountUsers)[0][0]) > 0) return false;
    tx.Run(kEnsureAdmin, login, now, kTokensChannel);
    tx.Run(kInsertToken, login, secret_hash,
           only_if_no_users ? "first start" : "recovery", now, Null{});
    return true;
  });
}

}  // namespace pqtrack::store
