// Provides RoutingStore: the ordered routing rules in PostgreSQL. Each
// method is one transaction. Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_ROUTING_STORE_H_
#define PQTRACK_SERVICES_STORE_ROUTING_STORE_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/routing.h"
#include "services/store/db.h"

namespace pqtrack::store {

class RoutingStore {
 public:
  // `db` must outlive this object.
  explicit RoutingStore(Db* db) : db_(*db) {}

  // Inserts a validated rule at rule.position (0: at the end; larger than
  // the number of rules + 1: INVALID_ARGUMENT), moving later rules down.
  // Its units must be internal units (INVALID_ARGUMENT naming the field).
  absl::StatusOr<core::RoutingRule> CreateRule(const core::RoutingRule& rule,
                                               int64_t actor, absl::Time now);
  // Active rules in position order.
  absl::StatusOr<std::vector<core::RoutingRule>> ListRules();
  // Retires a rule; NOT_FOUND when there is no such active rule.
  absl::Status DeleteRule(int64_t id, absl::Time now);

 private:
  Db& db_;
};

// The active rules in position order, inside a running transaction.
std::vector<core::RoutingRule> LoadRules(Tx& tx);

// Inside a running transaction: routes `item` (no lead unit yet) by the
// first matching rule whose units exist on the day it was received, setting
// its lead and coordinating units; the match (rule and reasons), or nullopt.
std::optional<core::RouteMatch> RouteByRules(Tx& tx, core::Item& item);

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_ROUTING_STORE_H_
