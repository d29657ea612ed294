// Provides ItemStore: items, their coordinating units and their event
// history in PostgreSQL. Every change to an item appends an event in the
// same transaction. Each method is one transaction. Thread-safe (through
// Db).
//
// Visibility: methods that read take `scope_unit`. nullopt sees every item;
// a unit code sees only items whose lead or a coordinating unit is that unit
// or under it (an empty code sees nothing). Invisible items are NOT_FOUND.
#ifndef PQTRACK_SERVICES_STORE_ITEM_STORE_H_
#define PQTRACK_SERVICES_STORE_ITEM_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/inbox.h"
#include "services/core/types.h"
#include "services/store/db.h"

namespace pqtrack::store {

class ItemStore {
 public:
  // `db` must outlive this object.
  explicit ItemStore(Db* db) : db_(*db) {}

  struct RecordResult {
    core::Item item;
    // True when `request_id` had been recorded before with the same
    // request hash; nothing was written this time.
    bool replayed = false;
    // Items of the same kind awaiting an answer with similar titles (at
    // most 5), read after the commit (empty on a replay).
    std::vector<core::SimilarItem> similar;
    // When a routing rule chose the units: why it matched.
    std::vector<std::string> routing_reasons;
  };

  // Records a validated item for `actor` (a user id) and appends its
  // "RECORDED" event. Without a lead unit (and for anything but a document
  // needing no reply) the routing rules are tried in order; the first match
  // assigns its units and the event names it. Checks its references: the
  // session, the batch (whose session becomes the item's), the lead and
  // coordinating units (existing, internal, valid on the day received), each
  // failing with INVALID_ARGUMENT naming the field. ALREADY_EXISTS when
  // `request_id` was used with another `request_hash`, or the sender already
  // has an item with this external reference.
  absl::StatusOr<RecordResult> RecordItem(int64_t actor, const core::Item& item,
                                          const std::string& request_id,
                                          const std::string& request_hash,
                                          absl::Time now);

  absl::StatusOr<core::Item> GetItem(
      const std::optional<std::string>& scope_unit, int64_t id);

  // Items matching `filter`, newest first: at most page.size with id below
  // page.after_id (0: from the newest). `*more` tells whether more follow.
  // INVALID_ARGUMENT when filter.lead_unit_code names no unit.
  absl::StatusOr<std::vector<core::Item>> ListItems(
      const std::optional<std::string>& scope_unit,
      const core::ItemFilter& filter, const core::PageRequest& page,
      bool* more);

  // A page of the inbox of `query.unit_code`'s subtree on day `today`, in
  // BuildInbox's order and with its rules, filtered and paged in one
  // statement (the items, with their extras, in a second); `*total` is the
  // number of entries matching the filters and `*more` whether a page
  // follows. `*counts` (when not null): the entries under the kind, session
  // and batch filters alone, by role, approval, return and timeliness.
  absl::StatusOr<std::vector<core::InboxEntry>> ListInbox(
      const core::InboxQuery& query, core::Day today, int* total, bool* more,
      core::InboxCounts* counts = nullptr);

  struct SearchHit {
    core::Item item;
    double rank = 0;
  };
  // Items matching every word of `query` (folded), best first: at most
  // page.size after the first page.after_id hits (an offset). `*more` tells
  // whether more follow.
  absl::StatusOr<std::vector<SearchHit>> SearchItems(
      const std::optional<std::string>& scope_unit, const std::string& query,
      const core::ItemFilter& filter, const core::PageRequest& page,
      bool* more);

  // Items awaiting an answer (other than `exclude_id`; of `kind` unless
  // UNSPECIFIED) whose folded title is at least `min_score` similar to
  // `title`, most similar first.
  absl::StatusOr<std::vector<core::SimilarItem>> SuggestDuplicates(
      const std::optional<std::string>& scope_unit, const std::string& title,
      core::ItemKind kind, int64_t exclude_id, int limit, double min_score);

  // Every event of a visible item, oldest first.
  absl::StatusOr<std::vector<core::Event>> GetItemHistory(
      const std::optional<std::string>& scope_unit, int64_t id);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_ITEM_STORE_H_
