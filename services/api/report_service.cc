#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/api/auth.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

namespace pqtrack::api {
namespace {

// completed / total in tenths of a percent, rounded half up.
int Permille(int completed, int total) {
  if (total <= 0) return 0;
  return static_cast<int>((int64_t{completed} * 2000 + total) /
                          (int64_t{total} * 2));
}

}  // namespace

grpc::Status ReportServiceImpl::PeriodReport(grpc::ServerContext* ctx,
                                             const v1::PeriodReportRequest* req,
                                             v1::PeriodReportResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    core::Violations v;
    const auto from =
        DateFromProto(v, "from", req->has_from(), req->from(), true);
    const auto to = DateFromProto(v, "to", req->has_to(), req->to(), true);
    auto as_of =
        DateFromProto(v, "as_of", req->has_as_of(), req->as_of(), false);
    core::CheckUnitCode(v, "unit_code", req->unit_code(), false);
    const core::Day today = Today(d_.clock);
    if (from && to && *to < *from) v.Add("to", "must not be before from");
    if (as_of && *as_of > today) {
      v.Add("as_of", absl::StrCat("must not be after today (",
                                  FormatIsoDate(today), ")"));
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    if (!as_of) as_of = today;

    std::string unit = req->unit_code();
    if (const std::optional<std::string> scope = ScopeOf(who)) {
      if (unit.empty()) unit = *scope;
      PQ_ASSIGN_OR_RETURN(const auto mine, d_.alerts.SubtreeCodes(*scope));
      if (std::find(mine.begin(), mine.end(), unit) == mine.end()) {
        return absl::PermissionDeniedError(absl::StrCat(
            "unit_code: \"", unit, "\" is outside your unit's subtree"));
      }
    }
    store::PeriodQuery q;
    q.from = *from;
    q.to = *to;
    q.as_of = *as_of;
    q.as_of_end =
        absl::FromCivil(absl::CivilSecond(*as_of + 1), MinistryTimeZone()) -
        absl::Microseconds(1);
    q.unit_code = unit;
    PQ_ASSIGN_OR_RETURN(const store::PeriodFigures f, d_.reports.Period(q));

    SetDate(from, resp->mutable_from());
    SetDate(to, resp->mutable_to());
    SetDate(as_of, resp->mutable_as_of());
    resp->set_unit_code(unit);
    resp->set_unit_name(f.unit_name);
    v1::DocumentFigures* d = resp->mutable_documents();
    d->set_received(f.docs_received);
    d->set_needing_reply(f.docs_needing);
    d->set_answered(f.docs_answered);
    d->set_answered_on_time(f.docs_on_time);
    d->set_answered_late(f.docs_answered - f.docs_on_time);
    d->set_not_yet_due(f.docs_not_yet_due);
    d->set_overdue(f.docs_overdue);
    v1::TaskFigures* t = resp->mutable_tasks();
    t->set_assigned(f.tasks_assigned);
    t->set_completed(f.tasks_completed);
    t->set_completed_permille(Permille(f.tasks_completed, f.tasks_assigned));
    resp->mutable_questions()->set_received(f.questions_received);
    resp->mutable_questions()->set_answered(f.questions_answered);
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
        bo->set_phase(b.phase);
        SetDate(b.received_on, bo->mutable_received_on());
        bo->set_petitions(b.petitions);
        bo->set_answered(b.answered);
        petitions += b.petitions;
        answered += b.answered;
      }
      out->set_petitions(petitions);
      out->set_answered(answered);
    }
    for (const auto& u : f.units) {
      v1::UnitFigures* out = resp->add_units();
      out->set_unit_code(u.code);
      out->set_unit_name(u.name);
      out->set_needing_reply(u.needing);
      out->set_answered(u.answered);
      out->set_answered_on_time(u.on_time);
      out->set_overdue(u.overdue);
    }
    for (const auto& w : f.due_weeks) {
      v1::DueWeek* out = resp->add_due_weeks();
      SetDate(w.monday, out->mutable_week_of());
      out->set_open_items(w.open);
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
