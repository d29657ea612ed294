// Provides what the item-writing stores share: the SQL that selects items
// and limits them to a caller's scope, turning rows into core::Item (with
// coordination, merges and draft counts filled in), and checking unit
// references. Internal to the store layer.
#ifndef PQTRACK_SERVICES_STORE_ITEM_ROWS_H_
#define PQTRACK_SERVICES_STORE_ITEM_ROWS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/core/statuses.h"
#include "services/core/types.h"
#include "services/store/db.h"

// $1: the caller's scope unit code (NULL = everything); $2: a unit whose
// subtree filters lead units (NULL = no filter). Defines CTEs scope and
// lead_scope.
#define PQTRACK_SCOPE_CTE                                           \
  "WITH RECURSIVE scope AS ("                                       \
  "  SELECT id FROM units WHERE code = $1"                          \
  "  UNION ALL"                                                     \
  "  SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)," \
  " lead_scope AS ("                                                \
  "  SELECT id FROM units WHERE code = $2"                          \
  "  UNION ALL"                                                     \
  "  SELECT u.id FROM units u JOIN lead_scope s ON u.parent_id = s.id) "

// True for items `i` visible in `scope` ($1).
#define PQTRACK_VISIBLE                                             \
  "($1::text IS NULL OR i.lead_unit_id IN (SELECT id FROM scope)"   \
  " OR EXISTS (SELECT 1 FROM item_units iu WHERE iu.item_id = i.id" \
  "            AND iu.unit_id IN (SELECT id FROM scope))) "

// The columns ItemFromRow reads (from PQTRACK_ITEM_FROM).
#define PQTRACK_ITEM_COLUMNS                                                \
  "i.id, i.kind, i.external_ref, i.title, i.body, i.received_on,"           \
  " i.session_id, i.due_on, i.status, lu.code, i.version,"                  \
  " (extract(epoch FROM i.created_at) * 1000000)::bigint,"                  \
  " (extract(epoch FROM i.updated_at) * 1000000)::bigint,"                  \
  " i.batch_id, array_to_string(i.delegations, E'\\x1f'), i.field,"         \
  " i.deputy_name, i.delegation, i.addressee, i.question_form, i.asked_on," \
  " i.sender, i.document_number, i.document_date, i.requires_response,"     \
  " i.assigned_by, i.source_document, i.source_date, i.merged_into,"        \
  " i.follow_up_on, i.approved, tu.code, i.routed_by_rule,"                 \
  " i.returned_at IS NOT NULL "

#define PQTRACK_ITEM_FROM                                      \
  " FROM items i LEFT JOIN units lu ON lu.id = i.lead_unit_id" \
  " LEFT JOIN units tu ON tu.id = i.transferred_to_id "

// Coordination, merged items, the draft count and the latest answer sent
// of each item `i`, as
// columns after PQTRACK_ITEM_COLUMNS (read by ItemWithExtrasFromRow); the
// joins go after PQTRACK_ITEM_FROM. One statement then reads a whole item.
#define PQTRACK_ITEM_EXTRA_COLUMNS                                         \
  ", xc.codes, xc.dues, xc.states, xc.texts, xc.input_ats, xm.ids,"        \
  " xm.delegations, xd.drafts, xa.document_number, xa.signer, xa.sent_on," \
  " xa.outcome, xa.outcome_detail, xa.roadmap, xa.expected_completion,"    \
  " xa.text, xa.draft_number, xa.login, xa.at "
#define PQTRACK_ITEM_EXTRA_FROM                                            \
  " LEFT JOIN LATERAL (SELECT array_agg(u.code ORDER BY u.code) AS codes," \
  "   array_agg(iu.due_on ORDER BY u.code) AS dues,"                       \
  "   array_agg(iu.state ORDER BY u.code) AS states,"                      \
  "   array_agg(iu.input_text ORDER BY u.code) AS texts,"                  \
  "   array_agg((extract(epoch FROM iu.input_at) * 1000000)::bigint"       \
  "             ORDER BY u.code) AS input_ats"                             \
  "   FROM item_units iu JOIN units u ON u.id = iu.unit_id"                \
  "  WHERE iu.item_id = i.id) xc ON true"                                  \
  " LEFT JOIN LATERAL (SELECT array_agg(m.id ORDER BY m.id) AS ids,"       \
  "   array_agg(array_to_string(m.delegations, E'\\x1f') ORDER BY m.id)"   \
  "     AS delegations"                                                    \
  "   FROM items m WHERE m.merged_into = i.id) xm ON true"                 \
  " LEFT JOIN LATERAL (SELECT max(dr.number) AS drafts FROM drafts dr"     \
  "  WHERE dr.item_id = i.id) xd ON true"                                  \
  " LEFT JOIN LATERAL (SELECT a.document_number, a.signer, a.sent_on,"     \
  "   a.outcome, a.outcome_detail, a.roadmap, a.expected_completion,"      \
  "   a.text, a.draft_number, su.login,"                                   \
  "   (extract(epoch FROM a.created_at) * 1000000)::bigint AS at"          \
  "   FROM answers a LEFT JOIN users su ON su.id = a.created_by"           \
  "  WHERE a.item_id = i.id ORDER BY a.id DESC LIMIT 1) xa ON true "

// The status sets of core/statuses.h as SQL lists, for `status IN ...`:
// generated from the same list macros as core's predicates.
#define PQTRACK_SQL_STATUS_FIRST(s) "'" #s "'"
#define PQTRACK_SQL_STATUS_NEXT(s) ", '" #s "'"
#define PQTRACK_SQL_STATUS_LIST(LIST) \
  "(" LIST(PQTRACK_SQL_STATUS_FIRST, PQTRACK_SQL_STATUS_NEXT) ")"
// core::IsAwaitingAnswer (also the predicate of the index
// items_similar_open, migrations 0007 and 0019; a test compares the two).
#define PQTRACK_SQL_AWAITING_ANSWER \
  PQTRACK_SQL_STATUS_LIST(PQTRACK_AWAITING_ANSWER_STATUSES)
// core::IsOpenAsOf's statuses.
#define PQTRACK_SQL_OPEN_AS_OF_STATUSES \
  PQTRACK_SQL_STATUS_LIST(PQTRACK_OPEN_AS_OF_STATUSES)
// core::IsInboxStatus.
#define PQTRACK_SQL_INBOX_STATUSES \
  PQTRACK_SQL_STATUS_LIST(PQTRACK_INBOX_STATUSES)

// core::TimelinessOf in SQL: the value of core::Timeliness (1 no deadline,
// 2 on track, 3 due soon, 4 due today, 5 overdue) for due date `due` on day
// `today` with `soon` = core::DueSoonDays of the ladder. A test checks it
// against core.
#define PQTRACK_SQL_TIMELINESS(due, today, soon)                               \
  "CASE WHEN " due " IS NULL THEN 1 WHEN " due " < " today " THEN 5 WHEN " due \
  " = " today " THEN 4 WHEN " due " - " today " <= " soon " THEN 3 ELSE 2 END"

// core::LadderRuns and core::LadderDue over items `i`: whether the item's
// alert ladder runs, and the day it counts down to. A test checks them
// against core.
#define PQTRACK_SQL_LADDER_RUNS               \
  "(i.follow_up_on IS NOT NULL AND i.status " \
  "IN " PQTRACK_SQL_OPEN_AS_OF_STATUSES       \
  " OR i.follow_up_on IS NULL AND i.status"   \
  " IN " PQTRACK_SQL_AWAITING_ANSWER " AND i.clock = 'RUNNING')"
#define PQTRACK_SQL_LADDER_DUE "coalesce(i.follow_up_on, i.due_on)"

namespace pqtrack::store {

// Converts a row selected with PQTRACK_ITEM_COLUMNS (without extras).
core::Item ItemFromRow(const pqxx::row& r);

// Converts a row selected with PQTRACK_ITEM_COLUMNS and
// PQTRACK_ITEM_EXTRA_COLUMNS: the item with its extras filled in.
core::Item ItemWithExtrasFromRow(const pqxx::row& r);

// Fills coordination, merged items and their delegations, and draft counts
// of `items` (two queries for the whole list).
void FillExtras(Tx& tx, std::vector<core::Item>& items);

// Loads one item, extras included, whatever the scope, in one statement;
// NOT_FOUND if absent.
absl::StatusOr<core::Item> LoadItem(Tx& tx, int64_t id);

struct UnitRef {
  int64_t id = 0;
  bool external = false;
};

// What a reference to a unit is checked against.
struct UnitFacts {
  int64_t id = 0;
  bool external = false;
  std::optional<absl::CivilDay> valid_from, valid_to;
};

// Why `code` cannot be referenced on day `on` ("no unit ...", an external
// agency when !allow_external, "did not exist on ..."); nullopt when it
// can. `facts` is null when there is no such unit.
std::optional<std::string> UnitRefusal(const std::string& code,
                                       const UnitFacts* facts,
                                       std::optional<absl::CivilDay> on,
                                       bool allow_external);

// Looks up a unit for `field`: INVALID_ARGUMENT when it does not exist,
// when it is an external agency and `allow_external` is false, or when
// `on` is given and the unit did not exist that day.
absl::StatusOr<UnitRef> ResolveUnit(Tx& tx, const std::string& field,
                                    const std::string& code,
                                    std::optional<absl::CivilDay> on,
                                    bool allow_external);

// Appends an event for `item_id`: its snapshot now as "after", `before_json`
// (may be empty) as "before", and `detail_json` (may be empty).
void AppendEvent(Tx& tx, int64_t item_id, int64_t actor, absl::Time at,
                 const std::string& kind, const std::string& before_json,
                 const std::string& detail_json);

// The item's current snapshot as events record it.
std::string Snapshot(Tx& tx, int64_t item_id);

// Ids as a PostgreSQL array argument.
std::vector<std::string> IdArray(const std::vector<int64_t>& ids);

// Appends the kind-specific columns of an item as items stores them
// (delegations, field; deputy_name, delegation, addressee, question_form,
// asked_on; sender, document_number, document_date, requires_response;
// assigned_by, source_document, source_date), NULL for other kinds.
void AddDetailParams(Params& p, const core::Item& item);

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_ITEM_ROWS_H_
