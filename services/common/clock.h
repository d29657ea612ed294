// Provides Clock, the injected source of "now": RealClock for production and
// FakeClock for tests. Every implementation is thread-safe.
#ifndef PQTRACK_SERVICES_COMMON_CLOCK_H_
#define PQTRACK_SERVICES_COMMON_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pqtrack {

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current instant.
  virtual absl::Time Now() const = 0;
};

// The system clock. A process-wide instance is returned by RealClock::Get();
// it is never destroyed.
class RealClock final : public Clock {
 public:
  static Clock* Get();
  absl::Time Now() const override;
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void Set(absl::Time t);
  void Advance(absl::Duration d);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_CLOCK_H_
