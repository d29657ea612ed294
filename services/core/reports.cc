#include "services/core/reports.h"

#include <cstdint>

#include "services/core/statuses.h"

namespace pqtrack::core {

bool IsOpenAsOf(ItemStatus status_then, bool answered_by_then) {
  if (answered_by_then) return false;
  return StatusIn(kOpenAsOfStatuses, status_then);
}

int Permille(int part, int whole) {
  if (whole <= 0) return 0;
  return static_cast<int>((int64_t{part} * 2000 + whole) /
                          (int64_t{whole} * 2));
}

DueWeeks BucketDueWeeks(
    Day as_of,
    const std::vector<std::pair<std::optional<Day>, int>>& open_by_due) {
  DueWeeks out;
  // absl::Weekday counts from Monday: days since this week's Monday.
  const int since_monday = static_cast<int>(absl::GetWeekday(as_of));
  const Day first = as_of - since_monday - 7 * DueWeeks::kWeeksBefore;
  for (int w = 0; w < DueWeeks::kWeeks; ++w) {
    out.weeks.push_back({first + 7 * w, 0});
  }
  const Day end = first + 7 * DueWeeks::kWeeks;  // the first day after
  for (const auto& [due, count] : open_by_due) {
    out.total += count;
    if (!due) {
      out.without_due_date += count;
    } else if (*due < first) {
      out.earlier += count;
    } else if (*due >= end) {
      out.later += count;
    } else {
      out.weeks[static_cast<size_t>((*due - first) / 7)].open += count;
    }
  }
  return out;
}

int Percentile(const std::map<int, int>& histogram, int percent) {
  int64_t total = 0;
  for (const auto& [value, n] : histogram) total += n;
  if (total == 0) return 0;
  int64_t seen = 0;
  for (const auto& [value, n] : histogram) {
    seen += n;
    // seen / total >= percent / 100, in integers.
    if (seen * 100 >= total * percent) return value;
  }
  return histogram.rbegin()->first;
}

TimelinessTotals SumTimeliness(const std::vector<TimelinessRow>& rows) {
  TimelinessTotals t;
  std::map<std::pair<std::string, ItemKind>, std::map<int, int>> days;
  std::map<int, int> all_days;
  const auto add = [](TimelinessCounts& c, const TimelinessRow& r) {
    const int n = r.count;
    c.needing += n;
    if (r.days_to_answer) {
      c.answered += n;
      if (r.on_time) c.on_time += n;
    } else if (r.days_overdue && *r.days_overdue >= 1) {
      const int d = *r.days_overdue;
      (d <= 7    ? c.overdue_1_7
       : d <= 30 ? c.overdue_8_30
       : d <= 90 ? c.overdue_31_90
                 : c.overdue_over_90) += n;
    }
    c.extensions += r.extensions * n;
    c.transfers += r.transfers * n;
  };
  for (const TimelinessRow& r : rows) {
    add(t.total, r);
    if (r.days_to_answer) all_days[*r.days_to_answer] += r.count;
    if (r.unit_code.empty()) continue;
    const auto key = std::make_pair(r.unit_code, r.kind);
    add(t.rows[key], r);
    if (r.days_to_answer) days[key][*r.days_to_answer] += r.count;
  }
  for (auto& [key, c] : t.rows) {
    c.median_days = Percentile(days[key], 50);
    c.p90_days = Percentile(days[key], 90);
  }
  t.total.median_days = Percentile(all_days, 50);
  t.total.p90_days = Percentile(all_days, 90);
  return t;
}

PeriodTotals SumPeriod(const std::vector<PeriodRow>& rows, Day as_of) {
  PeriodTotals t;
  std::map<std::optional<Day>, int> open;
  for (const PeriodRow& r : rows) {
    const int n = r.count;
    const bool owes = r.answered || IsOpenAsOf(r.status, false);
    const bool overdue = !r.answered && r.due_on && *r.due_on < as_of;
    if (!r.answered && IsOpenAsOf(r.status, false)) open[r.due_on] += n;
    if (r.kind == ItemKind::kPetition && r.status != ItemStatus::kDuplicate) {
      auto& b = t.per_batch[r.batch_id];
      b.first += n;
      if (r.answered) b.second += n;
    }
    if (!r.in_period) continue;
    const bool needing = r.requires_response && owes;
    switch (r.kind) {
      case ItemKind::kDocument:
        t.docs_received += n;
        if (!needing) break;
        t.docs_needing += n;
        if (r.answered) {
          t.docs_answered += n;
          if (r.on_time) t.docs_on_time += n;
        } else if (overdue) {
          t.docs_overdue += n;
        } else {
          t.docs_not_yet_due += n;
        }
        break;
      case ItemKind::kTask:
        if (owes) t.tasks_assigned += n;
        if (r.answered) t.tasks_completed += n;
        break;
      case ItemKind::kQuestion:
        if (r.status != ItemStatus::kDuplicate) t.questions_received += n;
        if (r.answered) t.questions_answered += n;
        break;
      default:
        break;
    }
    if ((r.kind == ItemKind::kDocument || r.kind == ItemKind::kTask) &&
        needing && !r.unit_code.empty()) {
      PeriodTotals::Unit& u = t.units[r.unit_code];
      u.needing += n;
      if (r.answered) u.answered += n;
      if (r.answered && r.on_time) u.on_time += n;
      if (overdue) u.overdue += n;
    }
  }
  for (const auto& [due, n] : open) t.open_by_due.emplace_back(due, n);
  return t;
}

void OutcomeCounts::Add(const SessionPetition& p) {
  ++total;
  if (!p.answered) return;
  ++answered;
  switch (p.outcome) {
    case Outcome::kResolved:
      ++resolved;
      break;
    case Outcome::kInResolution:
      ++in_resolution;
      break;
    case Outcome::kExplained:
      ++explained;
      break;
    case Outcome::kUnspecified:
      break;
  }
  if (p.detail != OutcomeDetail::kUnspecified) ++details[p.detail];
}

Day SessionReportDueOn(Day next_session_opens) {
  return next_session_opens - kSessionReportDaysBefore;
}

}  // namespace pqtrack::core
