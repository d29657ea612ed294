#include "services/alerts/sequencer.h"

#include <iostream>

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
    std::cerr << "log: sealing failed (will retry): "
              << sealed.status().message() << std::endl;
  } else if (sealed.ok() && failing_) {
    std::cerr << "log: sealing works again" << std::endl;
  }
  failing_ = !sealed.ok();
  return true;
}

}  // namespace pqtrack::alerts
