#include "services/store/alert_store.h"

#include <pqxx/pqxx>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"
#include "services/store/deadline_store.h"
#include "services/store/item_rows.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

// Cancels pending alerts of `item` except those of deadline version $3
// (NULL: all).
constexpr Statement kCancelPending{
    "al_cancel_pending",
    "UPDATE alert_schedule SET cancelled_at = $2 WHERE item_id = $1"
    " AND fired_at IS NULL AND cancelled_at IS NULL"
    " AND ($3::integer IS NULL OR deadline_version <> $3)"};
// The day the item's ladder counts down to, its deadline version, whether
// its ladder runs, and whether that version already has pending levels
// (then nothing changes).
constexpr Statement kItemForPlan{
    "al_item_for_plan",
    "SELECT " PQTRACK_SQL_LADDER_DUE
    ", deadline_version, " PQTRACK_SQL_LADDER_RUNS
    ", EXISTS (SELECT 1 FROM alert_schedule s"
    " WHERE s.item_id = i.id AND s.deadline_version = i.deadline_version"
    " AND s.fired_at IS NULL AND s.cancelled_at IS NULL)"
    " FROM items i WHERE id = $1"};
// The whole ladder in one statement: $3..$7 arrays of level, kind,
// days left, fire time (microseconds since the epoch) and whether the
// level is skipped (then it is recorded as handled at $8, cancelled_at,
// and never fires).
constexpr Statement kInsertSchedule{
    "al_insert_schedule",
    "INSERT INTO alert_schedule (item_id, deadline_version, level, kind,"
    " days_left, fire_at, cancelled_at, skipped)"
    " SELECT $1, $2, l, k, d::integer,"
    " 'epoch'::timestamptz + f::bigint * interval '1 microsecond',"
    " CASE WHEN s::boolean THEN $8::timestamptz END, s::boolean"
    " FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[])"
    " AS a (l, k, d, f, s)"
    // A level cancelled while the item was closed comes back when it
    // reopens, unless its time has passed.
    " ON CONFLICT (item_id, deadline_version, level) DO UPDATE"
    " SET cancelled_at = NULL WHERE alert_schedule.fired_at IS NULL"
    " AND alert_schedule.cancelled_at IS NOT NULL AND NOT "
    "alert_schedule.skipped"
    " AND EXCLUDED.fire_at >= $8"};
constexpr Statement kLadderSettings{
    "al_ladder_settings",
    "SELECT key, value FROM settings WHERE key LIKE 'alert\\_%'"};
constexpr Statement kPendingBatch{
    "al_pending_batch",
    "SELECT s.item_id, s.deadline_version, s.level, s.kind, s.days_left,"
    " i.deadline_version = s.deadline_version AND " PQTRACK_SQL_LADDER_RUNS
    " FROM alert_schedule s JOIN items i ON i.id = s.item_id"
    " WHERE s.fired_at IS NULL AND s.cancelled_at IS NULL AND s.fire_at <= $1"
    " ORDER BY s.fire_at, s.item_id, s.level"
    " FOR UPDATE OF s SKIP LOCKED LIMIT $2"};
constexpr Statement kMark{
    "al_mark",
    "UPDATE alert_schedule SET fired_at = CASE WHEN $4 THEN $5::timestamptz "
    "END,"
    " cancelled_at = CASE WHEN $4 THEN NULL ELSE $5::timestamptz END"
    " WHERE item_id = $1 AND deadline_version = $2 AND level = $3"};
// Alerts wait in alert_queue until LogStore::Seal gives them their cursor.
constexpr Statement kInsertAlert{
    "al_insert_alert",
    "INSERT INTO alert_queue (item_id, kind, level, days_left, unit_id,"
    " due_on, title, detail, created_at)"
    " SELECT i.id, $2, $3, $4, i.lead_unit_id, " PQTRACK_SQL_LADDER_DUE
    ", i.title, $5::jsonb, $6 FROM items i WHERE i.id = $1"};
constexpr Statement kMissing{
    "al_missing",
    "SELECT i.id FROM items i WHERE " PQTRACK_SQL_LADDER_DUE
    " IS NOT NULL AND " PQTRACK_SQL_LADDER_RUNS
    " AND NOT EXISTS (SELECT 1 FROM alert_schedule s WHERE s.item_id = i.id"
    " AND s.deadline_version = i.deadline_version) ORDER BY i.id LIMIT $1"};
constexpr Statement kChanges{"al_changes", R"sql(
    SELECT c.seq, e.item_id, e.kind,
           array_to_string(ARRAY(SELECT DISTINCT u FROM (
                   SELECT e.before->>'lead_unit_code'
                   UNION ALL SELECT e.after->>'lead_unit_code'
                   UNION ALL SELECT jsonb_array_elements_text(
                     coalesce(e.before->'coordinating_unit_codes', '[]'))
                   UNION ALL SELECT jsonb_array_elements_text(
                     coalesce(e.after->'coordinating_unit_codes', '[]'))
                 ) AS t (u) WHERE u IS NOT NULL ORDER BY u), E'\x1f')
      FROM event_chain c JOIN events e ON e.id = c.event_id
     WHERE c.seq > $1 ORDER BY c.seq LIMIT $2)sql"};
constexpr Statement kLastChange{"al_last_change",
                                "SELECT last_seq FROM log_head"};
constexpr Statement kList{
    "al_list",
    "WITH RECURSIVE scope AS ("
    "  SELECT id FROM units WHERE code = $1"
    "  UNION ALL SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id),"
    " wanted AS ("
    "  SELECT id FROM units WHERE code = ANY($2::text[])"
    "  UNION ALL SELECT u.id FROM units u JOIN wanted w ON u.parent_id = w.id)"
    " SELECT a.id, a.item_id, a.kind, a.level, a.days_left, u.code, a.due_on,"
    " a.title, a.detail::text,"
    " (extract(epoch FROM a.created_at) * 1000000)::bigint"
    " FROM alerts a LEFT JOIN units u ON u.id = a.unit_id"
    " WHERE a.id > $3"
    " AND ($1::text IS NULL OR a.unit_id IN (SELECT id FROM scope))"
    " AND ($2::text[] IS NULL OR a.unit_id IN (SELECT id FROM wanted))"
    " AND ($4::text[] IS NULL OR a.kind = ANY($4::text[]))"
    " AND ($6::bigint IS NULL OR a.id <= $6)"
    " ORDER BY a.id LIMIT $5"};
constexpr Statement kSubtree{
    "al_subtree",
    "WITH RECURSIVE sub AS (SELECT id, code FROM units WHERE code = $1"
    " UNION ALL SELECT u.id, u.code FROM units u JOIN sub s"
    " ON u.parent_id = s.id) SELECT code FROM sub"};
constexpr Statement kFindUnit{"al_find_unit",
                              "SELECT 1 FROM units WHERE code = $1"};
constexpr Statement kAck{
    "al_ack",
    "INSERT INTO alert_acks (subscriber, cursor, acked_at) VALUES ($1, $2, $3)"
    " ON CONFLICT (subscriber) DO UPDATE SET"
    " cursor = greatest(alert_acks.cursor, EXCLUDED.cursor),"
    " acked_at = EXCLUDED.acked_at RETURNING cursor"};
constexpr Statement kAcked{
    "al_acked", "SELECT cursor FROM alert_acks WHERE subscriber = $1"};

// Writes the ladder of deadline `version` (due on `due`) in one statement;
// of the levels already past only the current one is left to fire.
void InsertLadder(Tx& tx, int64_t item_id, int64_t version, absl::CivilDay due,
                  const core::Ladder& ladder, const core::Calendar& calendar,
                  absl::Time now) {
  std::vector<core::PlannedAlert> plan =
      core::PlanLadder(due, ladder, calendar);
  core::SkipPassedLevels(plan, now, core::PassedLevels::kFireCurrent);
  std::vector<std::string> levels, kinds, days, fire, skipped;
  for (const core::PlannedAlert& a : plan) {
    levels.push_back(a.level);
    kinds.emplace_back(core::Name(a.kind));
    days.push_back(absl::StrCat(a.days_left));
    fire.push_back(absl::StrCat(absl::ToUnixMicros(a.fire_at)));
    skipped.emplace_back(a.skipped ? "true" : "false");
  }
  if (levels.empty()) return;
  tx.Run(kInsertSchedule, item_id, version, levels, kinds, days, fire, skipped,
         now);
}

// Makes the schedule match the item: the ladder of its current deadline
// version when it is open with a due date, nothing pending otherwise. The
// ladder and calendar are loaded (by `load`) only when a ladder is planned.
void Plan(Tx& tx, int64_t item_id, absl::Time now,
          absl::FunctionRef<std::pair<core::Ladder, core::Calendar>()> load) {
  const pqxx::result r = tx.Run(kItemForPlan, item_id);
  const auto due = r.empty() ? std::nullopt : DayOf(r[0][0]);
  if (r.empty() || !Bool(r[0][2]) || !due) {
    tx.Run(kCancelPending, item_id, now, Null{});
    return;
  }
  // Planned already for this due date: a draft, an approval... change
  // nothing.
  if (Bool(r[0][3])) return;
  const int64_t version = Int(r[0][1]);
  tx.Run(kCancelPending, item_id, now, version);
  const auto [ladder, calendar] = load();
  InsertLadder(tx, item_id, version, *due, ladder, calendar, now);
}

void InsertAlert(Tx& tx, int64_t item_id, const std::string& kind,
                 const std::string& level, std::optional<int64_t> days_left,
                 const std::string& detail, absl::Time now) {
  tx.Run(kInsertAlert, item_id, kind, level, days_left, NullIfEmpty(detail),
         now);
}

core::Ladder ReadLadder(Tx& tx) {
  core::Ladder l;
  for (const pqxx::row& r : tx.Run(kLadderSettings)) {
    const std::string key = Text(r[0]), value = Text(r[1]);
    if (key == "alert_days_before") {
      l.days_before.clear();
      for (absl::string_view part : absl::StrSplit(value, ',')) {
        int n = 0;
        if (absl::SimpleAtoi(part, &n) && n > 0) l.days_before.push_back(n);
      }
    } else if (key == "alert_due_today") {
      l.due_today = value == "true";
    } else if (key == "alert_overdue") {
      l.overdue = value == "true";
    } else if (key == "alert_escalate_after_working_days") {
      (void)absl::SimpleAtoi(value, &l.escalate_after_working_days);
    } else if (key == "alert_hour") {
      (void)absl::SimpleAtoi(value, &l.hour);
    }
  }
  return l;
}

}  // namespace

core::Ladder LoadLadder(Tx& tx) {
  return *tx.Memo<core::Ladder>("ladder", [&] { return ReadLadder(tx); });
}

void Replan(Tx& tx, int64_t item_id, absl::Time now) {
  Plan(tx, item_id, now,
       [&] { return std::make_pair(LoadLadder(tx), LoadCalendar(tx)); });
}

void PlanNew(Tx& tx, int64_t item_id, std::optional<absl::CivilDay> due,
             bool open, const core::Calendar& calendar, absl::Time now) {
  if (!open || !due) return;
  InsertLadder(tx, item_id, 1, *due, LoadLadder(tx), calendar, now);
}

void RecordEventAlert(Tx& tx, int64_t item_id, core::AlertKind kind,
                      absl::Time now, const std::string& detail_json) {
  InsertAlert(tx, item_id, core::Name(kind), "", std::nullopt, detail_json,
              now);
}

absl::StatusOr<int> AlertStore::FireDue(absl::Time now, int batch) {
  int fired = 0;
  for (;;) {
    int handled = 0;
    PQ_RETURN_IF_ERROR(db_.Transact([&](Tx& tx) -> absl::Status {
      handled = 0;
      int fired_here = 0;
      for (const pqxx::row& r : tx.Run(kPendingBatch, now, batch)) {
        ++handled;
        const bool current = Bool(r[5]);
        if (current) {
          InsertAlert(tx, Int(r[0]), Text(r[3]), Text(r[2]), Int(r[4]), "",
                      now);
          ++fired_here;
        }
        tx.Run(kMark, Int(r[0]), Int(r[1]), Text(r[2]), current, now);
      }
      fired += fired_here;
      return absl::OkStatus();
    }));
    if (handled < batch) return fired;
  }
}

absl::StatusOr<int> AlertStore::PlanMissing(int limit) {
  return db_.Transact<int>([&](Tx& tx) -> absl::StatusOr<int> {
    const core::Ladder ladder = LoadLadder(tx);
    const core::Calendar calendar = LoadCalendar(tx);
    int n = 0;
    for (const pqxx::row& r : tx.Run(kMissing, limit)) {
      Plan(tx, Int(r[0]), absl::Now(),
           [&] { return std::make_pair(ladder, calendar); });
      ++n;
    }
    return n;
  });
}

absl::StatusOr<std::vector<Alert>> AlertStore::ListAlerts(
    const std::optional<std::string>& scope_unit, const AlertFilter& f) {
  return db_.Transact<std::vector<Alert>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<Alert>> {
        for (const std::string& code : f.unit_codes) {
          if (tx.Run(kFindUnit, code).empty()) {
            return absl::InvalidArgumentError(
                absl::StrCat("unit_codes: no unit \"", code, "\""));
          }
        }
        std::optional<std::vector<std::string>> units, kinds;
        if (!f.unit_codes.empty()) units = f.unit_codes;
        if (!f.kinds.empty()) {
          kinds.emplace();
          for (core::AlertKind k : f.kinds) kinds->emplace_back(core::Name(k));
        }
        std::vector<Alert> out;
        for (const pqxx::row& r :
             tx.Run(kList, scope_unit, units, f.after_cursor, kinds, f.limit,
                    NullIfZero(f.until_cursor))) {
          Alert a;
          a.id = Int(r[0]);
          a.item_id = Int(r[1]);
          a.kind = core::AlertKindNamed(Text(r[2]));
          a.level = Text(r[3]);
          if (!r[4].is_null()) a.days_left = static_cast<int>(Int(r[4]));
          a.unit_code = Text(r[5]);
          a.due_on = DayOf(r[6]);
          a.title = Text(r[7]);
          a.detail_json = Text(r[8]);
          a.create_time = TimeOf(r[9]);
          out.push_back(std::move(a));
        }
        return out;
      });
}

absl::StatusOr<int64_t> AlertStore::Ack(const std::string& subscriber,
                                        int64_t cursor, absl::Time now) {
  return db_.Transact<int64_t>([&](Tx& tx) -> absl::StatusOr<int64_t> {
    return Int(tx.Run(kAck, subscriber, cursor, now)[0][0]);
  });
}

absl::StatusOr<std::vector<std::string>> AlertStore::SubtreeCodes(
    const std::string& root) {
  return db_.Transact<std::vector<std::string>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<std::string>> {
        std::vector<std::string> out;
        for (const pqxx::row& r : tx.Run(kSubtree, root)) {
          out.push_back(Text(r[0]));
        }
        if (out.empty()) {
          return absl::NotFoundError(absl::StrCat("no unit \"", root, "\""));
        }
        return out;
      });
}

absl::StatusOr<std::vector<Change>> AlertStore::ListChanges(int64_t after_seq,
                                                            int limit) {
  return db_.Transact<std::vector<Change>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<Change>> {
        std::vector<Change> out;
        for (const pqxx::row& r : tx.Run(kChanges, after_seq, limit)) {
          out.push_back({Int(r[0]), Int(r[1]), Text(r[2]), ListOf(r[3])});
        }
        return out;
      });
}

absl::StatusOr<int64_t> AlertStore::LastChangeSeq() {
  return db_.Transact<int64_t>([&](Tx& tx) -> absl::StatusOr<int64_t> {
    return Int(tx.Run(kLastChange)[0][0]);
  });
}

absl::StatusOr<int64_t> AlertStore::AckedCursor(const std::string& subscriber) {
  return db_.Transact<int64_t>([&](Tx& tx) -> absl::StatusOr<int64_t> {
    const pqxx::result r = tx.Run(kAcked, subscriber);
    return r.empty() ? 0 : Int(r[0][0]);
  });
}

}  // namespace pqtrack::store
