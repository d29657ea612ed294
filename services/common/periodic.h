// Provides PeriodicThread: one background thread that runs a round, waits
// an interval (real time) or until stopped, and runs the next. Used by the
// alert scheduler and the log sequencer.
//
// Thread-safety: Start and Stop may be called from any thread, not
// concurrently with each other. The callbacks run on the background thread.
#ifndef PQTRACK_SERVICES_COMMON_PERIODIC_H_
#define PQTRACK_SERVICES_COMMON_PERIODIC_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pqtrack {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  // Stops the thread if it runs.
  ~PeriodicThread();
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Starts the thread: `round` now and then every `interval` until Stop().
  // `round` returns false to end the thread early. `last`, when given, runs
  // once after the final round (also after Stop).
  void Start(absl::Duration interval, std::function<bool()> round,
             std::function<void()> last = nullptr);
  // Wakes the thread and waits for it to end (after its current round).
  void Stop();
  // True once Stop() was called: a long round may check it.
  bool stopping() const;

 private:
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_PERIODIC_H_
