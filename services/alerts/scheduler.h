// Provides Scheduler: a background thread that fires due alerts
// (AlertStore::FireDue) every interval. Several servers may run one each on
// the same database; the store guarantees each alert fires once.
#ifndef PQTRACK_SERVICES_ALERTS_SCHEDULER_H_
#define PQTRACK_SERVICES_ALERTS_SCHEDULER_H_

#include <atomic>
#include <cstdint>

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

  // For the metrics: alerts fired by this scheduler, and when its last
  // round ended (the clock's time; InfinitePast before the first).
  int64_t fired() const { return fired_.load(); }
  absl::Time last_round() const {
    const int64_t ns = last_round_ns_.load();
    return ns == kNever ? absl::InfinitePast() : absl::FromUnixNanos(ns);
  }

 private:
  static constexpr int64_t kNever = INT64_MIN;
  bool Round();

  store::AlertStore& store_;
  const Clock& clock_;
  const absl::Duration interval_;
  bool planned_ = false;
  std::atomic<int64_t> fired_{0};
  std::atomic<int64_t> last_round_ns_{kNever};
  PeriodicThread thread_;
};

}  // namespace pqtrack::alerts

#endif  // PQTRACK_SERVICES_ALERTS_SCHEDULER_H_
