#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/routing.h"

namespace pqtrack::api {

using core::Action;

grpc::Status RoutingServiceImpl::CreateRule(grpc::ServerContext* ctx,
                                            const v1::CreateRuleRequest* req,
                                            v1::CreateRuleResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageRules));
    core::Violations v;
    if (!req->has_rule()) v.Add("rule", "required");
    const core::RoutingRule rule = FromProto(v, req->rule());
    if (req->has_rule()) core::ValidateRule(v, "rule.", rule);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const core::RoutingRule stored,
        d_.routing.CreateRule(rule, who.user_id, d_.clock.Now()));
    ToProto(stored, resp->mutable_rule());
    return absl::OkStatus();
  });
}

grpc::Status RoutingServiceImpl::ListRules(grpc::ServerContext* ctx,
                                           const v1::ListRulesRequest*,
                                           v1::ListRulesResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadRules));
    PQ_ASSIGN_OR_RETURN(const auto rules, d_.routing.ListRules());
    for (const core::RoutingRule& r : rules) ToProto(r, resp->add_rules());
    return absl::OkStatus();
  });
}

grpc::Status RoutingServiceImpl::DeleteRule(grpc::ServerContext* ctx,
                                            const v1::DeleteRuleRequest* req,
                                            v1::DeleteRuleResponse*) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageRules));
    if (req->id() <= 0) {
      return absl::InvalidArgumentError("id: required (a positive rule id)");
    }
    return d_.routing.DeleteRule(req->id(), d_.clock.Now());
  });
}

grpc::Status RoutingServiceImpl::PreviewRouting(
    grpc::ServerContext* ctx, const v1::PreviewRoutingRequest* req,
    v1::PreviewRoutingResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadRules));
    if (!req->has_item()) return absl::InvalidArgumentError("item: required");
    PQ_ASSIGN_OR_RETURN(const auto rules, d_.routing.ListRules());
    const auto match = core::Route(rules, LenientItemFromProto(req->item()));
    resp->set_matched(match.has_value());
    if (match) {
      ToProto(match->rule, resp->mutable_rule());
      for (const std::string& r : match->reasons) resp->add_reasons(r);
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
