// Provides the alert ladder: which deadline alerts an item gets and when
// each fires. The ladder is data (days before the due date, the due day,
// overdue, escalation N working days after); the store keeps the planned
// alerts durably and fires each exactly once per item and deadline version.
#ifndef PQTRACK_SERVICES_CORE_ALERTS_H_
#define PQTRACK_SERVICES_CORE_ALERTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "services/core/deadline.h"

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
};

// The deadline alerts for a due date, in firing order. OVERDUE fires at the
// start of the day after the due date (the period ends at 24:00 of its last
// day); the others at `ladder.hour` local time.
std::vector<PlannedAlert> PlanLadder(Day due, const Ladder& ladder,
                                     const Calendar& calendar);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ALERTS_H_
