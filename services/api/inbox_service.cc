// WorkflowService.ListInbox: a unit's desk.
#include <set>

#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/inbox.h"

namespace pqtrack::api {

grpc::Status WorkflowServiceImpl::ListInbox(grpc::ServerContext* ctx,
                                            const v1::ListInboxRequest* req,
                                            v1::ListInboxResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    core::Violations v;
    core::CheckUnitCode(v, "unit_code", req->unit_code(), false);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    const std::string unit =
        req->unit_code().empty() ? who.unit_code : req->unit_code();
    if (unit.empty()) {
      return absl::InvalidArgumentError(
          "unit_code: required (your user belongs to no unit)");
    }
    absl::StatusOr<std::vector<std::string>> codes =
        d_.alerts.SubtreeCodes(unit);
    if (absl::IsNotFound(codes.status())) {
      return absl::InvalidArgumentError(
          absl::StrCat("unit_code: no unit \"", unit, "\""));
    }
    PQ_RETURN_IF_ERROR(codes.status());
    PQ_RETURN_IF_ERROR(CheckUnitInScope(d_.alerts, who, unit));
    // The items the unit's subtree can see that are open.
    core::ItemFilter filter;
    filter.statuses = {core::ItemStatus::kAssigned,
                       core::ItemStatus::kInProgress,
                       core::ItemStatus::kPendingApproval};
    core::PageRequest page;
    page.size = 500;
    std::vector<core::Item> items;
    for (;;) {
      bool more = false;
      PQ_ASSIGN_OR_RETURN(auto batch,
                          d_.items.ListItems(unit, filter, page, &more));
      if (batch.empty()) break;
      page.after_id = batch.back().id;
      for (core::Item& it : batch) items.push_back(std::move(it));
      if (!more) break;
    }
    const std::set<std::string> units(codes->begin(), codes->end());
    for (const core::InboxEntry& e :
         core::BuildInbox(items, units, Today(d_.clock))) {
      v1::InboxEntry* out = resp->add_entries();
      ToProto(e.item, out->mutable_item());
      out->set_role(e.lead ? v1::INBOX_ROLE_LEAD : v1::INBOX_ROLE_COORDINATING);
      out->set_unit_code(e.unit_code);
      if (e.due_on) SetDate(e.due_on, out->mutable_due_on());
      out->set_days_left(e.days_left);
      out->set_timeliness(static_cast<v1::Timeliness>(e.timeliness));
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
