#include "services/store/report_store.h"

#include <algorithm>
#include <map>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/store/item_rows.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kUnits{"rp_units",
                           "SELECT u.code, u.name_vi, p.code FROM units u"
                           " LEFT JOIN units p ON p.id = u.parent_id"
                           " WHERE u.kind <> 'EXTERNAL_AGENCY'"};

// The items as of the day, one row each (kState fills it).
constexpr char kStateTable[] =
    "CREATE TEMP TABLE pq_asof (id bigint, kind text, received_on date,"
    " batch_id bigint, requires_response boolean,"
    " status text, due_on date, lead_code text, answered_on date,"
    " outcome text, outcome_detail text, roadmap text,"
    " expected_completion date, extensions int, transfers int,"
    " out_to text, out_reason text) ON COMMIT DROP";
// Every item received by the as-of day, as it stood then: its state
// interval (item_states, migration 0014) holding the end of that day --
// what its last event recorded by then said, or for an item recorded later
// with an earlier received date what its first said -- with the extensions
// and transfers recorded by then; its first answer and its latest answer
// sent by that day. $1 as-of day, $2 end of that day, $3 lead units (NULL:
// every item).
constexpr Statement kState{"rp_state", R"sql(
    INSERT INTO pq_asof
    SELECT s.item_id, s.kind, s.received_on, s.batch_id,
           s.requires_response, s.status, s.due_on,
           s.lead_code, a.first_sent, a.outcome, a.outcome_detail, a.roadmap,
           a.expected_completion, s.extensions, s.transfers, s.out_to,
           s.out_reason
      FROM item_states s
      LEFT JOIN (
        SELECT DISTINCT ON (x.item_id) x.item_id, x.outcome, x.outcome_detail,
               x.roadmap, x.expected_completion,
               min(x.sent_on) OVER (PARTITION BY x.item_id) AS first_sent
          FROM answers x WHERE x.sent_on <= $1
         ORDER BY x.item_id, x.sent_on DESC, x.id DESC) a ON a.item_id = s.item_id
     WHERE s.valid_from <= $2 AND (s.valid_to IS NULL OR s.valid_to > $2)
       AND s.received_on <= $1
       AND ($3::text[] IS NULL OR s.lead_code = ANY($3::text[])))sql"};

// Every item received by the as-of day, in its state interval holding the
// end of that day (item_states), with its first answer sent by then
// (a.first_sent). $3 as-of day, $4 end of that day, $5 lead units (NULL:
// every item).
#define PQTRACK_AS_OF_ROWS                                                    \
  " FROM item_states s"                                                       \
  " LEFT JOIN (SELECT x.item_id, min(x.sent_on) AS first_sent FROM answers x" \
  "   WHERE x.sent_on <= $3 GROUP BY x.item_id) a ON a.item_id = s.item_id"   \
  " WHERE s.valid_from <= $4 AND (s.valid_to IS NULL OR s.valid_to > $4)"     \
  "   AND s.received_on <= $3"                                                \
  "   AND ($5::text[] IS NULL OR s.lead_code = ANY($5::text[]))"

// The period report's rows: every item as of the day, grouped by what its
// figures depend on; core::SumPeriod makes the figures. The due date is
// kept only where no answer was sent (open or overdue items), which keeps
// the groups few. $1 from, $2 to, then as PQTRACK_AS_OF_ROWS.
constexpr Statement kPeriodRows{
    "rp_period_rows",
    "SELECT s.kind, s.received_on BETWEEN $1 AND $2, s.requires_response,"
    " s.status, s.lead_code, a.first_sent IS NOT NULL,"
    " a.first_sent IS NOT NULL AND (s.due_on IS NULL OR a.first_sent <="
    " s.due_on), CASE WHEN a.first_sent IS NULL THEN s.due_on END,"
    " CASE WHEN s.kind = 'PETITION' THEN s.batch_id END, "
    "count(*)" PQTRACK_AS_OF_ROWS " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9"};

// The timeliness report's rows: the items of the period that needed a
// reply (answered by the day, or open then: core::IsOpenAsOf), grouped by
// what its figures depend on; core::SumTimeliness makes the figures. $1
// from, $2 to, then as PQTRACK_AS_OF_ROWS.
constexpr Statement kTimelinessRows{
    "rp_timeliness_rows",
    "SELECT s.lead_code, s.kind, a.first_sent - s.received_on,"
    " a.first_sent IS NOT NULL AND (s.due_on IS NULL OR a.first_sent <="
    " s.due_on),"
    " CASE WHEN a.first_sent IS NULL AND s.due_on < $3 THEN $3 - s.due_on END,"
    " s.extensions, s.transfers, count(*)" PQTRACK_AS_OF_ROWS
    " AND s.received_on BETWEEN $1 AND $2 AND s.requires_response"
    " AND (a.first_sent IS NOT NULL OR s.status "
    "IN " PQTRACK_SQL_OPEN_AS_OF_STATUSES
    ")"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7"};

// Regular sessions opened by the day, or with a batch received by then (a
// "before session" batch arrives before its session opens). $1 as-of day.
constexpr Statement kSessions{
    "rp_sessions",
    "SELECT s.id, t.code, s.number, s.opens_on FROM sessions s"
    " JOIN terms t ON t.id = s.term_id"
    " WHERE s.kind = 'REGULAR' AND (s.opens_on <= $1 OR EXISTS"
    "   (SELECT 1 FROM batches b WHERE b.session_id = s.id"
    "     AND b.received_on <= $1))"
    " ORDER BY s.opens_on, s.id"};
constexpr Statement kBatches{
    "rp_batches",
    "SELECT id, session_id, phase, received_on FROM batches"
    " WHERE received_on <= $1 ORDER BY received_on, id"};

constexpr Statement kFindSession{
    "rp_find_session",
    "SELECT s.id, t.code, s.number, s.opens_on FROM sessions s"
    " JOIN terms t ON t.id = s.term_id WHERE s.id = $1"};
constexpr Statement kFindBatch{"rp_find_batch",
                               "SELECT session_id FROM batches WHERE id = $1"};
constexpr Statement kNextSession{
    "rp_next_session",
    "SELECT opens_on FROM sessions WHERE kind = 'REGULAR' AND opens_on > $1"
    " ORDER BY opens_on LIMIT 1"};
// Petitions as of the day, with their session: the rows of session $1
// and the IN_RESOLUTION ones of regular sessions opened before $2 (its
// opening day). Title and field as the latest event recorded by $3 (the
// end of the as-of day) had them, so a later correction does not show
// before it was made; for an item recorded after that, its first event.
constexpr Statement kSessionPetitions{
    "rp_session_petitions",
    "SELECT a.id, e.after->>'title', coalesce(e.after->>'field', ''),"
    " coalesce(a.lead_code, ''),"
    " a.status, a.answered_on IS NOT NULL, coalesce(a.outcome, ''),"
    " coalesce(a.outcome_detail, ''), coalesce(a.roadmap, ''),"
    " a.expected_completion, s.number, coalesce(a.out_to, ''),"
    " coalesce(a.out_reason, ''), s.id, a.batch_id"
    " FROM pq_asof a JOIN batches b ON b.id = a.batch_id"
    " JOIN sessions s ON s.id = b.session_id"
    " CROSS JOIN LATERAL (SELECT coalesce("
    "   (SELECT x.after FROM events x WHERE x.item_id = a.id AND x.at <= $3"
    "     ORDER BY x.id DESC LIMIT 1),"
    "   (SELECT x.after FROM events x WHERE x.item_id = a.id"
    "     ORDER BY x.id LIMIT 1)) AS after) e"
    " WHERE a.kind = 'PETITION' AND a.status <> 'DUPLICATE'"
    " AND (s.id = $1 OR (s.kind = 'REGULAR' AND s.opens_on < $2"
    "      AND a.outcome = 'IN_RESOLUTION'))"
    " ORDER BY s.opens_on, a.id"};

// The unit tree of a report: names, parents, the subtree asked for, and the
// unit each code counts under.
struct Tree {
  std::map<std::string, std::pair<std::string, std::string>> units;
  std::string root;
  // nullopt: every item (the whole ministry).
  std::optional<std::vector<std::string>> scope;

  std::string name(const std::string& code) const {
    auto it = units.find(code);
    return it == units.end() ? "" : it->second.first;
  }
  // The child of `root` (or of the ministry's top unit) on the way up from
  // `code`; the unit itself at the top; "" outside the tree.
  std::string ChildOf(const std::string& code) const {
    std::vector<std::string> path;
    for (std::string c = code; !c.empty() && path.size() < 64;) {
      auto it = units.find(c);
      if (it == units.end()) break;
      path.push_back(c);
      c = it->second.second;
    }
    if (path.empty()) return "";
    size_t top = path.size() - 1;
    if (!root.empty()) {
      top = std::find(path.begin(), path.end(), root) - path.begin();
      if (top == path.size()) return "";
    }
    return top == 0 ? path[0] : path[top - 1];
  }
};

absl::StatusOr<Tree> LoadTree(Tx& tx, const std::string& root) {
  Tree t;
  t.root = root;
  for (const pqxx::row& r : tx.Run(kUnits)) {
    t.units[Text(r[0])] = {Text(r[1]), Text(r[2])};
  }
  if (root.empty()) return t;
  if (t.units.count(root) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("unit_code: no unit \"", root, "\""));
  }
  t.scope.emplace();
  for (const auto& [code, unit] : t.units) {
    std::string c = code;
    for (int depth = 0; depth < 64 && !c.empty(); ++depth) {
      if (c == root) {
        t.scope->push_back(code);
        break;
      }
      auto it = t.units.find(c);
      c = it == t.units.end() ? "" : it->second.second;
    }
  }
  return t;
}

void BuildState(Tx& tx, absl::CivilDay as_of, absl::Time end,
                const std::optional<std::vector<std::string>>& scope) {
  tx.ExecScript(kStateTable);
  tx.Run(kState, as_of, end, scope);
}

}  // namespace

absl::StatusOr<PeriodFigures> ReportStore::Period(const PeriodQuery& q) {
  return db_.Transact<PeriodFigures>(
      [&](Tx& tx) -> absl::StatusOr<PeriodFigures> {
        PeriodFigures out;
        PQ_ASSIGN_OR_RETURN(const Tree tree, LoadTree(tx, q.unit_code));
        out.unit_name = tree.name(q.unit_code);
        const auto child_of = [&](const std::string& code) {
          return tree.ChildOf(code);
        };
        std::vector<core::PeriodRow> rows;
        for (const pqxx::row& r : tx.Run(kPeriodRows, q.from, q.to, q.as_of,
                                         q.as_of_end, tree.scope)) {
          core::PeriodRow row;
          row.kind = core::ParseEnum<core::ItemKind>(Text(r[0]))
                         .value_or(core::ItemKind::kUnspecified);
          row.in_period = Bool(r[1]);
          row.requires_response = Bool(r[2]);
          row.status = core::ParseEnum<core::ItemStatus>(Text(r[3]))
                           .value_or(core::ItemStatus::kUnspecified);
          row.unit_code = r[4].is_null() ? "" : child_of(Text(r[4]));
          row.answered = Bool(r[5]);
          row.on_time = Bool(r[6]);
          row.due_on = DayOf(r[7]);
          row.batch_id = Int(r[8]);
          row.count = static_cast<int>(Int(r[9]));
          rows.push_back(std::move(row));
        }
        out.totals = core::SumPeriod(rows, q.as_of);
        for (const auto& [code, u] : out.totals.units) {
          out.unit_names[code] = tree.name(code);
        }
        std::map<int64_t, std::pair<int, int>>& per_batch =
            out.totals.per_batch;
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

absl::StatusOr<TimelinessFigures> ReportStore::Timeliness(
    const PeriodQuery& q) {
  return db_.Transact<TimelinessFigures>(
      [&](Tx& tx) -> absl::StatusOr<TimelinessFigures> {
        PQ_ASSIGN_OR_RETURN(const Tree tree, LoadTree(tx, q.unit_code));
        std::vector<core::TimelinessRow> rows;
        for (const pqxx::row& r : tx.Run(kTimelinessRows, q.from, q.to, q.as_of,
                                         q.as_of_end, tree.scope)) {
          core::TimelinessRow row;
          row.unit_code = r[0].is_null() ? "" : tree.ChildOf(Text(r[0]));
          row.kind = core::ParseEnum<core::ItemKind>(Text(r[1]))
                         .value_or(core::ItemKind::kUnspecified);
          if (!r[2].is_null()) row.days_to_answer = static_cast<int>(Int(r[2]));
          row.on_time = Bool(r[3]);
          if (!r[4].is_null()) row.days_overdue = static_cast<int>(Int(r[4]));
          row.extensions = static_cast<int>(Int(r[5]));
          row.transfers = static_cast<int>(Int(r[6]));
          row.count = static_cast<int>(Int(r[7]));
          rows.push_back(std::move(row));
        }
        const core::TimelinessTotals t = core::SumTimeliness(rows);
        TimelinessFigures out;
        for (const auto& [key, counts] : t.rows) {
          out.rows.push_back({key.first, tree.name(key.first),
                              core::Name(key.second), counts});
        }
        // By unit, then kind as spelled (the order the report always had).
        std::sort(out.rows.begin(), out.rows.end(),
                  [](const TimelinessFigures::Row& a,
                     const TimelinessFigures::Row& b) {
                    return std::tie(a.unit_code, a.kind) <
                           std::tie(b.unit_code, b.kind);
                  });
        out.total = {q.unit_code, tree.name(q.unit_code), "", t.total};
        return out;
      });
}

absl::StatusOr<SessionFigures> ReportStore::Session(const SessionQuery& q) {
  return db_.Transact<SessionFigures>(
      [&](Tx& tx) -> absl::StatusOr<SessionFigures> {
        SessionFigures out;
        int64_t session_id = q.session_id;
        if (q.batch_id != 0) {
          const pqxx::result b = tx.Run(kFindBatch, q.batch_id);
          if (b.empty()) {
            return absl::NotFoundError(
                absl::StrCat("batch_id: no batch ", q.batch_id));
          }
          session_id = Int(b[0][0]);
        }
        const pqxx::result s = tx.Run(kFindSession, session_id);
        if (s.empty()) {
          return absl::NotFoundError(
              absl::StrCat("session_id: no session ", session_id));
        }
        out.session_id = session_id;
        out.term_code = Text(s[0][1]);
        out.number = static_cast<int>(Int(s[0][2]));
        const absl::CivilDay opens = *DayOf(s[0][3]);
        if (const pqxx::result n = tx.Run(kNextSession, opens); !n.empty()) {
          out.next_session_opens = DayOf(n[0][0]);
        }
        PQ_ASSIGN_OR_RETURN(const Tree tree, LoadTree(tx, q.unit_code));
        BuildState(tx, q.as_of, q.as_of_end, tree.scope);
        for (const pqxx::row& r :
             tx.Run(kSessionPetitions, session_id, opens, q.as_of_end)) {
          core::SessionPetition p;
          p.id = Int(r[0]);
          p.title = Text(r[1]);
          p.field = Text(r[2]);
          p.unit_code = tree.ChildOf(Text(r[3]));
          p.unit_name = tree.name(p.unit_code);
          p.status = core::ParseEnum<core::ItemStatus>(Text(r[4]))
                         .value_or(core::ItemStatus::kUnspecified);
          p.answered = Bool(r[5]);
          p.outcome = core::ParseEnum<core::Outcome>(Text(r[6]))
                          .value_or(core::Outcome::kUnspecified);
          p.detail = core::ParseEnum<core::OutcomeDetail>(Text(r[7]))
                         .value_or(core::OutcomeDetail::kUnspecified);
          p.roadmap = Text(r[8]);
          p.expected_completion = DayOf(r[9]);
          p.session_number = static_cast<int>(Int(r[10]));
          p.out_to = Text(r[11]);
          p.out_reason = Text(r[12]);
          if (Int(r[13]) != session_id) {
            out.carried_over.push_back(std::move(p));
          } else if (q.batch_id == 0 || Int(r[14]) == q.batch_id) {
            out.petitions.push_back(std::move(p));
          }
        }
        return out;
      });
}

}  // namespace pqtrack::store
