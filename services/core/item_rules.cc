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

std::vector<std::string> CorrectableFields(ItemKind kind) {
  std::vector<std::string> out = {"title", "body", "received_on", "due_on",
                                  "external_ref"};
  switch (kind) {
    case ItemKind::kPetition:
      out.insert(out.end(), {"petition.delegations", "petition.field"});
      break;
    case ItemKind::kQuestion:
      out.insert(out.end(),
                 {"question.deputy_name", "question.delegation",
                  "question.addressee", "question.form", "question.asked_on"});
      break;
    case ItemKind::kDocument:
      out.insert(out.end(), {"document.sender", "document.document_number",
                             "document.document_date"});
      break;
    case ItemKind::kTask:
      out.insert(out.end(), {"task.assigned_by", "task.source_document",
                             "task.source_date"});
      break;
    case ItemKind::kUnspecified:
      break;
  }
  return out;
}

}  // namespace pqtrack::core
