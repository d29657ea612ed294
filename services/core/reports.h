// Provides the reports' arithmetic: what "open as of a day" means, the
// period and timeliness reports' figures from their rows (with medians and
// percentiles), the open items by due week,
// shares in tenths of a percent rounded half up, the session report's
// outcome counts, and the day a session's petition report is due. The
// store reads rows as of the day; these rules turn them into the figures a
// ministry publishes.
#ifndef PQTRACK_SERVICES_CORE_REPORTS_H_
#define PQTRACK_SERVICES_CORE_REPORTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/core/enums.h"
#include "services/core/types.h"

namespace pqtrack::core {

// Whether an item was open at the end of a day, given the status its last
// event recorded by then showed and whether an answer was sent by then. An
// item whose recorded status is ANSWERED with no answer sent by the day
// (an import recorded with an answer dated later) was open. The statuses
// it lets through are PQTRACK_OPEN_AS_OF_STATUSES (core/statuses.h), from
// which the store's SQL is generated too.
bool IsOpenAsOf(ItemStatus status_then, bool answered_by_then);

// part / whole in tenths of a percent, rounded half up (137 of 149 is 919,
// 91.9%); 0 when whole is 0.
int Permille(int part, int whole);

// Open items by the week they fall due, as of a day: kDueWeeks weeks from
// the Monday kWeeksBefore weeks before the as-of day's week, and what
// falls outside them.
struct DueWeeks {
  static constexpr int kWeeksBefore = 4;
  static constexpr int kWeeks = 16;
  struct Week {
    Day monday;
    int open = 0;
  };
  std::vector<Week> weeks;  // always kWeeks of them
  int earlier = 0;
  int later = 0;
  int without_due_date = 0;
  // earlier + every week + later + without_due_date.
  int total = 0;
};
// `open_by_due`: counts of open items per due date (nullopt: none).
DueWeeks BucketDueWeeks(
    Day as_of,
    const std::vector<std::pair<std::optional<Day>, int>>& open_by_due);

// A group of items as the period report reads them as of the day: every
// item of the group shares these facts; `count` is how many there are.
struct PeriodRow {
  ItemKind kind = ItemKind::kUnspecified;
  bool in_period = false;  // received within the report's period
  bool requires_response = true;
  ItemStatus status = ItemStatus::kUnspecified;  // as recorded then
  // The unit it counts under (the report unit's child on the way up from
  // its lead unit); empty when none.
  std::string unit_code;
  bool answered = false;  // an answer was sent by the day
  bool on_time = false;   // ... by its due date (or it had none)
  std::optional<Day> due_on;
  int64_t batch_id = 0;  // a petition's
  int count = 0;
};

// The period report's figures, summed from its rows.
struct PeriodTotals {
  int docs_received = 0, docs_needing = 0, docs_answered = 0, docs_on_time = 0,
      docs_not_yet_due = 0, docs_overdue = 0;
  int tasks_assigned = 0, tasks_completed = 0;
  int questions_received = 0, questions_answered = 0;
  struct Unit {
    int needing = 0, answered = 0, on_time = 0, overdue = 0;
  };
  // Documents and tasks of the period that needed a reply, by unit.
  std::map<std::string, Unit> units;
  // Open items (IsOpenAsOf) per due date, for BucketDueWeeks.
  std::vector<std::pair<std::optional<Day>, int>> open_by_due;
  // Petitions (not merged away) and those answered, per batch.
  std::map<int64_t, std::pair<int, int>> per_batch;
};
// Needing a reply = answered by the day, or open then (not closed
// otherwise); answered + not yet due + overdue = needing, always.
PeriodTotals SumPeriod(const std::vector<PeriodRow>& rows, Day as_of);

// A group of items of the period that needed a reply (received in the
// period, requiring a response, answered by the day or open then), as the
// timeliness report reads them as of the day; `count` items share these.
struct TimelinessRow {
  // The unit it counts under (as in PeriodRow); empty when none.
  std::string unit_code;
  ItemKind kind = ItemKind::kUnspecified;
  // Answered by the day: days from received to its first answer.
  std::optional<int> days_to_answer;
  bool on_time = false;  // answered by its due date (or it had none)
  // Not answered, its due date before the day: days since the due date.
  std::optional<int> days_overdue;
  int extensions = 0, transfers = 0;  // each item's, recorded by the day
  int count = 0;
};

struct TimelinessCounts {
  int needing = 0, answered = 0, on_time = 0;
  // Days to answer: the median and the 90th percentile of the answered
  // items (the smallest number of days within which that share was
  // answered); 0 when none was.
  int median_days = 0, p90_days = 0;
  // Overdue, not answered, by days overdue: 1-7, 8-30, 31-90, over 90.
  int overdue_1_7 = 0, overdue_8_30 = 0, overdue_31_90 = 0, overdue_over_90 = 0;
  int extensions = 0, transfers = 0;
};

struct TimelinessTotals {
  // Per unit and kind (units with no unit_code only count in the total).
  std::map<std::pair<std::string, ItemKind>, TimelinessCounts> rows;
  TimelinessCounts total;
};
TimelinessTotals SumTimeliness(const std::vector<TimelinessRow>& rows);

// The smallest value v such that at least `percent`% of the counted values
// are <= v (`histogram`: value -> how many); 0 when it is empty. Median:
// 50; the same as PostgreSQL's percentile_disc.
int Percentile(const std::map<int, int>& histogram, int percent);

// A petition as a session report reads it, as of the day.
struct SessionPetition {
  int64_t id = 0;
  std::string title, field, unit_code, unit_name;
  ItemStatus status = ItemStatus::kUnspecified;
  // An answer was sent by the day; its outcome is the latest one's.
  bool answered = false;
  Outcome outcome = Outcome::kUnspecified;
  OutcomeDetail detail = OutcomeDetail::kUnspecified;
  std::string roadmap;
  std::optional<Day> expected_completion;
  int session_number = 0;
  // Transferred out: to whom, and why.
  std::string out_to, out_reason;

  // Answered IN_RESOLUTION: followed up until its roadmap is done.
  bool InResolution() const {
    return answered && outcome == Outcome::kInResolution;
  }
  bool TransferredOut() const { return status == ItemStatus::kTransferredOut; }
};

// The petitions of one group (a field, a unit, all of them) by outcome.
struct OutcomeCounts {
  int total = 0;
  int answered = 0;
  int resolved = 0;
  int in_resolution = 0;
  int explained = 0;
  // Answered petitions by their outcome's detail.
  std::map<OutcomeDetail, int> details;

  void Add(const SessionPetition& p);
};

// A session's petition report is due this many days before the next
// regular session opens.
inline constexpr int kSessionReportDaysBefore = 40;
Day SessionReportDueOn(Day next_session_opens);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_REPORTS_H_
