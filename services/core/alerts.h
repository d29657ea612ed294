// Provides the alert ladder: which deadline alerts an item gets and when
// each fires. The ladder is data (days before the due date, the due day,
// overdue, escalation N working days after); the store keeps the planned
// alerts durably and fires each exactly once per item and deadline version.
#ifndef PQTRACK_SERVICES_CORE_ALERTS_H_
#define PQTRACK_SERVICES_CORE_ALERTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "services/core/deadline.h"
#include "services/core/types.h"

namespace pqtrack::core {

// Wire values match pqtrack.v1.AlertKind.
enum class AlertKind {
  kUnspecified,
  kAssigned,
  kDueSoon,
  kDueToday,
  kOverdue,
  kEscalated,
  kTransferred,
  kReturnedForRevision,
  kAnswered,
  kSubmittedForApproval,
};
inline constexpr AlertKind kLastAlertKind = AlertKind::kSubmittedForApproval;
const char* Name(AlertKind k);
// The kind Name() spells `name`; kUnspecified when none does.
AlertKind AlertKindNamed(std::string_view name);

// The alert a workflow event raises at once, for someone who must hear of
// it: ASSIGNED, TRANSFERRED (and TRANSFERRED_OUT), RETURNED (as
// RETURNED_FOR_REVISION), SUBMITTED (as SUBMITTED_FOR_APPROVAL, for the
// lead unit's leader) and ANSWERED; kUnspecified for every other event.
AlertKind EventAlert(std::string_view event_kind);

struct Ladder {
  // DUE_SOON alerts this many calendar days before the due date.
  std::vector<int> days_before = {7, 3, 1};
  bool due_today = true;
  bool overdue = true;
  // ESCALATED to the lead unit's leader this many working days after the
  // due date (0: never).
  int escalate_after_working_days = 3;
  // Local hour (Asia/Ho_Chi_Minh) at which day alerts fire.
  int hour = 8;
};

struct PlannedAlert {
  AlertKind kind = AlertKind::kUnspecified;
  // Unique per item and deadline version: "DUE_SOON_7", "DUE_TODAY", ...
  std::string level;
  // Days left until the due date (negative once overdue).
  int days_left = 0;
  absl::Time fire_at;
  // Its time had passed when the ladder was planned and a later level's
  // had too: recorded as handled, never fired (see SkipPassedLevels).
  bool skipped = false;
};

// The deadline alerts for a due date, in firing order. OVERDUE fires at the
// start of the day after the due date (the period ends at 24:00 of its last
// day); the others at `ladder.hour` local time.
std::vector<PlannedAlert> PlanLadder(Day due, const Ladder& ladder,
                                     const Calendar& calendar);

// What happens to the levels of a ladder planned at `now` whose time has
// already passed (an item recorded, extended, transferred or corrected
// late, or imported).
enum class PassedLevels {
  // Only the current level, the last one whose time has passed, fires (at
  // once, and once); the earlier ones are skipped. So a document recorded
  // on 1 December that was due on 20 November raises one ESCALATED, not
  // six alerts.
  kFireCurrent,
  // Every passed level is skipped: an import of history raises none.
  kSkipAll,
};
// Marks the levels of `ladder` (in PlanLadder's order) skipped as `passed`
// asks.
void SkipPassedLevels(std::vector<PlannedAlert>& ladder, absl::Time now,
                      PassedLevels passed);

// An open item is DUE_SOON (the inbox's and the desk's timeliness) within
// the ladder's earliest DUE_SOON level: the largest of `days_before` (7 by
// default), 0 when the ladder has none.
int DueSoonDays(const Ladder& ladder);

// The day an item's ladder counts down to: its follow-up date while an
// IN_RESOLUTION answer keeps one open (the roadmap's expected completion),
// else its legal due date.
std::optional<Day> LadderDue(const std::optional<Day>& due_on,
                             const std::optional<Day>& follow_up_on);

// Whether an item's ladder runs: awaiting an answer with its legal clock
// running, or ANSWERED with a follow-up open (PQTRACK_SQL_LADDER_RUNS in
// store/item_rows.h spells this in SQL; a test keeps the two equal).
bool LadderRuns(ItemStatus status, bool clock_running, bool follow_up_open);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ALERTS_H_
