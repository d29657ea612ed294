// Provides the desk's inbox rules: which open items wait on a unit's
// subtree and in what role, that unit's own due date, and how timely each
// is today. Pure functions; the API feeds them the visible items.
#ifndef PQTRACK_SERVICES_CORE_INBOX_H_
#define PQTRACK_SERVICES_CORE_INBOX_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/core/types.h"

namespace pqtrack::core {

// Wire values match pqtrack.v1.Timeliness.
enum class Timeliness {
  kUnspecified,
  kNoDeadline,
  kOnTrack,  // more than kDueSoonDays left
  kDueSoon,  // 1..kDueSoonDays left
  kDueToday,
  kOverdue
};
inline constexpr int kDueSoonDays = 7;

Timeliness TimelinessOf(const std::optional<Day>& due, Day today);

struct InboxEntry {
  Item item;
  bool lead = false;  // else coordinating
  std::string unit_code;
  std::optional<Day> due_on;
  int days_left = 0;
  Timeliness timeliness = Timeliness::kUnspecified;
};

// The entries of `items` for a subtree `units`: an item led by one of them
// in ASSIGNED, IN_PROGRESS or PENDING_APPROVAL; else a coordination of one
// of them still OPEN on such an item. Soonest due first, no due date last,
// then by id.
std::vector<InboxEntry> BuildInbox(const std::vector<Item>& items,
                                   const std::set<std::string>& units,
                                   Day today);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_INBOX_H_
