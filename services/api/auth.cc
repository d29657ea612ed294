#include "services/api/auth.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/api/call_log.h"
#include "services/common/crypto.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

namespace pqtrack::api {

std::string NewTokenSecret() { return absl::StrCat("pqt_", RandomSecret(32)); }

std::optional<std::string> ScopeOf(const core::Principal& who) {
  if (core::SeesWholeMinistry(who)) return std::nullopt;
  return who.unit_code;
}

absl::Status CheckUnitInScope(store::AlertStore& alerts,
                              const core::Principal& who,
                              const std::string& unit) {
  const std::optional<std::string> scope = ScopeOf(who);
  if (!scope) return absl::OkStatus();
  PQ_ASSIGN_OR_RETURN(const auto mine, alerts.SubtreeCodes(*scope));
  if (std::find(mine.begin(), mine.end(), unit) == mine.end()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "unit_code: \"", unit, "\" is outside your unit's subtree"));
  }
  return absl::OkStatus();
}

std::string HashTokenSecret(const std::string& secret) {
  return Sha256Hex(secret);
}

absl::StatusOr<core::Principal> Authenticator::Authenticate(
    const grpc::ServerContextBase& context, core::User* user) const {
  PQ_ASSIGN_OR_RETURN(const std::string hash, TokenHashOf(context));
  absl::StatusOr<core::Principal> who = AuthenticateHash(hash, user);
  if (who.ok()) NoteUser(&context, who->login);  // for the call log
  return who;
}

absl::StatusOr<std::string> Authenticator::TokenHashOf(
    const grpc::ServerContextBase& context) {
  const auto& md = context.client_metadata();
  const auto it = md.find("authorization");
  if (it == md.end()) {
    return absl::UnauthenticatedError(
        "missing metadata \"authorization: Bearer <token>\"");
  }
  const std::string value(it->second.data(), it->second.size());
  constexpr char kScheme[] = "bearer ";
  if (value.size() <= sizeof(kScheme) - 1 ||
      !absl::StartsWithIgnoreCase(value, kScheme)) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be \"Bearer <token>\"");
  }
  const std::string secret(absl::StripAsciiWhitespace(
      absl::string_view(value).substr(sizeof(kScheme) - 1)));
  if (secret.empty() || secret.size() > 200) {
    return absl::UnauthenticatedError(
        "the bearer token is unknown, revoked or expired");
  }
  return HashTokenSecret(secret);
}

absl::StatusOr<core::Principal> Authenticator::AuthenticateHash(
    const std::string& hash, core::User* user) const {
  const absl::Time now = clock_.Now();
  uint64_t generation = 0;
  {
    absl::MutexLock lock(&mu_);
    if (listening_) {
      const auto it = cache_.find(hash);
      if (it != cache_.end()) {
        const Cached& c = it->second;
        if (now - c.cached_at < options_.cache_lifetime &&
            (!c.expire_time || now < *c.expire_time)) {
          if (user != nullptr) *user = c.user;
          return c.principal;
        }
        cache_.erase(it);
      }
    }
    generation = generation_;
  }
  PQ_ASSIGN_OR_RETURN(store::UserStore::ActiveToken active,
                      users_.Authenticate(hash, now));
  absl::MutexLock lock(&mu_);
  if (listening_ && generation == generation_) {
    if (cache_.size() >= options_.cache_capacity) {
      for (auto it = cache_.begin(); it != cache_.end();) {
        if (now - it->second.cached_at >= options_.cache_lifetime) {
          cache_.erase(it++);
        } else {
          ++it;
        }
      }
      if (cache_.size() >= options_.cache_capacity) cache_.clear();
    }
    cache_[hash] =
        Cached{active.principal, active.user, active.expire_time, now};
  }
  if (user != nullptr) *user = std::move(active.user);
  return std::move(active.principal);
}

void Authenticator::TokensChanged(const std::string& payload) {
  absl::MutexLock lock(&mu_);
  ++generation_;
  ++notifications_;
  if (payload == "*") {
    cache_.clear();
  } else {
    cache_.erase(payload);
  }
}

void Authenticator::Revoked(int64_t token_id) {
  absl::MutexLock lock(&mu_);
  ++generation_;
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.principal.token_id == token_id) {
      cache_.erase(it++);
    } else {
      ++it;
    }
  }
}

void Authenticator::SetListening(bool listening) {
  absl::MutexLock lock(&mu_);
  ++generation_;
  listening_ = listening;
  cache_.clear();
}

int64_t Authenticator::notifications() const {
  absl::MutexLock lock(&mu_);
  return notifications_;
}

void Authenticator::AwaitListening(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&listening_), timeout);
}

void Authenticator::AwaitNotifications(int64_t n,
                                       absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  const auto enough = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return notifications_ >= n;
  };
  mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
}

}  // namespace pqtrack::api
