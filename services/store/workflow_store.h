// Provides WorkflowStore: the reply workflow's writes. Each method is one
// transaction that locks the item, checks that the caller sees it
// (NOT_FOUND otherwise), that `version` is current (ABORTED otherwise) and
// that the status machine allows the move (core/workflow.h), then changes
// the item, bumps its version and appends one event with the item before
// and after. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_WORKFLOW_STORE_H_
#define PQTRACK_SERVICES_STORE_WORKFLOW_STORE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/core/routing.h"
#include "services/core/types.h"
#include "services/core/workflow.h"
#include "services/store/db.h"

namespace pqtrack::store {

class WorkflowStore {
 public:
  // `db` must outlive this object.
  explicit WorkflowStore(Db* db) : db_(*db) {}

  struct Caller {
    core::Principal who;
    absl::Time now;
    absl::CivilDay today;
  };
  struct CoordinatingUnit {
    std::string unit_code;
    std::optional<absl::CivilDay> due_on;
  };
  struct Versioned {
    int64_t id = 0;
    int64_t version = 0;
  };

  absl::StatusOr<core::Item> Assign(const Caller& c, Versioned item,
                                    const std::string& lead_unit_code,
                                    const std::vector<CoordinatingUnit>& coord);

  // Units to assign an item to (a bulk assignment by name).
  struct Units {
    std::string lead_unit_code;
    std::vector<CoordinatingUnit> coordinating;
  };
  // What routing one item did (or would do).
  struct Routed {
    std::string title;
    // False: no rule matched (nothing written).
    bool routed = false;
    std::string lead_unit_code;
    std::vector<std::string> coordinating_unit_codes;
    // The rule that chose the units (unset when they were given).
    std::optional<core::RoutingRule> rule;
    std::vector<std::string> reasons;
    // The item's version after the assignment (0 in a dry run).
    int64_t version = 0;
  };
  // Routes item `id` in one transaction of its own: to `units` when given,
  // else by the routing rules, as RecordItem would (then it must have no
  // lead unit yet: FAILED_PRECONDITION otherwise), and assigns it as
  // Assign does (the event names the rule). The move must be allowed now
  // (CheckMove); any refusal is returned as the status, nothing written.
  // `dry_run` checks the units and writes nothing.
  absl::StatusOr<Routed> Route(const Caller& c, int64_t id,
                               const std::optional<Units>& units, bool dry_run);
  // To an internal unit (Transfer) or an external agency (TransferOut).
  absl::StatusOr<core::Item> Transfer(const Caller& c, Versioned item,
                                      const std::string& to_unit_code,
                                      const std::string& reason,
                                      core::ClockRule clock);
  // Returns the item and the new draft's number.
  absl::StatusOr<std::pair<core::Item, int>> SaveDraft(const Caller& c,
                                                       Versioned item,
                                                       const std::string& text);
  absl::StatusOr<std::vector<core::Draft>> ListDrafts(const Caller& c,
                                                      int64_t item_id);
  // What the caller may do on an item now (core::AllowedMoves), read
  // without a lock; NOT_FOUND when it is not visible.
  struct Allowed {
    int64_t version = 0;
    std::vector<core::Move> moves;
    // The item's coordinating units in the caller's scope, by code.
    std::vector<std::string> input_unit_codes;
  };
  absl::StatusOr<Allowed> ListAllowedMoves(const Caller& c, int64_t item_id);
  // `unit_code` empty: the one coordinating unit in the caller's scope.
  absl::StatusOr<core::Item> SubmitInput(const Caller& c, Versioned item,
                                         const std::string& unit_code,
                                         const std::string& text, bool decline);
  absl::StatusOr<core::Item> SubmitResponse(const Caller& c, Versioned item);
  absl::StatusOr<core::Item> Approve(const Caller& c, Versioned item,
                                     const std::string& comment);
  absl::StatusOr<core::Item> Return(const Caller& c, Versioned item,
                                    const std::string& comment);
  // Validates the answer against the item (core::ValidateAnswer) too.
  absl::StatusOr<core::Item> Send(const Caller& c, Versioned item,
                                  const core::Answer& answer);
  absl::StatusOr<core::Item> Withdraw(const Caller& c, Versioned item,
                                      const std::string& reason);
  // Returns the target with its merged sources.
  absl::StatusOr<core::Item> Merge(const Caller& c, Versioned target,
                                   const std::vector<Versioned>& duplicates);
  absl::StatusOr<core::Item> Unmerge(const Caller& c, Versioned item);
  // Moves the legal due date (not before the day received), keeping the
  // reason and approver in the deadline's explanation and the history.
  absl::StatusOr<core::Item> ExtendDeadline(const Caller& c, Versioned item,
                                            absl::CivilDay new_due,
                                            const std::string& reason,
                                            const std::string& approved_by);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_WORKFLOW_STORE_H_
