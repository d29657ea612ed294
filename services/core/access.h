// Provides the rights of each role: which actions a principal may take, and
// whether it sees the whole ministry or only its unit's subtree.
#ifndef PQTRACK_SERVICES_CORE_ACCESS_H_
#define PQTRACK_SERVICES_CORE_ACCESS_H_

#include "absl/status/status.h"
#include "services/core/types.h"

namespace pqtrack::core {

enum class Action {
  kReadAssembly,    // list terms, sessions, batches
  kManageAssembly,  // create terms, sessions, batches
  kReadUnits,       // list units
  kManageUnits,     // create and update units
  kRecordItem,      // record items
  kCorrectItem,     // correct an item's own fields
  kReadItems,       // get and list items (scoped for LEADER and RESPONDER)
  kManageUsers,     // create and list users, issue tokens for anyone
  kOwnTokens,       // list and revoke one's own tokens, who-am-I
  kReadRules,       // list routing rules, preview routing
  kManageRules,     // create and delete routing rules
  kVerifyAudit,     // verify the audit chain
  kReadCalendar,    // calendar, deadline rules, the calculator
  kManageCalendar,  // set calendar days and deadline rules
  kReadAlerts,      // list and acknowledge alerts (scoped for unit staff)
  kAttachFiles,     // attach files to items (scoped like kReadItems)
};

// OK when `who` may take `action`; PERMISSION_DENIED naming the role and the
// action otherwise.
absl::Status Authorize(const Principal& who, Action action);

// True for the roles that see every item (ADMIN, LIAISON); false for LEADER
// and RESPONDER, who see their unit's subtree only.
bool SeesWholeMinistry(const Principal& who);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ACCESS_H_
