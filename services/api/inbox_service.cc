// WorkflowService.ListInbox: a unit's desk.
#include <optional>

#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/paging.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/inbox.h"

namespace pqtrack::api {

namespace {

// The page token carries the last entry's due date and item id packed in
// one number: (days since 1970-01-01 + 1, or 0 without a due date) << 40 |
// id. Ids stay below 2^40 and dates within 2^22 days.
constexpr int kIdBits = 40;

int64_t PackCursor(const core::InboxEntry& e) {
  int64_t days = 0;
  if (e.due_on) days = (*e.due_on - core::Day(1970, 1, 1)) + 1;
  return (days << kIdBits) | e.item.id;
}

std::optional<core::InboxQuery::Cursor> UnpackCursor(int64_t packed) {
  if (packed <= 0) return std::nullopt;
  core::InboxQuery::Cursor c;
  c.id = packed & ((int64_t{1} << kIdBits) - 1);
  const int64_t days = packed >> kIdBits;
  if (days > 0) c.due = core::Day(1970, 1, 1) + (days - 1);
  return c;
}

}  // namespace

grpc::Status WorkflowServiceImpl::ListInbox(grpc::ServerContext* ctx,
                                            const v1::ListInboxRequest* req,
                                            v1::ListInboxResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    core::Violations v;
    core::CheckUnitCode(v, "unit_code", req->unit_code(), false);
    core::InboxQuery q;
    if (req->role() == v1::INBOX_ROLE_LEAD) q.lead = true;
    if (req->role() == v1::INBOX_ROLE_COORDINATING) q.lead = false;
    for (int k : req->kinds()) {
      if (k <= v1::ITEM_KIND_UNSPECIFIED || !v1::ItemKind_IsValid(k)) {
        v.Add("kinds", "each a known kind");
      } else {
        q.kinds.push_back(static_cast<core::ItemKind>(k));
      }
    }
    for (int st : req->statuses()) {
      const auto status = static_cast<core::ItemStatus>(st);
      if (!v1::ItemStatus_IsValid(st) || !core::IsInboxStatus(status)) {
        v.Add("statuses", "each ASSIGNED, IN_PROGRESS or PENDING_APPROVAL");
      } else {
        q.statuses.push_back(status);
      }
    }
    for (int t : req->timeliness()) {
      if (t <= v1::TIMELINESS_UNSPECIFIED || !v1::Timeliness_IsValid(t)) {
        v.Add("timeliness", "each a known timeliness");
      } else {
        q.timeliness.push_back(static_cast<core::Timeliness>(t));
      }
    }
    if (req->session_id() < 0) v.Add("session_id", "a positive id, or 0");
    if (req->batch_id() < 0) v.Add("batch_id", "a positive id, or 0");
    q.session_id = req->session_id();
    q.batch_id = req->batch_id();
    q.returned = req->returned();
    PQ_ASSIGN_OR_RETURN(const Page page,
                        ReadPage(v, *req, req->page_size(), req->page_token()));
    q.size = page.request.size;
    q.after = UnpackCursor(page.request.after_id);
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
    q.unit_code = unit;
    int total = 0;
    bool more = false;
    core::InboxCounts counts;
    PQ_ASSIGN_OR_RETURN(
        const std::vector<core::InboxEntry> entries,
        d_.items.ListInbox(q, Today(d_.clock), &total, &more, &counts));
    v1::InboxCounts* c = resp->mutable_counts();
    c->set_all(counts.all);
    c->set_lead(counts.lead);
    c->set_coordinating(counts.coordinating);
    c->set_returned(counts.returned);
    c->set_pending_approval(counts.pending_approval);
    c->set_overdue(counts.overdue);
    c->set_due_today(counts.due_today);
    c->set_due_soon(counts.due_soon);
    for (const core::InboxEntry& e : entries) {
      v1::InboxEntry* out = resp->add_entries();
      ToProto(e.item, out->mutable_item());
      out->set_role(e.lead ? v1::INBOX_ROLE_LEAD : v1::INBOX_ROLE_COORDINATING);
      out->set_unit_code(e.unit_code);
      if (e.due_on) SetDate(e.due_on, out->mutable_due_on());
      out->set_days_left(e.days_left);
      out->set_timeliness(static_cast<v1::Timeliness>(e.timeliness));
    }
    resp->set_total(total);
    if (!entries.empty()) {
      resp->set_next_page_token(
          page.NextToken(more, PackCursor(entries.back())));
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
