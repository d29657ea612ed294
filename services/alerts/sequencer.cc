#include "services/alerts/sequencer.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace pqtrack::alerts {

void Sequencer::Start() {
  failing_ = false;
  // The last round seals what committed meanwhile, so it need not wait for
  // the next start.
  thread_.Start(
      interval_, [this] { return Round(); }, [this] { Round(); });
}

bool Sequencer::Round() {
  auto sealed = log_.Seal(clock_.Now());
  if (!sealed.ok() && !failing_) {
    WriteLog(LogLevel::kError,
             absl::StrCat("log: sealing failed (will retry): ",
                          sealed.status().message()));
  } else if (sealed.ok() && failing_) {
    WriteLog(LogLevel::kInfo, "log: sealing works again");
  }
  failing_ = !sealed.ok();
  return true;
}

}  // namespace pqtrack::alerts
