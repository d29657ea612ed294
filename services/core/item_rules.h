// Provides the rules applied when an item is recorded: the status it starts
// in and who its sender is (for the uniqueness of external references).
#ifndef PQTRACK_SERVICES_CORE_ITEM_RULES_H_
#define PQTRACK_SERVICES_CORE_ITEM_RULES_H_

#include <string>

#include "services/core/types.h"

namespace pqtrack::core {

// NO_RESPONSE_REQUIRED for a document that needs no reply; ASSIGNED when a
// lead unit is given; RECEIVED (waiting in triage) otherwise.
ItemStatus InitialStatus(const Item& item);

// Who an item's external reference belongs to: the forwarding body of the
// batch (given by the caller, who looks the batch up) for a petition, the
// deputy for a question, the sending agency for a document and the
// assigning authority for a task.
std::string SenderOf(const Item& item,
                     const std::string& batch_forwarding_body);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ITEM_RULES_H_
