// Provides Sequencer: a background thread that seals the commit-ordered log
// (store::LogStore::Seal) every interval, so each committed event gets its
// link in the audit chain and each committed alert its cursor (and reaches
// the watchers) within one interval. Every server replica runs one; they
// take turns on the database's row lock, so it is safe with several.
#ifndef PQTRACK_SERVICES_ALERTS_SEQUENCER_H_
#define PQTRACK_SERVICES_ALERTS_SEQUENCER_H_

#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/periodic.h"
#include "services/store/log_store.h"

namespace pqtrack::alerts {

class Sequencer {
 public:
  // `log` and `clock` must outlive this object. The interval is real time
  // (the poll of the queue), not the clock's.
  Sequencer(store::LogStore* log, const Clock* clock, absl::Duration interval)
      : log_(*log), clock_(*clock), interval_(interval) {}

  void Start();
  // Wakes the thread and waits for it to finish (with one last seal).
  void Stop() { thread_.Stop(); }

 private:
  bool Round();

  store::LogStore& log_;
  const Clock& clock_;
  const absl::Duration interval_;
  bool failing_ = false;
  PeriodicThread thread_;
};

}  // namespace pqtrack::alerts

#endif  // PQTRACK_SERVICES_ALERTS_SEQUENCER_H_
