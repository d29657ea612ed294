#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "services/api/auth.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/enums.h"
#include "services/core/reports.h"

namespace pqtrack::api {
namespace {

using core::Permille;

// The name report.proto spells a batch phase with (BATCH_PHASE_...), from
// the store's.
std::string PhaseName(const std::string& stored) {
  const auto phase = core::ParseEnum<core::BatchPhase>(stored).value_or(
      core::BatchPhase::kUnspecified);
  return v1::BatchPhase_Name(static_cast<v1::BatchPhase>(phase));
}

// The last instant of a day in the ministry's time zone.
absl::Time EndOf(core::Day day) {
  return absl::FromCivil(absl::CivilSecond(day + 1), MinistryTimeZone()) -
         absl::Microseconds(1);
}

}  // namespace

// The report's unit: the one asked for (empty: the whole ministry), or for
// LEADER and RESPONDER their own, and nothing outside their subtree.
absl::StatusOr<std::string> ReportServiceImpl::ReportUnit(
    const core::Principal& who, const std::string& asked) {
  std::string unit = asked;
  const std::optional<std::string> scope = ScopeOf(who);
  if (scope && unit.empty()) unit = *scope;
  PQ_RETURN_IF_ERROR(CheckUnitInScope(d_.alerts, who, unit));
  return unit;
}

// Checks an optional as-of date (not after today) and defaults it.
std::optional<core::Day> ReportServiceImpl::AsOf(core::Violations& v,
                                                 bool present,
                                                 const v1::Date& d) {
  auto as_of = DateFromProto(v, "as_of", present, d, false);
  const core::Day today = Today(d_.clock);
  if (as_of && *as_of > today) {
    v.Add("as_of",
          absl::StrCat("must not be after today (", FormatIsoDate(today), ")"));
  }
  return as_of ? as_of : std::optional<core::Day>(today);
}

// Checks a period, an as-of day and a unit (PeriodReport and
// TimelinessReport ask the same way) and makes the store's query.
template <typename Request>
absl::StatusOr<store::PeriodQuery> ReportServiceImpl::ReadPeriod(
    const core::Principal& who, const Request& req) {
  core::Violations v;
  const auto from = DateFromProto(v, "from", req.has_from(), req.from(), true);
  const auto to = DateFromProto(v, "to", req.has_to(), req.to(), true);
  const auto as_of = AsOf(v, req.has_as_of(), req.as_of());
  core::CheckUnitCode(v, "unit_code", req.unit_code(), false);
  if (from && to && *to < *from) v.Add("to", "must not be before from");
  PQ_RETURN_IF_ERROR(v.ToStatus());
  store::PeriodQuery q;
  PQ_ASSIGN_OR_RETURN(q.unit_code, ReportUnit(who, req.unit_code()));
  q.from = *from;
  q.to = *to;
  q.as_of = *as_of;
  q.as_of_end = EndOf(*as_of);
  return q;
}

grpc::Status ReportServiceImpl::PeriodReport(grpc::ServerContext* ctx,
                                             const v1::PeriodReportRequest* req,
                                             v1::PeriodReportResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    PQ_ASSIGN_OR_RETURN(const store::PeriodQuery q, ReadPeriod(who, *req));
    PQ_ASSIGN_OR_RETURN(const store::PeriodFigures f, d_.reports.Period(q));

    SetDate(q.from, resp->mutable_from());
    SetDate(q.to, resp->mutable_to());
    SetDate(q.as_of, resp->mutable_as_of());
    resp->set_unit_code(q.unit_code);
    resp->set_unit_name(f.unit_name);
    const core::PeriodTotals& t = f.totals;
    v1::DocumentFigures* d = resp->mutable_documents();
    d->set_received(t.docs_received);
    d->set_needing_reply(t.docs_needing);
    d->set_answered(t.docs_answered);
    d->set_answered_on_time(t.docs_on_time);
    d->set_answered_late(t.docs_answered - t.docs_on_time);
    d->set_not_yet_due(t.docs_not_yet_due);
    d->set_overdue(t.docs_overdue);
    v1::TaskFigures* tasks = resp->mutable_tasks();
    tasks->set_assigned(t.tasks_assigned);
    tasks->set_completed(t.tasks_completed);
    tasks->set_completed_permille(
        Permille(t.tasks_completed, t.tasks_assigned));
    resp->mutable_questions()->set_received(t.questions_received);
    resp->mutable_questions()->set_answered(t.questions_answered);
    for (const auto& s : f.sessions) {
      v1::SessionPetitions* out = resp->add_petitions();
      out->set_session_id(s.id);
      out->set_term_code(s.term_code);
      out->set_session_number(s.number);
      SetDate(s.opens_on, out->mutable_opens_on());
      int petitions = 0, answered = 0;
      for (const auto& b : s.batches) {
        v1::BatchFigures* bo = out->add_batches();
        bo->set_batch_id(b.id);
        bo->set_phase(PhaseName(b.phase));
        SetDate(b.received_on, bo->mutable_received_on());
        bo->set_petitions(b.petitions);
        bo->set_answered(b.answered);
        petitions += b.petitions;
        answered += b.answered;
      }
      out->set_petitions(petitions);
      out->set_answered(answered);
    }
    for (const auto& [code, u] : t.units) {
      v1::UnitFigures* out = resp->add_units();
      out->set_unit_code(code);
      out->set_unit_name(f.unit_names.at(code));
      out->set_needing_reply(u.needing);
      out->set_answered(u.answered);
      out->set_answered_on_time(u.on_time);
      out->set_on_time_permille(Permille(u.on_time, u.answered));
      out->set_overdue(u.overdue);
    }
    const core::DueWeeks due = core::BucketDueWeeks(q.as_of, t.open_by_due);
    for (const auto& w : due.weeks) {
      v1::DueWeek* out = resp->add_due_weeks();
      SetDate(w.monday, out->mutable_week_of());
      out->set_open_items(w.open);
    }
    resp->set_open_due_earlier(due.earlier);
    resp->set_open_due_later(due.later);
    resp->set_open_without_due_date(due.without_due_date);
    resp->set_open_total(due.total);
    return absl::OkStatus();
  });
}

namespace {

void ToProto(const store::TimelinessFigures::Row& r, v1::TimelinessRow* out) {
  const core::TimelinessCounts& c = r.counts;
  out->set_unit_code(r.unit_code);
  out->set_unit_name(r.unit_name);
  out->set_kind(r.kind);
  out->set_needing_reply(c.needing);
  out->set_answered(c.answered);
  out->set_answered_on_time(c.on_time);
  out->set_on_time_permille(Permille(c.on_time, c.answered));
  out->set_median_days(c.median_days);
  out->set_p90_days(c.p90_days);
  out->set_overdue_1_7(c.overdue_1_7);
  out->set_overdue_8_30(c.overdue_8_30);
  out->set_overdue_31_90(c.overdue_31_90);
  out->set_overdue_over_90(c.overdue_over_90);
  out->set_extensions(c.extensions);
  out->set_transfers(c.transfers);
}

void ToProto(const core::OutcomeCounts& c, v1::OutcomeFigures* f) {
  f->set_total(c.total);
  f->set_answered(c.answered);
  f->set_resolved(c.resolved);
  f->set_in_resolution(c.in_resolution);
  f->set_explained(c.explained);
  for (const auto& [detail, n] : c.details) {
    (*f->mutable_details())[core::Name(detail)] = n;
  }
}

void ToProto(const core::SessionPetition& p, v1::InResolution* out) {
  out->set_item_id(p.id);
  out->set_title(p.title);
  out->set_unit_code(p.unit_code);
  out->set_session_number(p.session_number);
  out->set_roadmap(p.roadmap);
  if (p.expected_completion) {
    SetDate(p.expected_completion, out->mutable_expected_completion());
  }
}

}  // namespace

grpc::Status ReportServiceImpl::TimelinessReport(
    grpc::ServerContext* ctx, const v1::TimelinessReportRequest* req,
    v1::TimelinessReportResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    PQ_ASSIGN_OR_RETURN(const store::PeriodQuery q, ReadPeriod(who, *req));
    PQ_ASSIGN_OR_RETURN(const store::TimelinessFigures f,
                        d_.reports.Timeliness(q));
    SetDate(q.from, resp->mutable_from());
    SetDate(q.to, resp->mutable_to());
    SetDate(q.as_of, resp->mutable_as_of());
    resp->set_unit_code(q.unit_code);
    for (const auto& r : f.rows) ToProto(r, resp->add_rows());
    ToProto(f.total, resp->mutable_total());
    return absl::OkStatus();
  });
}

grpc::Status ReportServiceImpl::SessionReport(
    grpc::ServerContext* ctx, const v1::SessionReportRequest* req,
    v1::SessionReportResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    core::Violations v;
    if (req->subject_case() == v1::SessionReportRequest::SUBJECT_NOT_SET) {
      v.Add("session_id", "required (or batch_id)");
    } else if (req->session_id() < 0 || req->batch_id() < 0 ||
               (req->has_session_id() && req->session_id() == 0) ||
               (req->has_batch_id() && req->batch_id() == 0)) {
      v.Add(req->has_session_id() ? "session_id" : "batch_id",
            "must be positive");
    }
    const auto as_of = AsOf(v, req->has_as_of(), req->as_of());
    core::CheckUnitCode(v, "unit_code", req->unit_code(), false);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const std::string unit,
                        ReportUnit(who, req->unit_code()));
    store::SessionQuery q;
    q.session_id = req->session_id();
    q.batch_id = req->batch_id();
    q.as_of = *as_of;
    q.as_of_end = EndOf(*as_of);
    q.unit_code = unit;
    PQ_ASSIGN_OR_RETURN(const store::SessionFigures f, d_.reports.Session(q));
    resp->set_session_id(f.session_id);
    resp->set_term_code(f.term_code);
    resp->set_session_number(f.number);
    resp->set_batch_id(q.batch_id);
    SetDate(as_of, resp->mutable_as_of());
    resp->set_unit_code(unit);
    core::OutcomeCounts total;
    std::map<std::string, core::OutcomeCounts> fields;
    // By unit code, with the unit's name.
    std::map<std::string, std::pair<std::string, core::OutcomeCounts>> units;
    for (const core::SessionPetition& p : f.petitions) {
      total.Add(p);
      fields[p.field].Add(p);
      auto& unit = units[p.unit_code];
      unit.first = p.unit_name;
      unit.second.Add(p);
      if (p.InResolution()) ToProto(p, resp->add_in_resolution());
      if (p.TransferredOut()) {
        v1::TransferredOut* t = resp->add_transferred_out();
        t->set_item_id(p.id);
        t->set_title(p.title);
        t->set_to_unit_code(p.out_to);
        t->set_reason(p.out_reason);
      }
    }
    resp->mutable_total()->set_key("total");
    ToProto(total, resp->mutable_total());
    for (const auto& [key, counts] : fields) {
      v1::OutcomeFigures* out = resp->add_fields();
      out->set_key(key);
      ToProto(counts, out);
    }
    for (const auto& [key, unit] : units) {
      v1::OutcomeFigures* out = resp->add_units();
      out->set_key(key);
      out->set_name(unit.first);
      ToProto(unit.second, out);
    }
    for (const auto& p : f.carried_over) ToProto(p, resp->add_carried_over());
    if (f.next_session_opens) {
      SetDate(core::SessionReportDueOn(*f.next_session_opens),
              resp->mutable_report_due_on());
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
