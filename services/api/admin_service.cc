#include <optional>

#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/paging.h"
#include "services/api/services.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

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
      expire = TimeFromProto(req->expire_time());
      if (*expire <= d_.clock.Now()) {
        v.Add("expire_time", "must be in the future");
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
