#include <optional>

#include "absl/strings/str_cat.h"
#include "services/api/call_log.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/paging.h"
#include "services/api/services.h"
#include "services/common/crypto.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/login.h"

namespace pqtrack::api {

using core::Action;

grpc::Status AdminServiceImpl::CreateUser(grpc::ServerContext* ctx,
                                          const v1::CreateUserRequest* req,
                                          v1::CreateUserResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageUsers));
    core::Violations v;
    if (!req->has_user()) v.Add("user", "required");
    const core::User user = FromProto(v, req->user());
    if (req->has_user()) core::ValidateUser(v, "user.", user);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::User stored,
                        d_.users.CreateUser(user, d_.clock.Now()));
    ToProto(stored, resp->mutable_user());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListUsers(grpc::ServerContext* ctx,
                                         const v1::ListUsersRequest* req,
                                         v1::ListUsersResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageUsers));
    core::Violations v;
    PQ_ASSIGN_OR_RETURN(const Page page,
                        ReadPage(v, *req, req->page_size(), req->page_token()));
    bool more = false;
    PQ_ASSIGN_OR_RETURN(const auto users,
                        d_.users.ListUsers(page.request, &more));
    for (const core::User& u : users) ToProto(u, resp->add_users());
    if (!users.empty()) {
      resp->set_next_page_token(page.NextToken(more, users.back().id));
    }
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::IssueToken(grpc::ServerContext* ctx,
                                          const v1::IssueTokenRequest* req,
                                          v1::IssueTokenResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageUsers));
    core::Violations v;
    if (req->user_login().empty()) v.Add("user_login", "required");
    core::CheckText(v, "label", req->label(), {0, 200});
    std::optional<absl::Time> expire;
    if (req->has_expire_time()) {
      if (!IsValidTimestamp(req->expire_time())) {
        v.Add("expire_time",
              "not a valid instant (years 1 to 9999, nanos 0 to 999999999)");
      } else {
        expire = TimeFromProto(req->expire_time());
        if (*expire <= d_.clock.Now()) {
          v.Add("expire_time", "must be in the future");
        }
      }
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    const std::string secret = NewTokenSecret();
    PQ_ASSIGN_OR_RETURN(
        const core::Token token,
        d_.users.IssueToken(req->user_login(), req->label(), expire,
                            HashTokenSecret(secret), d_.clock.Now()));
    ToProto(token, resp->mutable_token());
    resp->set_secret(secret);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::RevokeToken(grpc::ServerContext* ctx,
                                           const v1::RevokeTokenRequest* req,
                                           v1::RevokeTokenResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kOwnTokens));
    if (req->token_id() <= 0) {
      return absl::InvalidArgumentError("token_id: required (a positive id)");
    }
    std::optional<int64_t> owner;
    if (!core::Authorize(who, Action::kManageUsers).ok()) owner = who.user_id;
    PQ_ASSIGN_OR_RETURN(
        const core::Token token,
        d_.users.RevokeToken(req->token_id(), owner, d_.clock.Now()));
    // This replica forgets it at once; the others when the NOTIFY arrives.
    d_.auth.Revoked(token.id);
    ToProto(token, resp->mutable_token());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListTokens(grpc::ServerContext* ctx,
                                          const v1::ListTokensRequest* req,
                                          v1::ListTokensResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kOwnTokens));
    std::string login = req->user_login();
    if (!core::Authorize(who, Action::kManageUsers).ok()) {
      if (!login.empty() && login != who.login) {
        return absl::PermissionDeniedError(absl::StrCat(
            "role ", core::Name(who.role), " may only list its own tokens"));
      }
      login = who.login;
    }
    PQ_ASSIGN_OR_RETURN(
        const auto tokens,
        d_.users.ListTokens(login, req->include_inactive(), d_.clock.Now()));
    for (const core::Token& t : tokens) ToProto(t, resp->add_tokens());
    return absl::OkStatus();
  });
}

namespace {

constexpr char kWrongLogin[] = "wrong user name or password";

// A hash to check a password against when the login is unknown or has no
// password, so that the answer takes as long as for a real user.
const std::string& DecoyHash() {
  static const std::string* const hash = [] {
    absl::StatusOr<std::string> h = HashPassword(RandomSecret(16));
    return new std::string(h.ok() ? *h : "");
  }();
  return *hash;
}

}  // namespace

grpc::Status AdminServiceImpl::SetPassword(grpc::ServerContext* ctx,
                                           const v1::SetPasswordRequest* req,
                                           v1::SetPasswordResponse*) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kOwnTokens));
    const std::string login =
        req->user_login().empty() ? who.login : req->user_login();
    core::Violations v;
    core::CheckText(v, "user_login", login, {1, 100});
    core::CheckNewPassword(v, "password", req->password());
    PQ_RETURN_IF_ERROR(v.ToStatus());
    if (login != who.login) {
      PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageUsers));
    } else {
      PQ_ASSIGN_OR_RETURN(const auto state, d_.users.GetPasswordState(login));
      if (!state.password_hash.empty() &&
          !VerifyPassword(req->current_password(), state.password_hash)) {
        return absl::PermissionDeniedError(
            req->current_password().empty()
                ? "current_password: required to change your own password"
                : "current_password: does not match");
      }
    }
    PQ_ASSIGN_OR_RETURN(const std::string hash, HashPassword(req->password()));
    return d_.users.SetPasswordHash(login, hash, d_.clock.Now());
  });
}

grpc::Status AdminServiceImpl::Login(grpc::ServerContext* ctx,
                                     const v1::LoginRequest* req,
                                     v1::LoginResponse* resp) {
  return Handle([&]() -> absl::Status {
    core::Violations v;
    core::CheckText(v, "user_login", req->user_login(), {1, 100});
    core::CheckText(v, "password", req->password(),
                    {1, core::kPasswordRule.max_chars});
    core::CheckText(v, "label", req->label(), {0, 200});
    absl::Duration lifetime = core::kSessionLifetime;
    if (req->session_seconds() < 0 ||
        absl::Seconds(req->session_seconds()) > core::kMaxSessionLifetime) {
      v.Add("session_seconds", "between 1 and 2592000 (30 days), or 0");
    } else if (req->session_seconds() > 0) {
      lifetime = absl::Seconds(req->session_seconds());
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    const absl::Time now = d_.clock.Now();
    const std::string secret = NewTokenSecret();
    PQ_ASSIGN_OR_RETURN(const store::UserStore::LoginOutcome outcome,
                        d_.users.Login(
                            req->user_login(), now,
                            [&](const std::string& hash) {
                              return VerifyPassword(req->password(), hash);
                            },
                            req->label().empty() ? "sign-in" : req->label(),
                            now + lifetime, HashTokenSecret(secret)));
    using Result = store::UserStore::LoginOutcome::Result;
    switch (outcome.result) {
      case Result::kNoPassword:
        // As long as a real check, so that the answer tells nothing.
        (void)VerifyPassword(req->password(), DecoyHash());
        return absl::UnauthenticatedError(kWrongLogin);
      case Result::kWrongPassword:
        return absl::UnauthenticatedError(kWrongLogin);
      case Result::kBlocked:
        return absl::ResourceExhaustedError(
            absl::StrCat("too many wrong passwords in a row; try again in ",
                         absl::ToInt64Seconds(absl::Ceil(
                             outcome.blocked_until - now, absl::Seconds(1))),
                         " s"));
      case Result::kSignedIn:
        break;
    }
    ToProto(outcome.token, resp->mutable_token());
    resp->set_secret(secret);
    ToProto(outcome.user, resp->mutable_user());
    NoteUser(ctx, outcome.user.login);  // a sign-in is logged with its user
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::Logout(grpc::ServerContext* ctx,
                                      const v1::LogoutRequest*,
                                      v1::LogoutResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_ASSIGN_OR_RETURN(
        const core::Token token,
        d_.users.RevokeToken(who.token_id, who.user_id, d_.clock.Now()));
    d_.auth.Revoked(token.id);
    ToProto(token, resp->mutable_token());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::WhoAmI(grpc::ServerContext* ctx,
                                      const v1::WhoAmIRequest*,
                                      v1::WhoAmIResponse* resp) {
  return Handle([&]() -> absl::Status {
    // The user comes with the token (cached like it): no database call.
    core::User user;
    PQ_ASSIGN_OR_RETURN(const core::Principal who,
                        d_.auth.Authenticate(*ctx, &user));
    ToProto(user, resp->mutable_user());
    resp->set_token_id(who.token_id);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::VerifyAuditChain(
    grpc::ServerContext* ctx, const v1::VerifyAuditChainRequest*,
    v1::VerifyAuditChainResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kVerifyAudit));
    PQ_ASSIGN_OR_RETURN(const core::AuditReport report,
                        d_.log.VerifyAuditChain(d_.clock.Now()));
    resp->set_intact(report.intact);
    resp->set_events_checked(report.events_checked);
    resp->set_first_broken_event_id(report.first_broken_event_id);
    resp->set_problem(report.problem);
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
