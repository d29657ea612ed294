#include "services/alerts/scheduler.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

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
      WriteLog(LogLevel::kError,
               absl::StrCat("alerts: planning missing ladders failed: ",
                            planned.status().message()));
      planned_ = true;
    } else if (*planned < kBatch) {
      planned_ = true;
    } else if (thread_.stopping()) {
      return false;
    }
  }
  auto fired = store_.FireDue(clock_.Now());
  if (!fired.ok()) {
    WriteLog(LogLevel::kError,
             absl::StrCat("alerts: firing failed (will retry): ",
                          fired.status().message()));
  } else {
    fired_ += *fired;
    last_round_ns_ = absl::ToUnixNanos(clock_.Now());
  }
  return true;
}

}  // namespace pqtrack::alerts
