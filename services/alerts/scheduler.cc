#include "services/alerts/scheduler.h"

#include <iostream>

namespace pqtrack::alerts {

void Scheduler::Start() {
  planned_ = false;
  thread_.Start(interval_, [this] { return Round(); });
}

bool Scheduler::Round() {
  // Ladders missing from earlier versions or other writers are planned
  // first, in small transactions, without holding up the server's start.
  constexpr int kBatch = 500;
  while (!planned_) {
    auto planned = store_.PlanMissing(kBatch);
    if (!planned.ok()) {
      std::cerr << "alerts: planning missing ladders failed: "
                << planned.status().message() << std::endl;
      planned_ = true;
    } else if (*planned < kBatch) {
      planned_ = true;
    } else if (thread_.stopping()) {
      return false;
    }
  }
  auto fired = store_.FireDue(clock_.Now());
  if (!fired.ok()) {
    std::cerr << "alerts: firing failed (will retry): "
              << fired.status().message() << std::endl;
  } else {
    fired_ += *fired;
    last_round_ns_ = absl::ToUnixNanos(clock_.Now());
  }
  return true;
}

}  // namespace pqtrack::alerts
