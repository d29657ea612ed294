#include "services/store/report_store.h"

#include <algorithm>
#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kUnits{"rp_units",
                           "SELECT u.code, u.name_vi, p.code FROM units u"
                           " LEFT JOIN units p ON p.id = u.parent_id"
                           " WHERE u.kind <> 'EXTERNAL_AGENCY'"};

// Every item received by the as-of day, as it stood then: the snapshot of
// its last event recorded by the end of that day, else of its first event
// (an item recorded later with an earlier received date), and its first
// answer sent by that day. $1 as-of day, $2 end of that day, $3 lead units
// (NULL: every item).
constexpr char kStateTable[] =
    "CREATE TEMP TABLE pq_asof (id bigint, kind text, received_on date,"
    " batch_id bigint, requires_response boolean, status text, due_on date,"
    " lead_code text, answered_on date) ON COMMIT DROP";
constexpr Statement kState{"rp_state", R"sql(
    INSERT INTO pq_asof
    SELECT i.id, i.kind, i.received_on, i.batch_id,
           coalesce(i.requires_response, true) AS requires_response,
           snap->>'status' AS status,
           (snap->>'due_on')::date AS due_on,
           snap->>'lead_unit_code' AS lead_code,
           (SELECT min(a.sent_on) FROM answers a
             WHERE a.item_id = i.id AND a.sent_on <= $1) AS answered_on
      FROM items i
      CROSS JOIN LATERAL (
        SELECT coalesce(
          (SELECT e.after FROM events e
            WHERE e.item_id = i.id AND e.at <= $2
            ORDER BY e.id DESC LIMIT 1),
          (SELECT e.after FROM events e
            WHERE e.item_id = i.id ORDER BY e.id LIMIT 1)) AS snap) s
     WHERE i.received_on <= $1
       AND ($3::text[] IS NULL OR snap->>'lead_unit_code' = ANY($3::text[])))sql"};

// Owes (or owed) a reply as of the day: answered, or not closed otherwise.
#define PQTRACK_OWES                           \
  " (answered_on IS NOT NULL OR status NOT IN" \
  " ('NO_RESPONSE_REQUIRED', 'TRANSFERRED_OUT', 'WITHDRAWN', 'DUPLICATE'))"
#define PQTRACK_IN_PERIOD " received_on BETWEEN $1 AND $2"
#define PQTRACK_DOC_NEEDS                    \
  " kind = 'DOCUMENT' AND" PQTRACK_IN_PERIOD \
  " AND requires_response AND" PQTRACK_OWES

// $1 from, $2 to, $3 as-of day.
constexpr Statement kTotals{
    "rp_totals",
    "SELECT"
    " count(*) FILTER (WHERE kind = 'DOCUMENT' AND" PQTRACK_IN_PERIOD
    "),"
    " count(*) FILTER (WHERE" PQTRACK_DOC_NEEDS
    "),"
    " count(*) FILTER (WHERE" PQTRACK_DOC_NEEDS
    " AND answered_on IS NOT NULL),"
    " count(*) FILTER (WHERE" PQTRACK_DOC_NEEDS
    " AND answered_on IS NOT NULL AND (due_on IS NULL OR answered_on <= "
    "due_on)),"
    " count(*) FILTER (WHERE" PQTRACK_DOC_NEEDS
    " AND answered_on IS NULL AND (due_on IS NULL OR due_on >= $3)),"
    " count(*) FILTER (WHERE" PQTRACK_DOC_NEEDS
    " AND answered_on IS NULL AND due_on < $3),"
    " count(*) FILTER (WHERE kind = 'TASK' AND" PQTRACK_IN_PERIOD
    " AND" PQTRACK_OWES
    "),"
    " count(*) FILTER (WHERE kind = 'TASK' AND" PQTRACK_IN_PERIOD
    " AND answered_on IS NOT NULL),"
    " count(*) FILTER (WHERE kind = 'QUESTION' AND" PQTRACK_IN_PERIOD
    " AND status <> 'DUPLICATE'),"
    " count(*) FILTER (WHERE kind = 'QUESTION' AND" PQTRACK_IN_PERIOD
    " AND answered_on IS NOT NULL)"
    " FROM pq_asof"};

// Documents and tasks of the period that needed a reply, by lead unit.
constexpr Statement kByLead{
    "rp_by_lead",
    "SELECT lead_code, count(*),"
    " count(*) FILTER (WHERE answered_on IS NOT NULL),"
    " count(*) FILTER (WHERE answered_on IS NOT NULL"
    "   AND (due_on IS NULL OR answered_on <= due_on)),"
    " count(*) FILTER (WHERE answered_on IS NULL AND due_on < $3)"
    " FROM pq_asof"
    " WHERE kind IN ('DOCUMENT', 'TASK') AND" PQTRACK_IN_PERIOD
    " AND requires_response AND" PQTRACK_OWES
    " AND lead_code IS NOT NULL"
    " GROUP BY lead_code"};

// Open items by the Monday of their due week, from four weeks before the
// as-of day's week to eleven after. $1 as-of day.
constexpr Statement kDueWeeks{
    "rp_due_weeks",
    "SELECT date_trunc('week', due_on)::date AS week, count(*) FROM pq_asof"
    " WHERE answered_on IS NULL AND due_on IS NOT NULL AND status IN"
    " ('RECEIVED', 'ASSIGNED', 'IN_PROGRESS', 'PENDING_APPROVAL')"
    " AND due_on >= date_trunc('week', $1::date)::date - 28"
    " AND due_on < date_trunc('week', $1::date)::date + 84"
    " GROUP BY 1 ORDER BY 1"};

constexpr Statement kPetitions{
    "rp_petitions",
    "SELECT batch_id, count(*), count(*) FILTER (WHERE answered_on IS NOT NULL)"
    " FROM pq_asof WHERE kind = 'PETITION' AND status <> 'DUPLICATE'"
    " GROUP BY batch_id"};

constexpr Statement kSessions{
    "rp_sessions",
    "SELECT s.id, t.code, s.number, s.opens_on FROM sessions s"
    " JOIN terms t ON t.id = s.term_id"
    " WHERE s.kind = 'REGULAR' AND s.opens_on <= $1"
    " ORDER BY s.opens_on, s.id"};
constexpr Statement kBatches{
    "rp_batches",
    "SELECT id, session_id, phase, received_on FROM batches"
    " WHERE received_on <= $1 ORDER BY received_on, id"};

}  // namespace

absl::StatusOr<PeriodFigures> ReportStore::Period(const PeriodQuery& q) {
  return db_.Transact<PeriodFigures>(
      [&](Tx& tx) -> absl::StatusOr<PeriodFigures> {
        PeriodFigures out;
        // The unit tree: names, parents, and the subtree asked for.
        std::map<std::string, std::pair<std::string, std::string>> units;
        for (const pqxx::row& r : tx.Run(kUnits)) {
          units[Text(r[0])] = {Text(r[1]), Text(r[2])};
        }
        std::string root = q.unit_code;
        if (!root.empty() && units.count(root) == 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("unit_code: no unit \"", root, "\""));
        }
        // The unit each code counts under: the child of `root` (or of the
        // ministry's top unit) on its way up; the unit itself at the top.
        const auto child_of = [&](const std::string& code) -> std::string {
          std::vector<std::string> path;
          for (std::string c = code;
               !c.empty() && units.count(c) && path.size() < 64;
               c = units[c].second) {
            path.push_back(c);
          }
          if (path.empty()) return "";
          size_t top = path.size() - 1;
          if (!root.empty()) {
            top = std::find(path.begin(), path.end(), root) - path.begin();
            if (top == path.size()) return "";
          }
          return top == 0 ? path[0] : path[top - 1];
        };
        std::optional<std::vector<std::string>> scope;
        if (!root.empty()) {
          out.unit_name = units[root].first;
          scope.emplace();
          for (const auto& [code, unit] : units) {
            std::string c = code;
            bool inside = false;
            for (int depth = 0; depth < 64 && !c.empty(); ++depth) {
              if (c == root) {
                inside = true;
                break;
              }
              c = units.count(c) ? units[c].second : "";
            }
            if (inside) scope->push_back(code);
          }
        }
        tx.ExecScript(kStateTable);
        tx.Run(kState, q.as_of, q.as_of_end, scope);

        const pqxx::row t = tx.Run(kTotals, q.from, q.to, q.as_of)[0];
        out.docs_received = static_cast<int>(Int(t[0]));
        out.docs_needing = static_cast<int>(Int(t[1]));
        out.docs_answered = static_cast<int>(Int(t[2]));
        out.docs_on_time = static_cast<int>(Int(t[3]));
        out.docs_not_yet_due = static_cast<int>(Int(t[4]));
        out.docs_overdue = static_cast<int>(Int(t[5]));
        out.tasks_assigned = static_cast<int>(Int(t[6]));
        out.tasks_completed = static_cast<int>(Int(t[7]));
        out.questions_received = static_cast<int>(Int(t[8]));
        out.questions_answered = static_cast<int>(Int(t[9]));

        std::map<std::string, PeriodFigures::Unit> by_child;
        for (const pqxx::row& r : tx.Run(kByLead, q.from, q.to, q.as_of)) {
          const std::string child = child_of(Text(r[0]));
          if (child.empty()) continue;
          PeriodFigures::Unit& u = by_child[child];
          u.code = child;
          u.name = units[child].first;
          u.needing += static_cast<int>(Int(r[1]));
          u.answered += static_cast<int>(Int(r[2]));
          u.on_time += static_cast<int>(Int(r[3]));
          u.overdue += static_cast<int>(Int(r[4]));
        }
        for (auto& [code, u] : by_child) out.units.push_back(std::move(u));

        for (const pqxx::row& r : tx.Run(kDueWeeks, q.as_of)) {
          out.due_weeks.push_back({*DayOf(r[0]), static_cast<int>(Int(r[1]))});
        }

        std::map<int64_t, std::pair<int, int>> per_batch;
        for (const pqxx::row& r : tx.Run(kPetitions)) {
          per_batch[Int(r[0])] = {static_cast<int>(Int(r[1])),
                                  static_cast<int>(Int(r[2]))};
        }
        std::vector<PeriodFigures::Session> sessions;
        std::map<int64_t, size_t> index;
        for (const pqxx::row& r : tx.Run(kSessions, q.as_of)) {
          index[Int(r[0])] = sessions.size();
          sessions.push_back({Int(r[0]),
                              Text(r[1]),
                              static_cast<int>(Int(r[2])),
                              *DayOf(r[3]),
                              {}});
        }
        for (const pqxx::row& r : tx.Run(kBatches, q.as_of)) {
          auto s = index.find(Int(r[1]));
          if (s == index.end()) continue;
          PeriodFigures::Batch b;
          b.id = Int(r[0]);
          b.phase = Text(r[2]);
          b.received_on = *DayOf(r[3]);
          b.petitions = per_batch[b.id].first;
          b.answered = per_batch[b.id].second;
          sessions[s->second].batches.push_back(b);
        }
        // The latest session with a batch, and the later ones opened.
        size_t latest = sessions.size();
        for (size_t i = 0; i < sessions.size(); ++i) {
          if (!sessions[i].batches.empty()) latest = i;
        }
        for (size_t i = latest; i < sessions.size(); ++i) {
          out.sessions.push_back(std::move(sessions[i]));
        }
        return out;
      });
}

}  // namespace pqtrack::store
