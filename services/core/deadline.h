// Provides legal deadline arithmetic (Civil Code 2015, Arts. 144-148): the
// working-day calendar (weekends, public holidays, make-up working
// Saturdays), deadline rules as data (per item kind: an amount of calendar
// or working days from an anchor, with a legal basis and validity dates),
// and the computation of a due date with every step explained.
//
// Counting: the anchor day is not counted; a period in days ends at the end
// of its last day; a last day that is not a working day moves to the next
// working day. A period in working days counts working days only.
#ifndef PQTRACK_SERVICES_CORE_DEADLINE_H_
#define PQTRACK_SERVICES_CORE_DEADLINE_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "services/core/types.h"
#include "services/core/validation.h"

namespace pqtrack::core {

enum class CalendarDayKind { kUnspecified, kHoliday, kWorkday };

// One exception to the weekly rhythm.
struct CalendarDay {
  Day date;
  // A weekday that is not worked, or a Saturday/Sunday that is.
  CalendarDayKind kind = CalendarDayKind::kUnspecified;
  std::string name;
  std::string source;
};

// The working-day calendar. Immutable once built; thread-safe to read.
class Calendar {
 public:
  // `covered_years`: the years an administrator has loaded; dates in other
  // years are still computed (weekends only) but flagged.
  Calendar(const std::vector<CalendarDay>& days, std::set<int> covered_years);

  bool IsWorkingDay(Day d) const;
  bool Covers(int year) const { return covered_.count(year) > 0; }
  // The exception for `d`, or nullptr.
  const CalendarDay* Find(Day d) const;
  // Why `d` is not a working day ("Sunday", "holiday: Lunar New Year").
  std::string WhyNotWorking(Day d) const;

 private:
  absl::flat_hash_map<Day, CalendarDay> days_;
  std::set<int> covered_;
};

enum class DayCount { kUnspecified, kCalendar, kWorking };
enum class Anchor { kUnspecified, kReceived, kAsked, kDocumentDate };

const char* Name(CalendarDayKind v);
const char* Name(DayCount v);
const char* Name(Anchor v);

struct DeadlineRule {
  int64_t id = 0;
  ItemKind kind = ItemKind::kUnspecified;
  int amount = 0;
  DayCount count = DayCount::kUnspecified;
  Anchor anchor = Anchor::kUnspecified;
  std::string legal_basis;
  // The rule applies to items that arrive between these days (inclusive;
  // open ends when unset).
  std::optional<Day> valid_from;
  std::optional<Day> valid_to;
};

struct DeadlineResult {
  Day due;
  // The reasoning, one line per step, e.g. "+60 calendar days = Sunday
  // 2025-12-21", "Sunday 2025-12-21 is not a working day → Monday
  // 2025-12-22".
  std::vector<std::string> steps;
  // Some day counted lies in a year the calendar does not cover.
  bool calendar_incomplete = false;
};

// The due date of a period of `rule` counted from `anchor_day`.
DeadlineResult ComputeDue(const DeadlineRule& rule, Day anchor_day,
                          const Calendar& calendar);

// The rule for `kind` in force on `arrival` (the latest valid_from wins when
// several are); nullptr when none applies.
const DeadlineRule* SelectRule(const std::vector<DeadlineRule>& rules,
                               ItemKind kind, Day arrival);

// `n` working days before `d` (skipping non-working days).
Day SubtractWorkingDays(Day d, int n, const Calendar& calendar);

// The anchor day of `item` for `anchor` (nullopt when the item has none:
// e.g. the date asked of a document).
std::optional<Day> AnchorDay(const Item& item, Anchor anchor);

// The due date an item gets when recorded, and why.
struct ItemDue {
  std::optional<Day> due;
  // "RULE", "GIVEN", or empty when the item owes no reply or no rule applies.
  std::string source;
  int64_t rule_id = 0;
  std::vector<std::string> steps;
  bool calendar_incomplete = false;
};

// A due date given on the item is kept; otherwise the rule in force on the
// day received is applied from its anchor (the day received when the item
// lacks the rule's anchor). Items that owe no reply get none.
ItemDue PlanDue(const Item& item, ItemStatus initial_status,
                const std::vector<DeadlineRule>& rules,
                const Calendar& calendar);

// The due date of an item after a correction (ItemService.UpdateItem) of
// its fields into `corrected`, in status `status`, whose due date came from
// `source_before` ("RULE", "GIVEN", "EXTENDED" or empty). A due date the
// correction sets (`due_corrected`, with corrected.due_on) is GIVEN; one it
// clears, or one the rule gave, is computed again by the rule from the
// corrected item, so it follows a corrected anchor (the day received, the
// document's date, the day asked). A date given or extended before, which
// the correction does not touch, stays: nullopt.
std::optional<ItemDue> CorrectedDue(const Item& corrected, ItemStatus status,
                                    std::string_view source_before,
                                    bool due_corrected,
                                    const std::vector<DeadlineRule>& rules,
                                    const Calendar& calendar);

// The internal due date of a coordinating unit: `lead_working_days` working
// days before the lead's due date, but not before the day received.
Day CoordinatorDue(Day lead_due, Day received_on, int lead_working_days,
                   const Calendar& calendar);

// Rule fields: kind set, amount 1-3650, count and anchor set, legal basis
// 1-500 characters, valid_to not before valid_from, and the anchor fitting
// the kind (ASKED for questions only, DOCUMENT_DATE for documents and tasks).
void ValidateDeadlineRule(Violations& v, absl::string_view prefix,
                          const DeadlineRule& rule);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_DEADLINE_H_
