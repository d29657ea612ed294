#include "services/common/periodic.h"

#include <utility>

namespace pqtrack {

PeriodicThread::~PeriodicThread() { Stop(); }

void PeriodicThread::Start(absl::Duration interval, std::function<bool()> round,
                           std::function<void()> last) {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread(
      [this, interval, round = std::move(round), last = std::move(last)] {
        while (round()) {
          absl::MutexLock lock(&mu_);
          const auto stop = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
            return stopping_;
          };
          if (mu_.AwaitWithTimeout(absl::Condition(&stop), interval)) break;
        }
        if (last) last();
      });
}

void PeriodicThread::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool PeriodicThread::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

}  // namespace pqtrack
