#include "services/core/access.h"

#include "absl/strings/str_cat.h"

namespace pqtrack::core {
namespace {

const char* Describe(Action a) {
  switch (a) {
    case Action::kReadAssembly:
      return "read terms, sessions and batches";
    case Action::kManageAssembly:
      return "create terms, sessions and batches";
    case Action::kReadUnits:
      return "read units";
    case Action::kManageUnits:
      return "create or change units";
    case Action::kRecordItem:
      return "record items";
    case Action::kCorrectItem:
      return "correct items";
    case Action::kReadItems:
      return "read items";
    case Action::kManageUsers:
      return "manage users and their tokens";
    case Action::kOwnTokens:
      return "manage its own tokens";
    case Action::kReadRules:
      return "read routing rules";
    case Action::kManageRules:
      return "change routing rules";
    case Action::kVerifyAudit:
      return "verify the audit chain";
    case Action::kReadCalendar:
      return "read the calendar and deadline rules";
    case Action::kManageCalendar:
      return "change the calendar or deadline rules";
    case Action::kReadAlerts:
      return "read alerts";
    case Action::kAttachFiles:
      return "attach files to items";
  }
  return "do this";
}

bool Allowed(Role role, Action a) {
  switch (a) {
    case Action::kReadAssembly:
    case Action::kReadUnits:
    case Action::kOwnTokens:
    case Action::kReadAlerts:
      return role != Role::kUnspecified;
    case Action::kManageAssembly:
    case Action::kRecordItem:
    case Action::kCorrectItem:
    case Action::kReadRules:
      return role == Role::kAdmin || role == Role::kLiaison;
    case Action::kReadItems:
    case Action::kReadCalendar:
    case Action::kAttachFiles:
      return role == Role::kAdmin || role == Role::kLiaison ||
             role == Role::kLeader || role == Role::kResponder;
    case Action::kManageUnits:
    case Action::kManageUsers:
    case Action::kManageRules:
    case Action::kVerifyAudit:
    case Action::kManageCalendar:
      return role == Role::kAdmin;
  }
  return false;
}

}  // namespace

absl::Status Authorize(const Principal& who, Action action) {
  if (Allowed(who.role, action)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("role ", Name(who.role), " may not ", Describe(action)));
}

bool SeesWholeMinistry(const Principal& who) {
  return who.role == Role::kAdmin || who.role == Role::kLiaison;
}

}  // namespace pqtrack::core
