#include "services/alerts/scheduler.h"

#include <iostream>

namespace pqtrack::alerts {

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  if (auto planned = store_.PlanMissing(); !planned.ok()) {
    std::cerr << "alerts: planning missing ladders failed: "
              << planned.status().message() << std::endl;
  }
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
