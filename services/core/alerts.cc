#include "services/core/alerts.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/core/statuses.h"
#include "services/core/workflow.h"

namespace pqtrack::core {
namespace {

absl::Time At(Day d, int hour) {
  return absl::FromCivil(absl::CivilHour(d.year(), d.month(), d.day(), hour),
                         MinistryTimeZone());
}

}  // namespace

const char* Name(AlertKind k) {
  switch (k) {
    case AlertKind::kAssigned:
      return "ASSIGNED";
    case AlertKind::kDueSoon:
      return "DUE_SOON";
    case AlertKind::kDueToday:
      return "DUE_TODAY";
    case AlertKind::kOverdue:
      return "OVERDUE";
    case AlertKind::kEscalated:
      return "ESCALATED";
    case AlertKind::kTransferred:
      return "TRANSFERRED";
    case AlertKind::kReturnedForRevision:
      return "RETURNED_FOR_REVISION";
    case AlertKind::kAnswered:
      return "ANSWERED";
    case AlertKind::kSubmittedForApproval:
      return "SUBMITTED_FOR_APPROVAL";
    case AlertKind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

AlertKind AlertKindNamed(std::string_view name) {
  for (int k = 1; k <= static_cast<int>(kLastAlertKind); ++k) {
    if (name == Name(static_cast<AlertKind>(k))) {
      return static_cast<AlertKind>(k);
    }
  }
  return AlertKind::kUnspecified;
}

AlertKind EventAlert(std::string_view event) {
  if (event == "ASSIGNED") return AlertKind::kAssigned;
  if (event == "TRANSFERRED" || event == "TRANSFERRED_OUT") {
    return AlertKind::kTransferred;
  }
  if (event == "RETURNED") return AlertKind::kReturnedForRevision;
  if (event == "SUBMITTED") return AlertKind::kSubmittedForApproval;
  if (event == "ANSWERED") return AlertKind::kAnswered;
  return AlertKind::kUnspecified;
}

std::vector<PlannedAlert> PlanLadder(Day due, const Ladder& ladder,
                                     const Calendar& calendar) {
  std::vector<PlannedAlert> out;
  std::vector<int> before = ladder.days_before;
  std::sort(before.rbegin(), before.rend());
  before.erase(std::unique(before.begin(), before.end()), before.end());
  for (int n : before) {
    if (n <= 0) continue;
    out.push_back({AlertKind::kDueSoon, absl::StrCat("DUE_SOON_", n), n,
                   At(due - n, ladder.hour)});
  }
  if (ladder.due_today) {
    out.push_back({AlertKind::kDueToday, "DUE_TODAY", 0, At(due, ladder.hour)});
  }
  if (ladder.overdue) {
    out.push_back({AlertKind::kOverdue, "OVERDUE", -1, At(due + 1, 0)});
  }
  if (ladder.escalate_after_working_days > 0) {
    Day d = due;
    for (int counted = 0; counted < ladder.escalate_after_working_days;) {
      d += 1;
      if (calendar.IsWorkingDay(d)) ++counted;
    }
    out.push_back({AlertKind::kEscalated, "ESCALATED",
                   -static_cast<int>(d - due), At(d, ladder.hour)});
  }
  return out;
}

void SkipPassedLevels(std::vector<PlannedAlert>& ladder, absl::Time now,
                      PassedLevels passed) {
  // The current level: the one due by `now` with the latest time.
  PlannedAlert* current = nullptr;
  for (PlannedAlert& a : ladder) {
    if (a.fire_at > now) continue;
    a.skipped = true;
    if (current == nullptr || a.fire_at >= current->fire_at) current = &a;
  }
  if (current != nullptr && passed == PassedLevels::kFireCurrent) {
    current->skipped = false;
  }
}

int DueSoonDays(const Ladder& ladder) {
  int most = 0;
  for (int n : ladder.days_before) most = std::max(most, n);
  return most;
}

std::optional<Day> LadderDue(const std::optional<Day>& due_on,
                             const std::optional<Day>& follow_up_on) {
  return follow_up_on ? follow_up_on : due_on;
}

bool LadderRuns(ItemStatus status, bool clock_running, bool follow_up_open) {
  // With a follow-up open: awaiting an answer or ANSWERED, the list the SQL
  // spelling uses too.
  if (follow_up_open) return StatusIn(kOpenAsOfStatuses, status);
  return IsAwaitingAnswer(status) && clock_running;
}

}  // namespace pqtrack::core
