// Provides the sets of item statuses the rules of the domain turn on, each
// in one place: a list macro from which both the C++ predicates below and
// the store's SQL spellings (PQTRACK_SQL_* in store/item_rows.h) are
// generated, so the two cannot drift apart. A list is written
// LIST(FIRST, NEXT): FIRST names its first status, NEXT each further one,
// by the ItemStatus wire name without its prefix.
#ifndef PQTRACK_SERVICES_CORE_STATUSES_H_
#define PQTRACK_SERVICES_CORE_STATUSES_H_

#include <algorithm>
#include <string_view>

#include "services/core/enums.h"

// Awaiting an answer: the alert ladder runs, duplicates are looked for
// among them, and a period report counts them as open.
#define PQTRACK_AWAITING_ANSWER_STATUSES(FIRST, NEXT) \
  FIRST(RECEIVED) NEXT(ASSIGNED) NEXT(IN_PROGRESS) NEXT(PENDING_APPROVAL)

// What a unit's inbox shows: the item has a lead unit and waits on it.
#define PQTRACK_INBOX_STATUSES(FIRST, NEXT) \
  FIRST(ASSIGNED) NEXT(IN_PROGRESS) NEXT(PENDING_APPROVAL)

// Recorded in one of these on a day, an item not answered by that day was
// open then (see IsOpenAsOf in core/reports.h): the awaiting statuses, and
// ANSWERED, since the answer may have come later.
#define PQTRACK_OPEN_AS_OF_STATUSES(FIRST, NEXT) \
  PQTRACK_AWAITING_ANSWER_STATUSES(FIRST, NEXT) NEXT(ANSWERED)

namespace pqtrack::core {

#define PQTRACK_STATUS_NAME(s) #s,
inline constexpr std::string_view kAwaitingAnswerStatuses[] = {
    PQTRACK_AWAITING_ANSWER_STATUSES(PQTRACK_STATUS_NAME, PQTRACK_STATUS_NAME)};
inline constexpr std::string_view kInboxStatuses[] = {
    PQTRACK_INBOX_STATUSES(PQTRACK_STATUS_NAME, PQTRACK_STATUS_NAME)};
inline constexpr std::string_view kOpenAsOfStatuses[] = {
    PQTRACK_OPEN_AS_OF_STATUSES(PQTRACK_STATUS_NAME, PQTRACK_STATUS_NAME)};
#undef PQTRACK_STATUS_NAME

// Whether `s` is among the statuses `set` names.
template <size_t N>
bool StatusIn(const std::string_view (&set)[N], ItemStatus s) {
  return std::find(std::begin(set), std::end(set), Name(s)) != std::end(set);
}

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_STATUSES_H_
