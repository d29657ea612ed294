#include "services/store/item_store.h"

#include <pqxx/pqxx>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/dates.h"
#include "services/common/json.h"
#include "services/common/status_macros.h"
#include "services/core/deadline.h"
#include "services/core/fold.h"
#include "services/core/item_rules.h"
#include "services/core/routing.h"
#include "services/core/workflow.h"
#include "services/store/alert_store.h"
#include "services/store/deadline_store.h"
#include "services/store/item_rows.h"
#include "services/store/routing_store.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kLockRequest{
    "item_lock_request",
    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"};
constexpr Statement kFindRequest{
    "item_find_request",
    "SELECT id, request_hash FROM items WHERE request_id = $1"};
constexpr Statement kFindSession{"item_find_session",
                                 "SELECT id FROM sessions WHERE id = $1"};
constexpr Statement kFindBatch{
    "item_find_batch",
    "SELECT session_id, forwarding_body FROM batches WHERE id = $1"};
constexpr Statement kFindRef{
    "item_find_ref",
    "SELECT id FROM items WHERE sender_key = lower(btrim($1)) "
    "AND external_ref = $2"};

constexpr Statement kInsertItem{"item_insert",
                                R"sql(INSERT INTO items (
            kind, external_ref, sender_key, title, body, received_on,
            session_id, batch_id, due_on, status, lead_unit_id, request_id,
            request_hash, created_by, created_at, updated_at,
            delegations, field,
            deputy_name, delegation, addressee, question_form, asked_on,
            sender, document_number, document_date, requires_response,
            assigned_by, source_document, source_date, routed_by_rule,
            due_source, due_rule_id, due_explanation, due_calendar_incomplete)
          VALUES ($1, $2, lower(btrim($3)), $4, $5, $6, $7, $8, $9, $10, $11,
                  $12, $13, $14, $15, $15, $16::text[], $17, $18, $19, $20,
                  $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32,
                  $33, $34)
          RETURNING id)sql"};

// What a correction reads of the item it locks.
constexpr Statement kLockForCorrection{
    "item_lock_for_correction",
    "SELECT i.version, i.status, coalesce(i.due_source, ''),"
    " coalesce(b.forwarding_body, '') FROM items i"
    " LEFT JOIN batches b ON b.id = i.batch_id WHERE i.id = $1"
    " FOR UPDATE OF i"};
// The corrected fields ($2.. in AddDetailParams order from $7).
constexpr Statement kCorrect{"item_correct", R"sql(
    UPDATE items SET title = $2, body = $3, received_on = $4,
           external_ref = $5, sender_key = lower(btrim($6)),
           delegations = $7::text[], field = $8, deputy_name = $9,
           delegation = $10, addressee = $11, question_form = $12,
           asked_on = $13, sender = $14, document_number = $15,
           document_date = $16, requires_response = $17, assigned_by = $18,
           source_document = $19, source_date = $20,
           version = version + 1, updated_at = $21
     WHERE id = $1)sql"};
// A due date a correction moved: a new deadline version.
constexpr Statement kCorrectDue{
    "item_correct_due",
    "UPDATE items SET due_on = $2, due_source = $3, due_rule_id = $4,"
    " due_explanation = $5, due_calendar_incomplete = $6,"
    " deadline_version = deadline_version + 1 WHERE id = $1"};

constexpr Statement kDefaultCoordinatorDue{
    "item_default_coordinator_due",
    "UPDATE item_units SET due_on = $2 WHERE item_id = $1 AND due_on IS NULL"};

// Coordinating units due on $2 (the old default date; NULL: none) are due
// on $3 (the new one).
constexpr Statement kMoveDefaultCoordinatorDue{
    "item_move_default_coordinator_due",
    "UPDATE item_units SET due_on = $3::date"
    " WHERE item_id = $1 AND due_on IS NOT DISTINCT FROM $2::date"};

constexpr Statement kInsertCoordinating{
    "item_insert_coordinating",
    R"sql(INSERT INTO item_units (item_id, unit_id)
          SELECT $1, id FROM units WHERE code = ANY($2::text[]))sql"};

constexpr Statement kGetItem{
    "item_get", PQTRACK_SCOPE_CTE
    "SELECT " PQTRACK_ITEM_COLUMNS PQTRACK_ITEM_EXTRA_COLUMNS PQTRACK_ITEM_FROM
        PQTRACK_ITEM_EXTRA_FROM "WHERE i.id = $3 AND " PQTRACK_VISIBLE};

// Filters shared by ListItems and SearchItems: $3 kind, $4 session,
// $5 batch, $6 statuses, $7..$8 received between, $9 due before.
#define PQTRACK_ITEM_FILTERS                                                 \
  " AND ($3::text IS NULL OR i.kind = $3)"                                   \
  " AND ($4::bigint IS NULL OR i.session_id = $4)"                           \
  " AND ($5::bigint IS NULL OR i.batch_id = $5)"                             \
  " AND ($2::text IS NULL OR i.lead_unit_id IN (SELECT id FROM lead_scope))" \
  " AND ($6::text[] IS NULL OR i.status = ANY($6::text[]))"                  \
  " AND ($7::date IS NULL OR i.received_on >= $7)"                           \
  " AND ($8::date IS NULL OR i.received_on <= $8)"                           \
  " AND ($9::date IS NULL OR i.due_on < $9)"

constexpr Statement kListItems{"item_list", PQTRACK_SCOPE_CTE
                               "SELECT " PQTRACK_ITEM_COLUMNS PQTRACK_ITEM_FROM
                               "WHERE " PQTRACK_VISIBLE PQTRACK_ITEM_FILTERS
                               " AND ($10::bigint IS NULL OR i.id < $10)"
                               " ORDER BY i.id DESC LIMIT $11"};

// Search: $12 the query; a hit's key ranks exact reference matches (the
// folded, trimmed query equals one of pq_refs) above every text match, then
// by text rank (to 1e-9); pages follow by keyset after ($10 key, $13 id).
#define PQTRACK_SEARCH_KEY                                          \
  "(CASE WHEN pq_refs(i.external_ref, i.document_number,"           \
  " i.source_document) @> ARRAY[q.ref] THEN 10000000000 ELSE 0 END" \
  " + (least(ts_rank(i.search_doc, q.query), 9.99) * 1000000000)::bigint)"
constexpr Statement kSearchItems{
    "item_search", PQTRACK_SCOPE_CTE
    ", q AS (SELECT plainto_tsquery('simple', pq_fold($12)) AS query,"
    " pq_fold(btrim($12)) AS ref) "
    "SELECT " PQTRACK_ITEM_COLUMNS
    ", ts_rank(i.search_doc, q.query), k.key" PQTRACK_ITEM_FROM
    ", q, LATERAL (SELECT " PQTRACK_SEARCH_KEY
    " AS key) k"
    " WHERE " PQTRACK_VISIBLE PQTRACK_ITEM_FILTERS
    " AND (i.search_doc @@ q.query OR pq_refs(i.external_ref,"
    " i.document_number, i.source_document) @> ARRAY[q.ref])"
    " AND ($10::bigint IS NULL OR (k.key, i.id) < ($10, $13::bigint))"
    " ORDER BY k.key DESC, i.id DESC LIMIT $11"};

// Items awaiting an answer similar to a title: $3 the title folded,
// $4 excluded id, $5 min score, $6 limit, then $7 the kind in
// kSimilarOfKind. The folded titles are stored and indexed by kind
// (items_similar_open, GiST, migration 0019): the inner scan walks nearest
// first within the kind and stops after $6 rows, which are the $6 most
// similar; those below the min score are then dropped. A lookup of no kind
// has its own statement, so that the kind's equality is never behind an
// OR the index cannot use.
#define PQTRACK_SIMILAR(kind_condition)                          \
  PQTRACK_SCOPE_CTE                                              \
  "SELECT id, title, status, score FROM ("                       \
  " SELECT i.id, i.title, i.status,"                             \
  " similarity(i.title_folded, $3) AS score"                     \
  " FROM items i"                                                \
  " WHERE " PQTRACK_VISIBLE                                      \
  " AND i.id <> $4"                                              \
  " AND i.status IN " PQTRACK_SQL_AWAITING_ANSWER kind_condition \
  " ORDER BY i.title_folded <-> $3 LIMIT $6) nearest"            \
  " WHERE score >= $5 ORDER BY score DESC, id DESC"
constexpr Statement kSimilarOfKind{"item_similar_of_kind",
                                   PQTRACK_SIMILAR(" AND i.kind = $7")};
constexpr Statement kSimilarAnyKind{"item_similar_any_kind",
                                    PQTRACK_SIMILAR("")};

constexpr Statement kHistory{
    "item_history",
    R"sql(SELECT e.id, (extract(epoch FROM e.at) * 1000000)::bigint,
                 u.login, e.kind, e.before::text, e.after::text,
                 e.detail::text
            FROM events e LEFT JOIN users u ON u.id = e.actor_id
           WHERE e.item_id = $1 ORDER BY e.id)sql"};

// The inbox of the subtree of unit $1 on day $2 ($3 = core::DueSoonDays):
// the open items it leads, else the first OPEN coordination (by unit code)
// of one of its units on an open item led elsewhere — core::BuildInbox in
// SQL. Filters: $4 lead, $5 kinds, $6 statuses, $7 timeliness values, $8
// session, $9 batch (NULL: any). Page: after ($10 due is NULL, $11 due,
// $12 id) when $10 is not NULL, $13 rows. Timeliness is core::Timeliness's
// value (PQTRACK_SQL_TIMELINESS). The last column counts every
// entry matching the filters.
// The inbox page and its counts. `matching` is every entry under the
// kind, session and batch filters; `wanted` narrows it by role, status,
// timeliness and return. One row per entry of the page, each carrying the
// total and the counts; a single row with a NULL id when the page is empty.
constexpr Statement kInbox{"item_inbox", R"sql(
WITH RECURSIVE sub AS (
  SELECT id FROM units WHERE code = $1
  UNION ALL SELECT u.id FROM units u JOIN sub s ON u.parent_id = s.id),
open_items AS (
  SELECT i.id, i.lead_unit_id, i.due_on, i.status,
         i.returned_at IS NOT NULL AS returned
    FROM items i
   WHERE i.status IN )sql" PQTRACK_SQL_INBOX_STATUSES R"sql(
     AND ($5::text[] IS NULL OR i.kind = ANY($5::text[]))
     AND ($8::bigint IS NULL OR i.session_id = $8)
     AND ($9::bigint IS NULL OR i.batch_id = $9)),
entries AS (
  SELECT i.id, true AS lead, lu.code AS unit_code, i.due_on AS due, i.status,
         i.returned
    FROM open_items i JOIN units lu ON lu.id = i.lead_unit_id
   WHERE i.lead_unit_id IN (SELECT id FROM sub)
  UNION ALL
  (SELECT DISTINCT ON (i.id) i.id, false, cu.code,
          coalesce(iu.due_on, i.due_on), i.status, false
     FROM open_items i
     JOIN item_units iu ON iu.item_id = i.id
     JOIN units cu ON cu.id = iu.unit_id
    WHERE iu.unit_id IN (SELECT id FROM sub) AND iu.state = 'OPEN'
      AND (i.lead_unit_id IS NULL OR i.lead_unit_id NOT IN (SELECT id FROM sub))
    ORDER BY i.id, cu.code)),
matching AS (
  SELECT e.*, )sql" PQTRACK_SQL_TIMELINESS("e.due", "$2::date",
                                           "$3::integer") R"sql( AS timeliness
    FROM entries e),
wanted AS (
  SELECT * FROM matching
   WHERE ($4::boolean IS NULL OR lead = $4)
     AND ($6::text[] IS NULL OR status = ANY($6::text[]))
     AND ($7::integer[] IS NULL OR timeliness = ANY($7::integer[]))
     AND (NOT $14::boolean OR returned)),
counts AS (
  SELECT (SELECT count(*) FROM wanted) AS total, count(*) AS every,
         count(*) FILTER (WHERE lead) AS lead,
         count(*) FILTER (WHERE NOT lead) AS coordinating,
         count(*) FILTER (WHERE returned) AS returned,
         count(*) FILTER (WHERE status = 'PENDING_APPROVAL') AS approval,
         count(*) FILTER (WHERE timeliness = 5) AS overdue,
         count(*) FILTER (WHERE timeliness = 4) AS due_today,
         count(*) FILTER (WHERE timeliness = 3) AS due_soon
    FROM matching)
SELECT w.id, w.lead, w.unit_code, w.due, w.timeliness, c.total, c.every,
       c.lead, c.coordinating, c.returned, c.approval, c.overdue, c.due_today,
       c.due_soon
  FROM counts c LEFT JOIN LATERAL (
    SELECT * FROM wanted
     WHERE $10::boolean IS NULL
        OR (due IS NULL, coalesce(due, DATE '0001-01-01'), id)
           > ($10, coalesce($11::date, DATE '0001-01-01'), $12::bigint)
     ORDER BY due IS NULL, due, id
     LIMIT $13) w ON true
 ORDER BY w.due IS NULL, w.due, w.id)sql"};

constexpr Statement kGetMany{
    "item_get_many",
    "SELECT " PQTRACK_ITEM_COLUMNS PQTRACK_ITEM_EXTRA_COLUMNS PQTRACK_ITEM_FROM
        PQTRACK_ITEM_EXTRA_FROM "WHERE i.id = ANY($1::bigint[])"};

Params FilterParams(const std::optional<std::string>& scope_unit,
                    const core::ItemFilter& f) {
  std::optional<std::vector<std::string>> statuses;
  if (!f.statuses.empty()) {
    statuses.emplace();
    for (core::ItemStatus s : f.statuses) statuses->emplace_back(core::Name(s));
  }
  std::optional<std::string> kind;
  if (f.kind != core::ItemKind::kUnspecified) kind = core::Name(f.kind);
  Params p;
  p.Add(scope_unit);
  p.Add(NullIfEmpty(f.lead_unit_code));
  p.Add(kind);
  p.Add(NullIfZero(f.session_id));
  p.Add(NullIfZero(f.batch_id));
  p.Add(statuses);
  p.Add(f.received_from);
  p.Add(f.received_to);
  p.Add(f.due_before);
  return p;
}

absl::Status CheckLeadFilter(Tx& tx, const core::ItemFilter& f) {
  if (f.lead_unit_code.empty()) return absl::OkStatus();
  return ResolveUnit(tx, "lead_unit_code", f.lead_unit_code, std::nullopt, true)
      .status();
}

std::vector<core::SimilarItem> Similar(
    Tx& tx, const std::optional<std::string>& scope_unit,
    const std::string& title, core::ItemKind kind, int64_t exclude_id,
    int limit, double min_score) {
  Params p;
  p.Add(scope_unit);
  p.Add(Null{});
  p.Add(core::Fold(title));
  p.Add(exclude_id);
  p.Add(absl::StrCat(min_score));
  p.Add(limit);
  if (kind != core::ItemKind::kUnspecified)
    p.Add(std::string(core::Name(kind)));
  std::vector<core::SimilarItem> out;
  for (const pqxx::row& r :
       tx.Exec(kind == core::ItemKind::kUnspecified ? kSimilarAnyKind
                                                    : kSimilarOfKind,
               p)) {
    out.push_back({Int(r[0]), Text(r[1]),
                   core::ParseEnum<core::ItemStatus>(Text(r[2]))
                       .value_or(core::ItemStatus::kUnspecified),
                   r[3].as<double>()});
  }
  return out;
}

}  // namespace

absl::StatusOr<ItemStore::RecordResult> ItemStore::RecordItem(
    int64_t actor, const core::Item& in, const std::string& request_id,
    const std::string& request_hash, absl::Time now) {
  absl::StatusOr<RecordResult> recorded =
      db_.Transact<RecordResult>([&](Tx& tx) -> absl::StatusOr<RecordResult> {
        tx.Run(kLockRequest, request_id);
        if (const pqxx::result prior = tx.Run(kFindRequest, request_id);
            !prior.empty()) {
          if (Text(prior[0][1]) != request_hash) {
            return absl::AlreadyExistsError(absl::StrCat(
                "request_id: \"", request_id, "\" was already used for item ",
                Int(prior[0][0]), " with different content"));
          }
          PQ_ASSIGN_OR_RETURN(core::Item item, LoadItem(tx, Int(prior[0][0])));
          RecordResult replay;
          replay.item = std::move(item);
          replay.replayed = true;
          return replay;
        }

        core::Item item = in;
        std::string forwarding_body;
        if (auto* p = std::get_if<core::PetitionDetails>(&item.details)) {
          const pqxx::result b = tx.Run(kFindBatch, p->batch_id);
          if (b.empty()) {
            return absl::InvalidArgumentError(
                absl::StrCat("item.petition.batch_id: no batch ", p->batch_id));
          }
          const int64_t batch_session = Int(b[0][0]);
          if (item.session_id != 0 && item.session_id != batch_session) {
            return absl::InvalidArgumentError(absl::StrCat(
                "item.session_id: batch ", p->batch_id, " belongs to session ",
                batch_session, ", not ", item.session_id));
          }
          item.session_id = batch_session;
          forwarding_body = Text(b[0][1]);
        } else if (item.session_id != 0 &&
                   tx.Run(kFindSession, item.session_id).empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("item.session_id: no session ", item.session_id));
        }
        std::optional<int64_t> lead_id;
        if (!item.lead_unit_code.empty()) {
          PQ_ASSIGN_OR_RETURN(
              const UnitRef lead,
              ResolveUnit(tx, "item.lead_unit_code", item.lead_unit_code,
                          item.received_on, false));
          lead_id = lead.id;
        }
        for (const std::string& code : item.coordinating_unit_codes) {
          PQ_RETURN_IF_ERROR(ResolveUnit(tx, "item.coordinating_unit_codes",
                                         code, item.received_on, false)
                                 .status());
        }
        const std::string sender = core::SenderOf(item, forwarding_body);
        if (!item.external_ref.empty()) {
          if (const pqxx::result dup =
                  tx.Run(kFindRef, sender, item.external_ref);
              !dup.empty()) {
            return absl::AlreadyExistsError(absl::StrCat(
                "item.external_ref: item ", Int(dup[0][0]), " from \"", sender,
                "\" already has reference \"", item.external_ref, "\""));
          }
        }
        std::optional<core::RouteMatch> route;
        if (item.lead_unit_code.empty() &&
            core::InitialStatus(item) !=
                core::ItemStatus::kNoResponseRequired) {
          route = RouteByRules(tx, item);
        }
        const core::ItemStatus initial = core::InitialStatus(item);
        const core::Calendar calendar = LoadCalendar(tx);
        const core::ItemDue due =
            core::PlanDue(item, initial, LoadDeadlineRules(tx), calendar);
        item.due_on = due.due;
        if (!lead_id && !item.lead_unit_code.empty()) {
          // Routed: RouteItem checked the rule's units on the day received.
          PQ_ASSIGN_OR_RETURN(
              const UnitRef lead,
              ResolveUnit(tx, "item.lead_unit_code", item.lead_unit_code,
                          std::nullopt, false));
          lead_id = lead.id;
        }

        Params p;
        p.Add(std::string(core::Name(item.kind)));
        p.Add(item.external_ref);
        p.Add(sender);
        p.Add(item.title);
        p.Add(item.body);
        p.Add(item.received_on);
        p.Add(NullIfZero(item.session_id));
        const auto* pet = std::get_if<core::PetitionDetails>(&item.details);
        p.Add(pet ? std::optional<int64_t>(pet->batch_id) : std::nullopt);
        p.Add(item.due_on);
        p.Add(std::string(core::Name(initial)));
        p.Add(lead_id);
        p.Add(request_id);
        p.Add(request_hash);
        p.Add(actor);
        p.Add(now);
        AddDetailParams(p, item);
        p.Add(route ? std::optional<int64_t>(route->rule.id) : std::nullopt);
        p.Add(NullIfEmpty(due.source));
        p.Add(NullIfZero(due.rule_id));
        p.Add(absl::StrJoin(due.steps, "\n"));
        p.Add(due.calendar_incomplete);
        const int64_t id = Int(tx.Exec(kInsertItem, p)[0][0]);
        if (!item.coordinating_unit_codes.empty()) {
          tx.Run(kInsertCoordinating, id, item.coordinating_unit_codes);
          if (due.due) {
            tx.Run(kDefaultCoordinatorDue, id,
                   core::CoordinatorDue(*due.due, *item.received_on,
                                        CoordinationLeadDays(tx), calendar));
          }
        }
        std::string detail;
        if (route) {
          detail = JsonObject()
                       .Add("rule_id", route->rule.id)
                       .Add("rule_name", route->rule.name)
                       .Add("reasons", route->reasons)
                       .Build();
        }
        AppendEvent(tx, id, actor, now, "RECORDED", "", detail);
        PlanNew(tx, id, item.due_on, core::IsAwaitingAnswer(initial), calendar,
                now);
        if (!item.lead_unit_code.empty()) {
          RecordEventAlert(tx, id, core::AlertKind::kAssigned, now, detail);
        }
        RecordResult result;
        PQ_ASSIGN_OR_RETURN(result.item, LoadItem(tx, id));
        if (route) result.routing_reasons = route->reasons;
        return result;
      });
  if (!recorded.ok() || recorded->replayed) return recorded;
  // Suggestions are read after the commit, outside the write; the item is
  // recorded whether or not they can be read.
  auto similar = SuggestDuplicates(std::nullopt, in.title, in.kind,
                                   recorded->item.id, 5, 0.3);
  if (similar.ok()) recorded->similar = std::move(similar).value();
  return recorded;
}

absl::StatusOr<core::Item> ItemStore::CorrectItem(
    const Correction& c,
    const std::function<absl::StatusOr<core::Item>(const core::Item&)>& apply) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    const pqxx::result locked = tx.Run(kLockForCorrection, c.id);
    if (locked.empty())
      return absl::NotFoundError(absl::StrCat("no item ", c.id));
    if (const int64_t at = Int(locked[0][0]); at != c.version) {
      return absl::AbortedError(absl::StrCat(
          "item ", c.id, " is at version ", at, ", not ", c.version,
          ": someone changed it; reload it and try again"));
    }
    const core::ItemStatus status =
        core::ParseEnum<core::ItemStatus>(Text(locked[0][1]))
            .value_or(core::ItemStatus::kUnspecified);
    const std::string due_source = Text(locked[0][2]);
    const std::string before = Snapshot(tx, c.id);
    PQ_ASSIGN_OR_RETURN(const core::Item current, LoadItem(tx, c.id));
    PQ_ASSIGN_OR_RETURN(core::Item item, apply(current));

    if (item.received_on != current.received_on) {
      // The item's units must have existed on the corrected day, unless
      // they did not on the old one either (given later, after a
      // reorganisation).
      std::vector<std::string> codes = item.coordinating_unit_codes;
      if (!item.lead_unit_code.empty()) {
        codes.insert(codes.begin(), item.lead_unit_code);
      }
      for (const std::string& code : codes) {
        const auto on_new =
            ResolveUnit(tx, "item.received_on", code, item.received_on, true);
        if (!on_new.ok() &&
            ResolveUnit(tx, "item.received_on", code, current.received_on, true)
                .ok()) {
          return on_new.status();
        }
      }
    }
    const std::string sender = core::SenderOf(item, Text(locked[0][3]));
    if (!item.external_ref.empty()) {
      const pqxx::result dup = tx.Run(kFindRef, sender, item.external_ref);
      if (!dup.empty() && Int(dup[0][0]) != c.id) {
        return absl::AlreadyExistsError(absl::StrCat(
            "item.external_ref: item ", Int(dup[0][0]), " from \"", sender,
            "\" already has reference \"", item.external_ref, "\""));
      }
    }
    Params p(c.id, item.title, item.body);
    p.Add(item.received_on);
    p.Add(item.external_ref);
    p.Add(sender);
    AddDetailParams(p, item);
    p.Add(c.now);
    tx.Exec(kCorrect, p);

    const core::Calendar calendar = LoadCalendar(tx);
    const std::optional<core::ItemDue> due =
        core::CorrectedDue(item, status, due_source, c.due_corrected,
                           LoadDeadlineRules(tx), calendar);
    // Coordinating units at the default date (a few working days before
    // the lead's due date) follow the new one; a date of their own stays.
    const std::optional<core::Day> new_due = due ? due->due : current.due_on;
    if (!item.coordinating_unit_codes.empty() &&
        (new_due != current.due_on ||
         item.received_on != current.received_on)) {
      const int lead_days = CoordinationLeadDays(tx);
      const auto default_due = [&](std::optional<core::Day> lead_due,
                                   std::optional<core::Day> received) {
        std::optional<core::Day> d;
        if (lead_due && received) {
          d = core::CoordinatorDue(*lead_due, *received, lead_days, calendar);
        }
        return d;
      };
      tx.Run(kMoveDefaultCoordinatorDue, c.id,
             default_due(current.due_on, current.received_on),
             default_due(new_due, item.received_on));
    }
    JsonObject detail;
    detail.Add("reason", c.reason).Add("fields", c.fields);
    if (due && (due->due != current.due_on || due->source != due_source)) {
      std::vector<std::string> steps = due->steps;
      steps.push_back(absl::StrCat(
          "corrected on ",
          FormatIsoDate(absl::ToCivilDay(c.now, MinistryTimeZone())), ": ",
          c.reason));
      tx.Run(kCorrectDue, c.id, due->due, NullIfEmpty(due->source),
             NullIfZero(due->rule_id), absl::StrJoin(steps, "\n"),
             due->calendar_incomplete);
      detail.Add("due_on", due->due ? FormatIsoDate(*due->due) : "");
    }
    AppendEvent(tx, c.id, c.actor, c.now, "CORRECTED", before, detail.Build());
    Replan(tx, c.id, c.now);
    return LoadItem(tx, c.id);
  });
}

absl::StatusOr<std::vector<core::InboxEntry>> ItemStore::ListInbox(
    const core::InboxQuery& q, core::Day today, int* total, bool* more,
    core::InboxCounts* counts) {
  std::vector<core::InboxEntry> out;
  *total = 0;
  *more = false;
  PQ_RETURN_IF_ERROR(db_.Autocommit([&](Tx& tx) -> absl::Status {
    const auto names = [](const auto& values, auto name) {
      std::optional<std::vector<std::string>> list;
      if (values.empty()) return list;
      list.emplace();
      for (const auto& v : values) list->emplace_back(name(v));
      return list;
    };
    Params p;
    p.Add(q.unit_code);
    p.Add(std::optional<core::Day>(today));
    p.Add(int64_t{core::DueSoonDays(LoadLadder(tx))});
    p.Add(q.lead);
    p.Add(names(q.kinds, [](core::ItemKind k) { return core::Name(k); }));
    p.Add(names(q.statuses, [](core::ItemStatus s) { return core::Name(s); }));
    p.Add(names(q.timeliness, [](core::Timeliness t) {
      return absl::StrCat(static_cast<int>(t));
    }));
    p.Add(NullIfZero(q.session_id));
    p.Add(NullIfZero(q.batch_id));
    if (q.after) {
      p.Add(std::optional<bool>(!q.after->due.has_value()));
      p.Add(q.after->due);
      p.Add(q.after->id);
    } else {
      p.Add(Null{});
      p.Add(Null{});
      p.Add(Null{});
    }
    p.Add(int64_t{q.size} + 1);
    p.Add(q.returned);
    const pqxx::result rows = tx.Exec(kInbox, p);
    std::vector<int64_t> ids;
    for (const pqxx::row& r : rows) {
      *total = static_cast<int>(Int(r[5]));
      if (counts != nullptr) {
        counts->all = static_cast<int>(Int(r[6]));
        counts->lead = static_cast<int>(Int(r[7]));
        counts->coordinating = static_cast<int>(Int(r[8]));
        counts->returned = static_cast<int>(Int(r[9]));
        counts->pending_approval = static_cast<int>(Int(r[10]));
        counts->overdue = static_cast<int>(Int(r[11]));
        counts->due_today = static_cast<int>(Int(r[12]));
        counts->due_soon = static_cast<int>(Int(r[13]));
      }
      if (r[0].is_null()) break;  // an empty page
      if (static_cast<int>(out.size()) == q.size) {
        *more = true;
        break;
      }
      core::InboxEntry e;
      e.item.id = Int(r[0]);
      e.lead = Bool(r[1]);
      e.unit_code = Text(r[2]);
      e.due_on = DayOf(r[3]);
      e.days_left = e.due_on ? static_cast<int>(*e.due_on - today) : 0;
      e.timeliness = static_cast<core::Timeliness>(Int(r[4]));
      ids.push_back(e.item.id);
      out.push_back(std::move(e));
    }
    if (ids.empty()) return absl::OkStatus();
    absl::flat_hash_map<int64_t, core::Item> items;
    for (const pqxx::row& r : tx.Run(kGetMany, IdArray(ids))) {
      core::Item it = ItemWithExtrasFromRow(r);
      items.emplace(it.id, std::move(it));
    }
    for (core::InboxEntry& e : out) {
      if (auto it = items.find(e.item.id); it != items.end()) {
        e.item = std::move(it->second);
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<core::Item> ItemStore::GetItem(
    const std::optional<std::string>& scope_unit, int64_t id) {
  // One statement, so no transaction block: a round trip per call.
  std::optional<core::Item> item;
  PQ_RETURN_IF_ERROR(db_.Autocommit([&](Tx& tx) -> absl::Status {
    if (!scope_unit) {
      // Without the scope's `$1 IS NULL OR ...`, whose generic plan
      // PostgreSQL would have to start up on every call.
      absl::StatusOr<core::Item> any = LoadItem(tx, id);
      if (any.ok()) item = std::move(any).value();
      return absl::OkStatus();
    }
    const pqxx::result r = tx.Run(kGetItem, scope_unit, Null{}, id);
    if (!r.empty()) item = ItemWithExtrasFromRow(r[0]);
    return absl::OkStatus();
  }));
  if (!item) return absl::NotFoundError(absl::StrCat("no item ", id));
  return std::move(*item);
}

absl::StatusOr<std::vector<core::Item>> ItemStore::ListItems(
    const std::optional<std::string>& scope_unit, const core::ItemFilter& f,
    const core::PageRequest& page, bool* more) {
  return db_.Transact<std::vector<core::Item>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Item>> {
        PQ_RETURN_IF_ERROR(CheckLeadFilter(tx, f));
        Params p = FilterParams(scope_unit, f);
        p.Add(NullIfZero(page.after_id));
        p.Add(page.size + 1);
        std::vector<core::Item> out;
        for (const pqxx::row& r : tx.Exec(kListItems, p)) {
          out.push_back(ItemFromRow(r));
        }
        *more = static_cast<int>(out.size()) > page.size;
        if (*more) out.resize(page.size);
        FillExtras(tx, out);
        return out;
      });
}

absl::StatusOr<std::vector<ItemStore::SearchHit>> ItemStore::SearchItems(
    const std::optional<std::string>& scope_unit, const std::string& query,
    const core::ItemFilter& f, int size,
    const std::optional<SearchCursor>& after, bool* more) {
  return db_.Transact<std::vector<SearchHit>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<SearchHit>> {
        PQ_RETURN_IF_ERROR(CheckLeadFilter(tx, f));
        Params p = FilterParams(scope_unit, f);
        p.Add(after ? std::optional<int64_t>(after->key) : std::nullopt);
        p.Add(int64_t{size} + 1);
        p.Add(query);
        p.Add(after ? std::optional<int64_t>(after->id) : std::nullopt);
        std::vector<core::Item> items;
        std::vector<SearchHit> hits;
        for (const pqxx::row& r : tx.Exec(kSearchItems, p)) {
          items.push_back(ItemFromRow(r));
          SearchHit h;
          h.rank = r[r.size() - 2].as<double>();
          h.key = r[r.size() - 1].as<int64_t>();
          h.exact_reference = h.key >= 10000000000;
          hits.push_back(std::move(h));
        }
        *more = static_cast<int>(items.size()) > size;
        if (*more) {
          items.resize(size);
          hits.resize(size);
        }
        FillExtras(tx, items);
        for (size_t i = 0; i < items.size(); ++i) {
          hits[i].item = std::move(items[i]);
        }
        return hits;
      });
}

absl::StatusOr<std::vector<core::SimilarItem>> ItemStore::SuggestDuplicates(
    const std::optional<std::string>& scope_unit, const std::string& title,
    core::ItemKind kind, int64_t exclude_id, int limit, double min_score) {
  // One statement: no transaction block.
  std::vector<core::SimilarItem> out;
  PQ_RETURN_IF_ERROR(db_.Autocommit([&](Tx& tx) -> absl::Status {
    out = Similar(tx, scope_unit, title, kind, exclude_id, limit, min_score);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<core::Event>> ItemStore::GetItemHistory(
    const std::optional<std::string>& scope_unit, int64_t id) {
  return db_.Transact<std::vector<core::Event>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Event>> {
        if (tx.Run(kGetItem, scope_unit, Null{}, id).empty()) {
          return absl::NotFoundError(absl::StrCat("no item ", id));
        }
        std::vector<core::Event> out;
        for (const pqxx::row& r : tx.Run(kHistory, id)) {
          out.push_back({Int(r[0]), TimeOf(r[1]), Text(r[2]), Text(r[3]),
                         Text(r[4]), Text(r[5]), Text(r[6])});
        }
        return out;
      });
}

}  // namespace pqtrack::store
