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
  kOnTrack,  // more than the due-soon days left
  kDueSoon,  // 1 to the due-soon days left
  kDueToday,
  kOverdue
};

// How an item due on `due` stands on `today`, DUE_SOON within
// `due_soon_days` (DueSoonDays of the alert ladder, core/alerts.h).
Timeliness TimelinessOf(const std::optional<Day>& due, Day today,
                        int due_soon_days);

struct InboxEntry {
  Item item;
  bool lead = false;  // else coordinating
  std::string unit_code;
  std::optional<Day> due_on;
  int days_left = 0;
  Timeliness timeliness = Timeliness::kUnspecified;
};

// The statuses an inbox shows (PQTRACK_INBOX_STATUSES in core/statuses.h,
// from which the store's SQL is generated too).
bool IsInboxStatus(ItemStatus s);

// A page of a unit's inbox as the store reads it: filters (empty or
// nullopt lets everything through) and where the page starts.
struct InboxQuery {
  std::string unit_code;  // the subtree's root
  std::optional<bool> lead;
  std::vector<ItemKind> kinds;
  std::vector<ItemStatus> statuses;
  std::vector<Timeliness> timeliness;
  int64_t session_id = 0;
  int64_t batch_id = 0;
  // Only lead entries of items returned for revision.
  bool returned = false;
  int size = 50;
  // The last entry of the previous page (its due date and item id); the
  // order is BuildInbox's.
  struct Cursor {
    std::optional<Day> due;
    int64_t id = 0;
  };
  std::optional<Cursor> after;
};

// How many entries of an inbox there are under its kind, session and batch
// filters, whatever the role, status, timeliness and return filters ask:
// what a desk shows beside each of its views.
struct InboxCounts {
  int all = 0;
  int lead = 0;
  int coordinating = 0;
  // Lead entries returned for revision.
  int returned = 0;
  int pending_approval = 0;
  int overdue = 0;
  int due_today = 0;
  int due_soon = 0;  // Timeliness::kDueSoon
};

// The entries of `items` for a subtree `units`: an item led by one of them
// in ASSIGNED, IN_PROGRESS or PENDING_APPROVAL; else a coordination of one
// of them still OPEN on such an item. Soonest due first, no due date last,
// then by id. Timeliness as TimelinessOf with `due_soon_days`.
std::vector<InboxEntry> BuildInbox(const std::vector<Item>& items,
                                   const std::set<std::string>& units,
                                   Day today, int due_soon_days);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_INBOX_H_
