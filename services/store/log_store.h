// Provides LogStore: the commit-ordered log that gives events their place in
// the audit chain and alerts their cursor, and the chain's verification.
//
// Design. Writers never wait on each other for the log:
//   - An event is inserted with an id from a plain sequence; a statement
//     trigger queues its id in events_unsealed (same transaction).
//   - An alert is inserted into alert_queue, not alerts (same transaction).
//   - Seal() runs pq_seal (migration 0006): under the single log_head row
//     lock it takes queued rows that have committed (its statements only see
//     committed rows), links the events in id order into event_chain
//     (seq = last_seq + 1, 2, ...; hash = event_hash(previous hash, event)),
//     moves the alerts into alerts with id = last_cursor + 1, 2, ..., moves
//     the head, NOTIFYs pqtrack_alerts with the last cursor when it sealed
//     anything (events too, since migration 0015: the hub hands out
//     changes), and commits. Everything it gave out becomes visible at
//     once, in one commit.
// Why no alert is ever skipped: sealing transactions are serialized by the
// row lock and each starts after the previous one committed, so a reader
// that sees cursor N sees every cursor below N; cursors are never taken by a
// transaction that may still roll back, so there are no gaps either. A
// reader may therefore move its cursor to the last one it read. A row that
// commits while a seal runs waits for the next one. Several server
// replicas may each run a sealer (the Sequencer, alerts/sequencer.h): they
// take turns on the row lock, and an interrupted seal (connection lost,
// server killed) rolls back whole and its rows are sealed by the next.
// A row is sealed within one Sequencer interval (default 10 ms) of its
// commit while any server runs; readers that promise read-your-writes
// (ListAlerts, VerifyAuditChain) call Seal() first.
//
// Thread-safe (through Db).
#ifndef PQTRACK_SERVICES_STORE_LOG_STORE_H_
#define PQTRACK_SERVICES_STORE_LOG_STORE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/core/types.h"
#include "services/store/db.h"

namespace pqtrack::store {

class LogStore {
 public:
  // `db` must outlive this object.
  explicit LogStore(Db* db) : db_(*db) {}

  struct Sealed {
    int64_t events = 0;
    int64_t alerts = 0;
    // The last alert cursor given out (by this call or before).
    int64_t last_cursor = 0;
  };
  // Seals every event and alert that committed before the call, at most
  // `batch` of each per transaction. UNAVAILABLE when the database is
  // unreachable (nothing is lost: the rows stay queued).
  absl::StatusOr<Sealed> Seal(absl::Time now, int batch = 5000);

  // Seals, then recomputes the whole chain: every link's hash from its
  // event and the previous link, the links' order and count against the
  // head, and that no event is outside the chain without being queued.
  // Reports the first problem found.
  absl::StatusOr<core::AuditReport> VerifyAuditChain(absl::Time now);

 private:
  Db& db_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_LOG_STORE_H_
