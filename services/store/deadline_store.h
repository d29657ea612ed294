// Provides DeadlineStore: the working-day calendar, deadline rules, the
// deadline calculator and the explanation of an item's due date, in
// PostgreSQL; and the helpers other stores use to compute due dates inside
// their own transactions. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_DEADLINE_STORE_H_
#define PQTRACK_SERVICES_STORE_DEADLINE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/deadline.h"
#include "services/store/db.h"

namespace pqtrack::store {

class DeadlineStore {
 public:
  // `db` must outlive this object.
  explicit DeadlineStore(Db* db) : db_(*db) {}

  // Inserts or replaces the given days and marks their years as loaded.
  // Returns how many days were written.
  absl::StatusOr<int> SetCalendarDays(
      const std::vector<core::CalendarDay>& days);

  struct Year {
    std::vector<core::CalendarDay> days;
    bool loaded = false;
  };
  absl::StatusOr<Year> ListCalendarDays(int year);

  // Adds a rule version (validated by the caller).
  absl::StatusOr<core::DeadlineRule> CreateRule(const core::DeadlineRule& rule,
                                                int64_t actor, absl::Time now);
  absl::StatusOr<std::vector<core::DeadlineRule>> ListRules();

  struct Computation {
    core::DeadlineRule rule;
    core::DeadlineResult result;
  };
  // The due date for an item of `kind` arriving on `arrival` whose anchor
  // day is `anchor`. FAILED_PRECONDITION when no rule applies.
  absl::StatusOr<Computation> Compute(core::ItemKind kind,
                                      absl::CivilDay anchor,
                                      absl::CivilDay arrival);

  struct Explanation {
    std::optional<absl::CivilDay> due;
    // RULE, GIVEN or EXTENDED; empty when the item has no due date.
    std::string source;
    std::vector<std::string> steps;
    std::optional<core::DeadlineRule> rule;
    bool calendar_incomplete = false;
  };
  // Why a visible item is due when it is (NOT_FOUND when not visible).
  absl::StatusOr<Explanation> Explain(
      const std::optional<std::string>& scope_unit, int64_t item_id);

 private:
  Db& db_;
};

// Inside a running transaction:
core::Calendar LoadCalendar(Tx& tx);
std::vector<core::DeadlineRule> LoadDeadlineRules(Tx& tx);
// Working days coordinating units are due before the lead (setting).
int CoordinationLeadDays(Tx& tx);

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_DEADLINE_STORE_H_
