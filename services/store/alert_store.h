// Provides AlertStore: the durable alert schedule and the numbered alerts.
// Planned ladder alerts live in PostgreSQL; FireDue() turns those whose time
// has come into queued alerts in the transaction that marks them fired, so
// several servers on one database fire each alert exactly once (FOR UPDATE
// SKIP LOCKED). A queued alert gets its number (the cursor) when LogStore
// seals it, after its transaction committed (log_store.h); only numbered
// alerts are listed.
// Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_ALERT_STORE_H_
#define PQTRACK_SERVICES_STORE_ALERT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/alerts.h"
#include "services/store/db.h"

namespace pqtrack::store {

// One fired alert.
struct Alert {
  int64_t id = 0;  // the cursor
  int64_t item_id = 0;
  core::AlertKind kind = core::AlertKind::kUnspecified;
  std::string level;
  std::optional<int> days_left;
  std::string unit_code;
  std::optional<absl::CivilDay> due_on;
  std::string title;
  std::string detail_json;
  absl::Time create_time;
};

// A workflow event in commit order (its place in the audit chain), with
// every unit whose queue it touches: the item's lead and coordinating units
// before and after it.
struct Change {
  int64_t seq = 0;
  int64_t item_id = 0;
  std::string event_kind;
  std::vector<std::string> unit_codes;
};

struct AlertFilter {
  // Only alerts after this cursor.
  int64_t after_cursor = 0;
  // Only alerts up to this cursor (0: no bound).
  int64_t until_cursor = 0;
  // Only alerts of these units' subtrees (empty: all within scope).
  std::vector<std::string> unit_codes;
  // Only these kinds (empty: all).
  std::vector<core::AlertKind> kinds;
  int limit = 100;
};

class AlertStore {
 public:
  // `db` must outlive this object.
  explicit AlertStore(Db* db) : db_(*db) {}

  // Fires every planned alert due at `now` (at most `batch` per
  // transaction, until none is left). Returns how many fired.
  absl::StatusOr<int> FireDue(absl::Time now, int batch = 200);

  // Plans the ladder for open items with a due date that have none for
  // their deadline version (items recorded before alerts existed, or
  // written by other means), at most `limit` of them in one transaction.
  // Returns how many it planned: call again until that is below `limit`.
  absl::StatusOr<int> PlanMissing(int limit = 500);

  // Alerts after a cursor, oldest first, within `scope_unit` (nullopt: all).
  // INVALID_ARGUMENT when a unit filter names no unit.
  absl::StatusOr<std::vector<Alert>> ListAlerts(
      const std::optional<std::string>& scope_unit, const AlertFilter& filter);

  // Records that `subscriber` has handled everything up to `cursor`
  // (never moves backwards). Returns the stored cursor.
  absl::StatusOr<int64_t> Ack(const std::string& subscriber, int64_t cursor,
                              absl::Time now);
  // Codes of `root` and every unit under it; NOT_FOUND for an unknown root.
  absl::StatusOr<std::vector<std::string>> SubtreeCodes(
      const std::string& root);

  // Sealed events after `after_seq`, oldest first, at most `limit`.
  absl::StatusOr<std::vector<Change>> ListChanges(int64_t after_seq, int limit);
  // The last sealed event's place (0 when none).
  absl::StatusOr<int64_t> LastChangeSeq();

  // The subscriber's acknowledged cursor (0 when unknown).
  absl::StatusOr<int64_t> AckedCursor(const std::string& subscriber);

 private:
  Db& db_;
};

// The alert ladder kept in settings.
core::Ladder LoadLadder(Tx& tx);

// Inside a running transaction (used by the item and workflow stores):
// makes the item's schedule match it — the ladder of its current deadline
// version while it is open with a due date (levels already fired stay
// fired), nothing pending once it is closed. When that version already has
// pending levels nothing is written: ladder settings changed since apply
// from the item's next due date.
void Replan(Tx& tx, int64_t item_id, absl::Time now);
// For an item just inserted (deadline version 1, nothing planned yet):
// plans its ladder when `open` with a due date, reusing the calendar the
// caller loaded.
void PlanNew(Tx& tx, int64_t item_id, std::optional<absl::CivilDay> due,
             bool open, const core::Calendar& calendar, absl::Time now);
// Records an event alert (the kinds core::EventAlert gives) for the item's
// current lead unit; it is numbered once sealed.
void RecordEventAlert(Tx& tx, int64_t item_id, core::AlertKind kind,
                      absl::Time now, const std::string& detail_json);

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_ALERT_STORE_H_
