#include "services/alerts/scheduler.h"

#include <iostream>

namespace pqtrack::alerts {

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Scheduler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Run() {
  // Ladders missing from earlier versions or other writers are planned
  // first, in small transactions, without holding up the server's start.
  constexpr int kBatch = 500;
  for (;;) {
    auto planned = store_.PlanMissing(kBatch);
    if (!planned.ok()) {
      std::cerr << "alerts: planning missing ladders failed: "
                << planned.status().message() << std::endl;
      break;
    }
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    if (*planned < kBatch) break;
  }
  for (;;) {
    auto fired = store_.FireDue(clock_.Now());
    if (!fired.ok()) {
      std::cerr << "alerts: firing failed (will retry): "
                << fired.status().message() << std::endl;
    }
    absl::MutexLock lock(&mu_);
    const auto stop = [this]()
                          ABSL_SHARED_LOCKS_REQUIRED(mu_) { return stopping_; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stop), interval_)) return;
  }
}

}  // namespace pqtrack::alerts
