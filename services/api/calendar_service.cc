#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/deadline.h"

namespace pqtrack::api {
namespace {

using core::Action;

void RuleToProto(const core::DeadlineRule& r, v1::DeadlineRule* out) {
  out->set_id(r.id);
  out->set_kind(static_cast<v1::ItemKind>(r.kind));
  out->set_amount(r.amount);
  out->set_count(static_cast<v1::DayCount>(r.count));
  out->set_anchor(static_cast<v1::DeadlineAnchor>(r.anchor));
  out->set_legal_basis(r.legal_basis);
  if (r.valid_from) SetDate(r.valid_from, out->mutable_valid_from());
  if (r.valid_to) SetDate(r.valid_to, out->mutable_valid_to());
}

template <typename E>
E SmallEnum(core::Violations& v, const std::string& field, int wire, int max) {
  if (wire == 0) {
    v.Add(field, "must be set (UNSPECIFIED is not allowed)");
  } else if (wire < 0 || wire > max) {
    v.Add(field, absl::StrCat(wire, " is not a known value"));
    return E::kUnspecified;
  }
  return static_cast<E>(wire);
}

}  // namespace

grpc::Status CalendarServiceImpl::SetCalendarDays(
    grpc::ServerContext* ctx, const v1::SetCalendarDaysRequest* req,
    v1::SetCalendarDaysResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageCalendar));
    core::Violations v;
    if (req->days().empty() || req->days_size() > 1000) {
      v.Add("days", "1 to 1000 days are required");
    }
    std::vector<core::CalendarDay> days;
    absl::flat_hash_set<core::Day> seen;
    for (const v1::CalendarDay& d : req->days()) {
      core::CalendarDay day;
      const auto date =
          DateFromProto(v, "days.date", d.has_date(), d.date(), true);
      day.kind = SmallEnum<core::CalendarDayKind>(v, "days.kind", d.kind(), 2);
      day.name = d.name();
      day.source = d.source();
      core::CheckText(v, "days.name", d.name(), {1, 200});
      core::CheckText(v, "days.source", d.source(), {0, 300});
      if (date) {
        day.date = *date;
        if (!seen.insert(*date).second) {
          v.Add("days.date",
                absl::StrCat(FormatIsoDate(*date), " is listed twice"));
        }
      }
      days.push_back(day);
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const int written, d_.deadlines.SetCalendarDays(days));
    resp->set_days_written(written);
    return absl::OkStatus();
  });
}

grpc::Status CalendarServiceImpl::ListCalendarDays(
    grpc::ServerContext* ctx, const v1::ListCalendarDaysRequest* req,
    v1::ListCalendarDaysResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadCalendar));
    if (req->year() < kMinYear || req->year() > kMaxYear) {
      return absl::InvalidArgumentError("year: must be between 1900 and 2999");
    }
    PQ_ASSIGN_OR_RETURN(const auto year,
                        d_.deadlines.ListCalendarDays(req->year()));
    for (const core::CalendarDay& d : year.days) {
      v1::CalendarDay* out = resp->add_days();
      SetDate(d.date, out->mutable_date());
      out->set_kind(static_cast<v1::CalendarDayKind>(d.kind));
      out->set_name(d.name);
      out->set_source(d.source);
    }
    resp->set_year_loaded(year.loaded);
    return absl::OkStatus();
  });
}

grpc::Status CalendarServiceImpl::SetDeadlineRule(
    grpc::ServerContext* ctx, const v1::SetDeadlineRuleRequest* req,
    v1::SetDeadlineRuleResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageCalendar));
    core::Violations v;
    const v1::DeadlineRule& in = req->rule();
    core::DeadlineRule rule;
    rule.kind = core::CheckEnum<core::ItemKind>(v, "rule.kind", in.kind());
    rule.amount = in.amount();
    rule.count = SmallEnum<core::DayCount>(v, "rule.count", in.count(), 2);
    rule.anchor = SmallEnum<core::Anchor>(v, "rule.anchor", in.anchor(), 3);
    rule.legal_basis = in.legal_basis();
    rule.valid_from = DateFromProto(v, "rule.valid_from", in.has_valid_from(),
                                    in.valid_from(), false);
    rule.valid_to = DateFromProto(v, "rule.valid_to", in.has_valid_to(),
                                  in.valid_to(), false);
    core::ValidateDeadlineRule(v, "rule.", rule);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const core::DeadlineRule stored,
        d_.deadlines.CreateRule(rule, who.user_id, d_.clock.Now()));
    RuleToProto(stored, resp->mutable_rule());
    return absl::OkStatus();
  });
}

grpc::Status CalendarServiceImpl::ListDeadlineRules(
    grpc::ServerContext* ctx, const v1::ListDeadlineRulesRequest*,
    v1::ListDeadlineRulesResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadCalendar));
    PQ_ASSIGN_OR_RETURN(const auto rules, d_.deadlines.ListRules());
    for (const core::DeadlineRule& r : rules) RuleToProto(r, resp->add_rules());
    return absl::OkStatus();
  });
}

grpc::Status CalendarServiceImpl::ComputeDeadline(
    grpc::ServerContext* ctx, const v1::ComputeDeadlineRequest* req,
    v1::ComputeDeadlineResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadCalendar));
    core::Violations v;
    const core::ItemKind kind =
        core::CheckEnum<core::ItemKind>(v, "kind", req->kind());
    const auto anchor = DateFromProto(v, "anchor_date", req->has_anchor_date(),
                                      req->anchor_date(), true);
    const auto arrival = DateFromProto(
        v, "arrival_date", req->has_arrival_date(), req->arrival_date(), false);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const auto c,
        d_.deadlines.Compute(kind, *anchor, arrival.value_or(*anchor)));
    SetDate(c.result.due, resp->mutable_due_on());
    RuleToProto(c.rule, resp->mutable_rule());
    for (const std::string& s : c.result.steps) resp->add_steps(s);
    resp->set_calendar_incomplete(c.result.calendar_incomplete);
    return absl::OkStatus();
  });
}

grpc::Status CalendarServiceImpl::ExplainDeadline(
    grpc::ServerContext* ctx, const v1::ExplainDeadlineRequest* req,
    v1::ExplainDeadlineResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadItems));
    if (req->item_id() <= 0) {
      return absl::InvalidArgumentError("item_id: required (a positive id)");
    }
    PQ_ASSIGN_OR_RETURN(const auto e,
                        d_.deadlines.Explain(ScopeOf(who), req->item_id()));
    if (e.due) SetDate(e.due, resp->mutable_due_on());
    resp->set_source(e.source);
    if (e.rule) RuleToProto(*e.rule, resp->mutable_rule());
    for (const std::string& s : e.steps) resp->add_steps(s);
    resp->set_calendar_incomplete(e.calendar_incomplete);
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
