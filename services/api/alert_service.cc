#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

namespace pqtrack::api {
namespace {

// SERVICE (the notifier) hears every alert, like the ministry office.
std::optional<std::string> AlertScope(const core::Principal& who) {
  if (who.role == core::Role::kService) return std::nullopt;
  return ScopeOf(who);
}

void CheckSubscriber(core::Violations& v, const std::string& s, bool required) {
  if (s.empty()) {
    if (required) v.Add("subscriber", "required");
    return;
  }
  bool ok = s.size() <= 100;
  for (char c : s) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-');
  }
  if (!ok) {
    v.Add("subscriber",
          "must be 1-100 characters from a-z, 0-9, '.', '_' and '-'");
  }
}

}  // namespace

grpc::Status AlertServiceImpl::ListAlerts(grpc::ServerContext* ctx,
                                          const v1::ListAlertsRequest* req,
                                          v1::ListAlertsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadAlerts));
    core::Violations v;
    store::AlertFilter f;
    if (req->after_cursor() < 0) v.Add("after_cursor", "must not be negative");
    f.after_cursor = req->after_cursor();
    for (const std::string& u : req->unit_codes()) {
      core::CheckUnitCode(v, "unit_codes", u, true);
      f.unit_codes.push_back(u);
    }
    for (int k : req->kinds()) {
      if (k <= 0 || k > 8) {
        v.Add("kinds", absl::StrCat(k, " is not a known alert kind"));
      } else {
        f.kinds.push_back(static_cast<core::AlertKind>(k));
      }
    }
    if (req->limit() < 0 || req->limit() > 1000) {
      v.Add("limit", "must be between 0 and 1000");
    }
    f.limit = req->limit() == 0 ? 100 : req->limit();
    CheckSubscriber(v, req->subscriber(), false);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const auto alerts,
                        d_.alerts.ListAlerts(AlertScope(who), f));
    for (const store::Alert& a : alerts) {
      v1::Alert* out = resp->add_alerts();
      out->set_id(a.id);
      out->set_item_id(a.item_id);
      out->set_kind(static_cast<v1::AlertKind>(a.kind));
      out->set_level(a.level);
      out->set_days_left(a.days_left.value_or(0));
      out->set_unit_code(a.unit_code);
      if (a.due_on) SetDate(a.due_on, out->mutable_due_on());
      out->set_title(a.title);
      out->set_detail_json(a.detail_json);
      TimeToProto(a.create_time, out->mutable_create_time());
    }
    if (!req->subscriber().empty()) {
      PQ_ASSIGN_OR_RETURN(const int64_t acked,
                          d_.alerts.AckedCursor(req->subscriber()));
      resp->set_acked_cursor(acked);
    }
    return absl::OkStatus();
  });
}

grpc::Status AlertServiceImpl::AckAlerts(grpc::ServerContext* ctx,
                                         const v1::AckAlertsRequest* req,
                                         v1::AckAlertsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadAlerts));
    core::Violations v;
    CheckSubscriber(v, req->subscriber(), true);
    if (req->cursor() <= 0) v.Add("cursor", "required (a positive alert id)");
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const int64_t acked,
        d_.alerts.Ack(req->subscriber(), req->cursor(), d_.clock.Now()));
    resp->set_acked_cursor(acked);
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
