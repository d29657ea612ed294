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

#include <functional>
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

  // A correction of an item's own fields (ItemService.UpdateItem).
  struct Correction {
    int64_t actor = 0;
    int64_t id = 0;
    // The version the caller saw: ABORTED when the item is at another.
    int64_t version = 0;
    // The paths corrected, and why (both kept in the CORRECTED event).
    std::vector<std::string> fields;
    std::string reason;
    // The correction sets or clears the due date (see core::CorrectedDue).
    bool due_corrected = false;
    absl::Time now;
  };
  // Locks the item, hands its current state to `apply`, which returns the
  // corrected item (validated) or an error, and writes it: the corrected
  // fields, the due date as core::CorrectedDue decides (a new deadline
  // version when it moves; coordinating units at the default date before
  // it follow), a CORRECTED event, the ladder planned again. NOT_FOUND when
  // there is no such item; ALREADY_EXISTS when the corrected external
  // reference is another item's of the same sender; INVALID_ARGUMENT naming
  // item.received_on when a unit of the item did not exist on the corrected
  // day (but did on the old one).
  absl::StatusOr<core::Item> CorrectItem(
      const Correction& c,
      const std::function<absl::StatusOr<core::Item>(const core::Item&)>&
          apply);

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
    // The text search's rank (0 when only a reference matched).
    double rank = 0;
    // The query is one of the item's references (its sender's reference,
    // document number or source document), folded and trimmed.
    bool exact_reference = false;
    // Where it sorts: exact reference matches first, then by rank; with the
    // id, the cursor of the next page.
    int64_t key = 0;
  };
  struct SearchCursor {
    int64_t key = 0;
    int64_t id = 0;
  };
  // Items matching every word of `query` (folded), or one of whose
  // references is the query: exact reference matches first, then by text
  // rank, then newest; at most `size` after the hit `after` (keyset).
  // `*more` tells whether more follow.
  absl::StatusOr<std::vector<SearchHit>> SearchItems(
      const std::optional<std::string>& scope_unit, const std::string& query,
      const core::ItemFilter& filter, int size,
      const std::optional<SearchCursor>& after, bool* more);

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
