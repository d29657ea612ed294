#include "services/api/auth.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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
    const grpc::ServerContextBase& context) const {
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
  return users_.Authenticate(HashTokenSecret(secret), clock_.Now());
}

}  // namespace pqtrack::api
