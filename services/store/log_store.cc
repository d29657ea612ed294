#include "services/store/log_store.h"

#include <pqxx/pqxx>

#include "services/common/status_macros.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kSeal{
    "log_seal",
    "SELECT events_sealed, alerts_sealed, last_cursor FROM pq_seal($1, $2)"};

// The first link that does not hold, in chain order: its event is gone, its
// place or previous hash does not follow the link before it, or its hash no
// longer matches its event.
constexpr Statement kFirstBroken{"log_first_broken", R"sql(
    WITH chain AS (
      SELECT c.seq, c.event_id, c.prev_hash, c.hash,
             coalesce(lag(c.hash) OVER w, '') AS expected_prev,
             coalesce(lag(c.seq) OVER w, 0) AS prev_seq,
             e.id IS NULL AS missing,
             event_hash(c.prev_hash, e.id, e.item_id, e.actor_id, e.at,
                        e.kind, e.before, e.after, e.detail) AS recomputed
        FROM event_chain c LEFT JOIN events e ON e.id = c.event_id
      WINDOW w AS (ORDER BY c.seq))
    SELECT event_id,
           CASE WHEN missing THEN 'missing'
                WHEN prev_seq <> seq - 1 OR prev_hash <> expected_prev
                  THEN 'link'
                ELSE 'content' END
      FROM chain
     WHERE missing OR prev_seq <> seq - 1 OR prev_hash <> expected_prev
        OR recomputed IS DISTINCT FROM hash
     ORDER BY seq LIMIT 1)sql"};

constexpr Statement kHead{"log_head", R"sql(
    SELECT (SELECT count(*) FROM event_chain),
           h.last_seq, h.last_hash,
           coalesce((SELECT max(seq) FROM event_chain), 0),
           coalesce((SELECT hash FROM event_chain ORDER BY seq DESC LIMIT 1),
                    ''),
           (SELECT event_id FROM event_chain ORDER BY seq DESC LIMIT 1)
      FROM log_head h)sql"};

// An event neither linked nor waiting to be: written with the queue
// trigger switched off.
constexpr Statement kOutside{"log_outside", R"sql(
    SELECT e.id FROM events e
     WHERE NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.event_id = e.id)
       AND NOT EXISTS (SELECT 1 FROM events_unsealed u
                        WHERE u.event_id = e.id)
     ORDER BY e.id LIMIT 1)sql"};

}  // namespace

absl::StatusOr<LogStore::Sealed> LogStore::Seal(absl::Time now, int batch) {
  Sealed total;
  for (;;) {
    int64_t events = 0, alerts = 0;
    // pq_seal is its own transaction: no BEGIN/COMMIT around it.
    PQ_RETURN_IF_ERROR(db_.Autocommit([&](Tx& tx) -> absl::Status {
      const pqxx::row r = tx.Run(kSeal, batch, now)[0];
      events = Int(r[0]);
      alerts = Int(r[1]);
      total.last_cursor = Int(r[2]);
      return absl::OkStatus();
    }));
    total.events += events;
    total.alerts += alerts;
    if (events < batch && alerts < batch) return total;
  }
}

absl::StatusOr<core::AuditReport> LogStore::VerifyAuditChain(absl::Time now) {
  PQ_RETURN_IF_ERROR(Seal(now).status());
  return db_.Transact<core::AuditReport>(
      [&](Tx& tx) -> absl::StatusOr<core::AuditReport> {
        core::AuditReport report;
        const pqxx::row head = tx.Run(kHead)[0];
        report.events_checked = Int(head[0]);
        const pqxx::result broken = tx.Run(kFirstBroken);
        if (!broken.empty()) {
          report.intact = false;
          report.first_broken_event_id = Int(broken[0][0]);
          const std::string why = Text(broken[0][1]);
          report.problem =
              why == "missing"
                  ? "the event of this link is gone: it was deleted"
              : why == "link"
                  ? "its link to the previous event does not hold: an event "
                    "before it was changed, removed, inserted or moved"
                  : "its content no longer matches its hash: it was changed";
          return report;
        }
        if (Int(head[1]) != Int(head[3]) || Text(head[2]) != Text(head[4])) {
          report.intact = false;
          report.first_broken_event_id = Int(head[5]);
          report.problem =
              "the chain's head does not match the last link: events after "
              "it were removed";
          return report;
        }
        if (const pqxx::result outside = tx.Run(kOutside); !outside.empty()) {
          report.intact = false;
          report.first_broken_event_id = Int(outside[0][0]);
          report.problem =
              "it is in no link of the chain: it was inserted behind "
              "pqtrack's back";
        }
        return report;
      });
}

}  // namespace pqtrack::store
