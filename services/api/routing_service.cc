#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/api/auth.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/paging.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/common/utf8.h"
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

grpc::Status RoutingServiceImpl::RouteItems(grpc::ServerContext* ctx,
                                            const v1::RouteItemsRequest* req,
                                            v1::RouteItemsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    // Assigning is the office's move (see WorkflowService.AssignItem).
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kRecordItem));
    core::Violations v;
    if (req->item_ids_size() > 1000) v.Add("item_ids", "at most 1,000 items");
    absl::flat_hash_set<int64_t> ids_seen;
    for (int64_t id : req->item_ids()) {
      if (id <= 0 || !ids_seen.insert(id).second) {
        v.Add("item_ids", absl::StrCat(id,
                                       " is not a positive id or is "
                                       "repeated"));
        break;
      }
    }
    std::optional<store::WorkflowStore::Units> units;
    if (!req->lead_unit_code().empty()) {
      core::CheckUnitCode(v, "lead_unit_code", req->lead_unit_code(), true);
      units.emplace();
      units->lead_unit_code = req->lead_unit_code();
    }
    if (req->coordinating_unit_codes_size() > 50) {
      v.Add("coordinating_unit_codes", "at most 50 units");
    }
    absl::flat_hash_set<std::string> codes_seen;
    for (const std::string& code : req->coordinating_unit_codes()) {
      if (!units) {
        v.Add("coordinating_unit_codes", "only with lead_unit_code");
        break;
      }
      core::CheckUnitCode(v, "coordinating_unit_codes", code, true);
      if (!codes_seen.insert(code).second || code == req->lead_unit_code()) {
        v.Add("coordinating_unit_codes",
              absl::StrCat("\"", TruncateToWidth(code, 20),
                           "\" is repeated or is the lead unit"));
      }
      units->coordinating.push_back({code, std::nullopt});
    }
    core::ItemFilter filter = FromProto(v, req->filter(), "filter.");
    core::ValidateItemFilter(v, filter, "filter.");
    if (filter.statuses.empty()) {
      filter.statuses.push_back(core::ItemStatus::kReceived);
    }
    const int size = req->page_size() == 0 ? 200 : req->page_size();
    if (size < 1 || size > 1000) v.Add("page_size", "must be 1-1,000");
    PQ_RETURN_IF_ERROR(v.ToStatus());
    const std::string fingerprint = QueryFingerprint(*req);

    std::vector<std::pair<int64_t, std::string>> items;
    bool more = false;
    if (req->item_ids_size() > 0) {
      for (int64_t id : req->item_ids()) items.push_back({id, ""});
    } else {
      core::PageRequest page;
      page.size = size;
      PQ_ASSIGN_OR_RETURN(page.after_id,
                          DecodePageToken(req->page_token(), fingerprint));
      PQ_ASSIGN_OR_RETURN(
          const auto listed,
          d_.items.ListItems(ScopeOf(who), filter, page, &more));
      for (const core::Item& it : listed) items.push_back({it.id, it.title});
    }
    const store::WorkflowStore::Caller caller{who, d_.clock.Now(),
                                              Today(d_.clock)};
    for (const auto& [id, title] : items) {
      v1::RouteItemsResponse::Result* r = resp->add_results();
      r->set_item_id(id);
      r->set_title(title);
      const absl::StatusOr<store::WorkflowStore::Routed> routed =
          d_.workflow.Route(caller, id, units, req->dry_run());
      if (!routed.ok()) {
        // A failure of the server, not a refusal of this item, ends the
        // run (logged, with a request id for the client).
        const absl::StatusCode code = routed.status().code();
        if (code == absl::StatusCode::kInternal ||
            code == absl::StatusCode::kUnknown ||
            code == absl::StatusCode::kUnavailable ||
            code == absl::StatusCode::kDataLoss) {
          return routed.status();
        }
        r->set_outcome(v1::RouteItemsResponse::OUTCOME_REFUSED);
        r->set_error(absl::StrCat(absl::StatusCodeToString(code), ": ",
                                  routed.status().message()));
        resp->set_refused(resp->refused() + 1);
        continue;
      }
      if (!routed->title.empty()) r->set_title(routed->title);
      if (!routed->routed) {
        r->set_outcome(v1::RouteItemsResponse::OUTCOME_NO_RULE);
        resp->set_no_rule(resp->no_rule() + 1);
        continue;
      }
      r->set_outcome(v1::RouteItemsResponse::OUTCOME_ROUTED);
      r->set_lead_unit_code(routed->lead_unit_code);
      for (const std::string& c : routed->coordinating_unit_codes) {
        r->add_coordinating_unit_codes(c);
      }
      if (routed->rule) {
        r->set_rule_id(routed->rule->id);
        r->set_rule_name(routed->rule->name);
      }
      for (const std::string& why : routed->reasons) r->add_reasons(why);
      r->set_version(routed->version);
      resp->set_routed(resp->routed() + 1);
    }
    if (more && !items.empty()) {
      resp->set_next_page_token(
          EncodePageToken(items.back().first, fingerprint));
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
