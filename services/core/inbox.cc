#include "services/core/inbox.h"

#include <algorithm>

#include "services/core/statuses.h"

namespace pqtrack::core {

Timeliness TimelinessOf(const std::optional<Day>& due, Day today,
                        int due_soon_days) {
  if (!due) return Timeliness::kNoDeadline;
  const auto left = *due - today;
  if (left < 0) return Timeliness::kOverdue;
  if (left == 0) return Timeliness::kDueToday;
  if (left <= due_soon_days) return Timeliness::kDueSoon;
  return Timeliness::kOnTrack;
}

bool IsInboxStatus(ItemStatus s) { return StatusIn(kInboxStatuses, s); }

std::vector<InboxEntry> BuildInbox(const std::vector<Item>& items,
                                   const std::set<std::string>& units,
                                   Day today, int due_soon_days) {
  std::vector<InboxEntry> out;
  for (const Item& it : items) {
    if (!IsInboxStatus(it.status)) continue;
    InboxEntry e;
    if (units.count(it.lead_unit_code) > 0) {
      e.lead = true;
      e.unit_code = it.lead_unit_code;
      e.due_on = it.due_on;
    } else {
      const auto c =
          std::find_if(it.coordination.begin(), it.coordination.end(),
                       [&](const Coordination& c) {
                         return c.state == CoordinationState::kOpen &&
                                units.count(c.unit_code) > 0;
                       });
      if (c == it.coordination.end()) continue;
      e.unit_code = c->unit_code;
      e.due_on = c->due_on ? c->due_on : it.due_on;
    }
    e.item = it;
    e.days_left = e.due_on ? static_cast<int>(*e.due_on - today) : 0;
    e.timeliness = TimelinessOf(e.due_on, today, due_soon_days);
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const InboxEntry& a, const InboxEntry& b) {
                     if (a.due_on.has_value() != b.due_on.has_value()) {
                       return a.due_on.has_value();
                     }
                     if (a.due_on && *a.due_on != *b.due_on) {
                       return *a.due_on < *b.due_on;
                     }
                     return a.item.id < b.item.id;
                   });
  return out;
}

}  // namespace pqtrack::core
