#include "services/core/item_rules.h"

namespace pqtrack::core {

ItemStatus InitialStatus(const Item& item) {
  if (const auto* d = std::get_if<DocumentDetails>(&item.details);
      d != nullptr && !d->requires_response) {
    return ItemStatus::kNoResponseRequired;
  }
  return item.lead_unit_code.empty() ? ItemStatus::kReceived
                                     : ItemStatus::kAssigned;
}

std::string SenderOf(const Item& item,
                     const std::string& batch_forwarding_body) {
  switch (item.kind) {
    case ItemKind::kPetition:
      return batch_forwarding_body;
    case ItemKind::kQuestion:
      if (const auto* d = std::get_if<QuestionDetails>(&item.details)) {
        return d->deputy_name;
      }
      break;
    case ItemKind::kDocument:
      if (const auto* d = std::get_if<DocumentDetails>(&item.details)) {
        return d->sender;
      }
      break;
    case ItemKind::kTask:
      if (const auto* d = std::get_if<TaskDetails>(&item.details)) {
        return d->assigned_by;
      }
      break;
    case ItemKind::kUnspecified:
      break;
  }
  return "";
}

}  // namespace pqtrack::core
