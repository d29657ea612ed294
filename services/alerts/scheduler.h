// Provides Scheduler: a background thread that fires due alerts
// (AlertStore::FireDue) every interval. Several servers may run one each on
// the same database; the store guarantees each alert fires once.
#ifndef PQTRACK_SERVICES_ALERTS_SCHEDULER_H_
#define PQTRACK_SERVICES_ALERTS_SCHEDULER_H_

#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/periodic.h"
#include "services/store/alert_store.h"

namespace pqtrack::alerts {

class Scheduler {
 public:
  // `store` and `clock` must outlive this object.
  Scheduler(store::AlertStore* store, const Clock* clock,
            absl::Duration interval)
      : store_(*store), clock_(*clock), interval_(interval) {}

  // Starts the thread: it plans the ladders missing for existing items (a
  // few hundred per transaction, without holding up the caller), then
  // fires due alerts every interval.
  void Start();
  // Wakes the thread and waits for it to finish its current round.
  void Stop() { thread_.Stop(); }

 private:
  bool Round();

  store::AlertStore& store_;
  const Clock& clock_;
  const absl::Duration interval_;
  bool planned_ = false;
  PeriodicThread thread_;
};

}  // namespace pqtrack::alerts

#endif  // PQTRACK_SERVICES_ALERTS_SCHEDULER_H_
