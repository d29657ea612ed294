// Provides the rules applied when an item is recorded: the status it starts
// in and who its sender is (for the uniqueness of external references);
// and which of its fields a correction may change.
#ifndef PQTRACK_SERVICES_CORE_ITEM_RULES_H_
#define PQTRACK_SERVICES_CORE_ITEM_RULES_H_

#include <string>
#include <vector>

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

// The fields a correction (ItemService.UpdateItem) may change on an item
// of `kind`, as paths of pqtrack.v1.Item: its own recorded facts (title,
// text, dates, reference, and the kind's details), never its workflow
// state, kind, batch or session.
std::vector<std::string> CorrectableFields(ItemKind kind);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ITEM_RULES_H_
