#include "services/store/workflow_store.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/dates.h"
#include "services/common/json.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/deadline.h"
#include "services/store/alert_store.h"
#include "services/store/deadline_store.h"
#include "services/store/item_rows.h"
#include "services/store/routing_store.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

using core::Move;

#define PQTRACK_CALLER_SCOPE               \
  "WITH RECURSIVE scope AS ("              \
  "  SELECT id FROM units WHERE code = $2" \
  "  UNION ALL"                            \
  "  SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id) "

// What Lock reads of an item: $1 the item, $2 the caller's unit.
#define PQTRACK_WF_STATE                                             \
  PQTRACK_CALLER_SCOPE                                               \
  "SELECT i.version, i.status, i.kind, i.approved,"                  \
  " i.follow_up_on IS NOT NULL,"                                     \
  " EXISTS (SELECT 1 FROM drafts d WHERE d.item_id = i.id),"         \
  " coalesce(i.lead_unit_id IN (SELECT id FROM scope), false),"      \
  " EXISTS (SELECT 1 FROM item_units iu WHERE iu.item_id = i.id"     \
  "         AND iu.unit_id IN (SELECT id FROM scope)),"              \
  " i.received_on, coalesce(i.submitted_draft, 0),"                  \
  " coalesce(i.lead_unit_id, 0), i.due_on, i.clock, i.clock_anchor," \
  " i.returned_at IS NOT NULL"                                       \
  " FROM items i WHERE i.id = $1"
constexpr Statement kLock{"wf_lock", PQTRACK_WF_STATE " FOR UPDATE OF i"};
constexpr Statement kPeek{"wf_peek", PQTRACK_WF_STATE};
// Sets a new legal due date with a line of explanation ($3), bumping the
// deadline version.
constexpr Statement kMoveDue{
    "wf_move_due",
    "UPDATE items SET due_on = $2, deadline_version = deadline_version + 1,"
    " due_explanation = CASE WHEN due_explanation = '' THEN $3"
    " ELSE due_explanation || E'\\n' || $3 END, clock = 'RUNNING',"
    " clock_anchor = NULL WHERE id = $1"};
constexpr Statement kExtend{
    "wf_extend",
    "UPDATE items SET due_on = $2, due_source = 'EXTENDED',"
    " deadline_version = deadline_version + 1,"
    " due_explanation = CASE WHEN due_explanation = '' THEN $3"
    " ELSE due_explanation || E'\\n' || $3 END WHERE id = $1"};

constexpr Statement kFinish{
    "wf_finish",
    "UPDATE items SET status = $2, version = version + 1, updated_at = $3,"
    " returned_at = CASE WHEN $4 THEN coalesce(returned_at, $3) END"
    " WHERE id = $1"};
constexpr Statement kSetLead{
    "wf_set_lead",
    "UPDATE items SET lead_unit_id = $2, approved = false,"
    " submitted_draft = NULL WHERE id = $1"};
constexpr Statement kKeepCoordinating{
    "wf_keep_coordinating",
    "DELETE FROM item_units WHERE item_id = $1"
    " AND NOT (unit_id = ANY($2::bigint[]))"};
constexpr Statement kUpsertCoordinating{
    "wf_upsert_coordinating",
    "INSERT INTO item_units (item_id, unit_id, due_on) VALUES ($1, $2, $3)"
    " ON CONFLICT (item_id, unit_id) DO UPDATE SET due_on = EXCLUDED.due_on"};
constexpr Statement kDropCoordinating{
    "wf_drop_coordinating",
    "DELETE FROM item_units WHERE item_id = $1 AND unit_id = $2"};
constexpr Statement kTransferOut{
    "wf_transfer_out",
    "UPDATE items SET transferred_to_id = $2, approved = false,"
    " submitted_draft = NULL WHERE id = $1"};
constexpr Statement kClock{
    "wf_clock", "UPDATE items SET clock = $2, clock_anchor = $3 WHERE id = $1"};
constexpr Statement kNextDraft{
    "wf_next_draft",
    "SELECT coalesce(max(number), 0) + 1 FROM drafts WHERE item_id = $1"};
constexpr Statement kInsertDraft{
    "wf_insert_draft",
    "INSERT INTO drafts (item_id, number, text, created_by, created_at)"
    " VALUES ($1, $2, $3, $4, $5)"};
constexpr Statement kDraftText{
    "wf_draft_text",
    "SELECT text FROM drafts WHERE item_id = $1 AND number = $2"};
constexpr Statement kListDrafts{
    "wf_list_drafts",
    "SELECT d.number, d.text, u.login,"
    " (extract(epoch FROM d.created_at) * 1000000)::bigint"
    " FROM drafts d LEFT JOIN users u ON u.id = d.created_by"
    " WHERE d.item_id = $1 ORDER BY d.number DESC"};
constexpr Statement kCoordinatingInScope{
    "wf_coordinating_in_scope", PQTRACK_CALLER_SCOPE
    "SELECT u.id, u.code FROM item_units iu JOIN units u ON u.id = iu.unit_id"
    " WHERE iu.item_id = $1 AND iu.unit_id IN (SELECT id FROM scope)"
    " ORDER BY u.code"};
constexpr Statement kSetInput{
    "wf_set_input",
    "UPDATE item_units SET state = $3, input_text = $4, input_by = $5,"
    " input_at = $6 WHERE item_id = $1 AND unit_id = $2"};
constexpr Statement kSubmit{
    "wf_submit",
    "UPDATE items SET submitted_draft = (SELECT max(number) FROM drafts"
    " WHERE item_id = $1), approved = false WHERE id = $1"
    " RETURNING submitted_draft"};
constexpr Statement kApprove{"wf_approve",
                             "UPDATE items SET approved = true WHERE id = $1"};
constexpr Statement kReturn{
    "wf_return",
    "UPDATE items SET approved = false, submitted_draft = NULL WHERE id = $1"};
constexpr Statement kInsertAnswer{
    "wf_insert_answer",
    R"sql(INSERT INTO answers (item_id, draft_number, document_number, signer,
                               sent_on, text, outcome, outcome_detail,
                               roadmap, expected_completion, created_by,
                               created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12))sql"};
// An answer sent: an IN_RESOLUTION one keeps a follow-up open on its
// expected completion ($2), a new deadline version whose ladder counts
// down to it (core::LadderDue).
constexpr Statement kAnswered{
    "wf_answered",
    "UPDATE items SET follow_up_on = $2::date, approved = false,"
    " submitted_draft = NULL, deadline_version = deadline_version"
    " + CASE WHEN $2::date IS NULL THEN 0 ELSE 1 END WHERE id = $1"};
constexpr Statement kMergeInto{
    "wf_merge_into",
    "UPDATE items SET merged_into = $2, status_before_merge = status"
    " WHERE id = $1"};
constexpr Statement kMergedChildren{
    "wf_merged_children", "SELECT count(*) FROM items WHERE merged_into = $1"};
constexpr Statement kUnmerge{
    "wf_unmerge",
    "UPDATE items i SET merged_into = NULL, status_before_merge = NULL"
    " FROM (SELECT status_before_merge AS status, merged_into AS target"
    "       FROM items WHERE id = $1) old"
    " WHERE i.id = $1 RETURNING old.status, old.target"};
constexpr Statement kRoutedBy{
    "wf_routed_by", "UPDATE items SET routed_by_rule = $2 WHERE id = $1"};
constexpr Statement kTouch{
    "wf_touch",
    "UPDATE items SET version = version + 1, updated_at = $2 WHERE id = $1"};

// Whether `who` sees an item it relates to as `lead_member` and
// `coordinating_member`.
bool Visible(const core::Principal& who, bool lead_member,
             bool coordinating_member) {
  return core::SeesWholeMinistry(who) || lead_member || coordinating_member;
}

struct Locked {
  core::WorkflowState st;
  core::Relation rel;
  absl::CivilDay received_on;
  int submitted_draft = 0;
  int64_t lead_unit_id = 0;
  std::optional<absl::CivilDay> due_on;
  bool paused = false;
  std::optional<absl::CivilDay> paused_since;
  std::string before;
};

// Reads the item's workflow state as `statement` (kLock or kPeek) selects
// it; NOT_FOUND when it is absent or not visible to the caller.
absl::StatusOr<Locked> ReadState(Tx& tx, const WorkflowStore::Caller& c,
                                 int64_t id, const Statement& statement,
                                 int64_t* version) {
  const pqxx::result r = tx.Run(statement, id, c.who.unit_code);
  Locked l;
  if (!r.empty()) {
    l.rel.lead_member = Bool(r[0][6]);
    l.rel.coordinating_member = Bool(r[0][7]);
  }
  if (r.empty() ||
      !Visible(c.who, l.rel.lead_member, l.rel.coordinating_member)) {
    return absl::NotFoundError(absl::StrCat("no item ", id));
  }
  *version = Int(r[0][0]);
  l.st.id = id;
  l.st.status = core::ParseEnum<core::ItemStatus>(Text(r[0][1]))
                    .value_or(core::ItemStatus::kUnspecified);
  l.st.kind = core::ParseEnum<core::ItemKind>(Text(r[0][2]))
                  .value_or(core::ItemKind::kUnspecified);
  l.st.approved = Bool(r[0][3]);
  l.st.follow_up_open = Bool(r[0][4]);
  l.st.has_draft = Bool(r[0][5]);
  l.received_on = *DayOf(r[0][8]);
  l.submitted_draft = static_cast<int>(Int(r[0][9]));
  l.lead_unit_id = Int(r[0][10]);
  l.due_on = DayOf(r[0][11]);
  l.paused = Text(r[0][12]) == "PAUSED";
  l.paused_since = DayOf(r[0][13]);
  l.st.returned = Bool(r[0][14]);
  return l;
}

// Locks the item, checks visibility, version and the move.
absl::StatusOr<Locked> Lock(Tx& tx, const WorkflowStore::Caller& c,
                            WorkflowStore::Versioned v, Move m) {
  int64_t current = 0;
  PQ_ASSIGN_OR_RETURN(Locked l, ReadState(tx, c, v.id, kLock, &current));
  if (v.version != current) {
    return absl::AbortedError(absl::StrCat(
        "item ", v.id, " is at version ", current, ", not ", v.version,
        ": someone changed it; reload it and try again"));
  }
  PQ_RETURN_IF_ERROR(core::CheckMove(m, c.who, l.rel, l.st));
  l.before = Snapshot(tx, v.id);
  return l;
}

// A paused clock resumes: the due date moves by the days it stood still.
void ResumeClock(Tx& tx, const WorkflowStore::Caller& c, int64_t id,
                 const Locked& l) {
  if (!l.paused || !l.due_on || !l.paused_since) return;
  const int64_t stood = c.today - *l.paused_since;
  const absl::CivilDay due = *l.due_on + stood;
  tx.Run(kMoveDue, id, due,
         absl::StrCat("clock paused from ", FormatIsoDate(*l.paused_since),
                      " to ", FormatIsoDate(c.today), " (", stood,
                      " days): due ", FormatIsoDate(due)));
}

// The period starts again from today under the rule of the item's kind in
// force on the day it was received.
void RestartClock(Tx& tx, const WorkflowStore::Caller& c, int64_t id,
                  const Locked& l) {
  const std::vector<core::DeadlineRule> rules = LoadDeadlineRules(tx);
  const core::DeadlineRule* rule =
      core::SelectRule(rules, l.st.kind, l.received_on);
  if (rule == nullptr) return;
  const core::DeadlineResult r =
      core::ComputeDue(*rule, c.today, LoadCalendar(tx));
  tx.Run(kMoveDue, id, r.due,
         absl::StrCat("period restarted on transfer, ", FormatIsoDate(c.today),
                      ": ", absl::StrJoin(r.steps, "; ")));
}

// After move `m` on the item `l` locked: sets the status (and whether it is
// returned for revision), bumps the version, appends the event, reloads
// the item.
absl::StatusOr<core::Item> Finish(Tx& tx, const WorkflowStore::Caller& c,
                                  const Locked& l, Move m,
                                  core::ItemStatus status,
                                  const std::string& kind,
                                  const std::string& detail) {
  const int64_t id = l.st.id;
  tx.Run(kFinish, id, std::string(core::Name(status)), c.now,
         core::ReturnedAfter(m, l.st, status));
  AppendEvent(tx, id, c.who.user_id, c.now, kind, l.before, detail);
  Replan(tx, id, c.now);
  // Moves that someone must hear about at once.
  if (const core::AlertKind alert = core::EventAlert(kind);
      alert != core::AlertKind::kUnspecified) {
    RecordEventAlert(tx, id, alert, c.now, detail);
  }
  return LoadItem(tx, id);
}

}  // namespace

namespace {

// The assignment of the locked item `l` to `lead_code` and `coord`, as
// AssignItem makes it; `rule` names the routing rule that chose the units
// (then the event names it too).
absl::StatusOr<core::Item> AssignLocked(
    Tx& tx, const WorkflowStore::Caller& c, const Locked& l,
    const std::string& lead_code,
    const std::vector<WorkflowStore::CoordinatingUnit>& coord,
    const core::RouteMatch* rule) {
  const int64_t id = l.st.id;
  PQ_ASSIGN_OR_RETURN(
      const UnitRef lead,
      ResolveUnit(tx, "lead_unit_code", lead_code, std::nullopt, false));
  std::vector<int64_t> keep;
  std::vector<std::string> codes;
  for (const WorkflowStore::CoordinatingUnit& u : coord) {
    PQ_ASSIGN_OR_RETURN(const UnitRef ref,
                        ResolveUnit(tx, "coordinating_units.unit_code",
                                    u.unit_code, std::nullopt, false));
    if (u.due_on && *u.due_on < l.received_on) {
      return absl::InvalidArgumentError(
          absl::StrCat("coordinating_units.due_on: ", FormatIsoDate(*u.due_on),
                       " is before the item was received (",
                       FormatIsoDate(l.received_on), ")"));
    }
    keep.push_back(ref.id);
    codes.push_back(u.unit_code);
  }
  ResumeClock(tx, c, id, l);
  const bool lead_changed = lead.id != l.lead_unit_id;
  if (lead_changed) tx.Run(kSetLead, id, lead.id);
  tx.Run(kKeepCoordinating, id, IdArray(keep));
  // Without a date of their own, coordinating units are due a few
  // working days before the lead.
  std::optional<absl::CivilDay> default_due;
  if (l.due_on) {
    default_due = core::CoordinatorDue(
        *l.due_on, l.received_on, CoordinationLeadDays(tx), LoadCalendar(tx));
  }
  for (size_t i = 0; i < coord.size(); ++i) {
    tx.Run(kUpsertCoordinating, id, keep[i],
           coord[i].due_on ? coord[i].due_on : default_due);
  }
  JsonObject detail;
  detail.Add("lead_unit_code", lead_code).Add("coordinating_unit_codes", codes);
  if (rule != nullptr) {
    tx.Run(kRoutedBy, id, rule->rule.id);
    detail.Add("rule_id", rule->rule.id)
        .Add("rule_name", rule->rule.name)
        .Add("reasons", rule->reasons);
  }
  return Finish(tx, c, l, Move::kAssign,
                core::StatusAfter(Move::kAssign, l.st, lead_changed),
                "ASSIGNED", detail.Build());
}

}  // namespace

absl::StatusOr<core::Item> WorkflowStore::Assign(
    const Caller& c, Versioned v, const std::string& lead_code,
    const std::vector<CoordinatingUnit>& coord) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kAssign));
    return AssignLocked(tx, c, l, lead_code, coord, nullptr);
  });
}

absl::StatusOr<WorkflowStore::Routed> WorkflowStore::Route(
    const Caller& c, int64_t id, const std::optional<Units>& units,
    bool dry_run) {
  Routed out;
  absl::Status st = db_.Transact([&](Tx& tx) -> absl::Status {
    out = Routed();
    int64_t version = 0;
    PQ_ASSIGN_OR_RETURN(Locked l, ReadState(tx, c, id, kLock, &version));
    PQ_RETURN_IF_ERROR(core::CheckMove(Move::kAssign, c.who, l.rel, l.st));
    PQ_ASSIGN_OR_RETURN(core::Item item, LoadItem(tx, id));
    out.title = item.title;
    std::optional<core::RouteMatch> match;
    if (units) {
      out.lead_unit_code = units->lead_unit_code;
      for (const CoordinatingUnit& u : units->coordinating) {
        out.coordinating_unit_codes.push_back(u.unit_code);
      }
    } else {
      if (!item.lead_unit_code.empty()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "item ", id, " already has a lead unit (", item.lead_unit_code,
            "); assign it to other units by name"));
      }
      match = RouteByRules(tx, item);
      if (!match) return absl::OkStatus();
      out.lead_unit_code = item.lead_unit_code;
      out.coordinating_unit_codes = item.coordinating_unit_codes;
      out.rule = match->rule;
      out.reasons = match->reasons;
    }
    out.routed = true;
    std::vector<CoordinatingUnit> coord;
    for (const std::string& code : out.coordinating_unit_codes) {
      coord.push_back({code, std::nullopt});
    }
    if (units) coord = units->coordinating;
    if (dry_run) {
      // What AssignLocked would refuse, without writing.
      PQ_RETURN_IF_ERROR(ResolveUnit(tx, "lead_unit_code", out.lead_unit_code,
                                     std::nullopt, false)
                             .status());
      for (const CoordinatingUnit& u : coord) {
        PQ_RETURN_IF_ERROR(ResolveUnit(tx, "coordinating_units.unit_code",
                                       u.unit_code, std::nullopt, false)
                               .status());
      }
      return absl::OkStatus();
    }
    l.before = Snapshot(tx, id);
    PQ_ASSIGN_OR_RETURN(const core::Item assigned,
                        AssignLocked(tx, c, l, out.lead_unit_code, coord,
                                     match ? &*match : nullptr));
    out.version = assigned.version;
    return absl::OkStatus();
  });
  PQ_RETURN_IF_ERROR(st);
  return out;
}

absl::StatusOr<core::Item> WorkflowStore::Transfer(const Caller& c, Versioned v,
                                                   const std::string& to_code,
                                                   const std::string& reason,
                                                   core::ClockRule clock) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(
        const UnitRef to,
        ResolveUnit(tx, "to_unit_code", to_code, std::nullopt, true));
    const Move move = to.external ? Move::kTransferOut : Move::kTransfer;
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, move));
    if (!to.external && to.id == l.lead_unit_id) {
      return absl::InvalidArgumentError(absl::StrCat(
          "to_unit_code: \"", to_code, "\" is already the lead unit"));
    }
    if (to.external) {
      tx.Run(kTransferOut, v.id, to.id);
    } else {
      tx.Run(kSetLead, v.id, to.id);
      tx.Run(kDropCoordinating, v.id, to.id);
    }
    if (clock == core::ClockRule::kRestart) {
      RestartClock(tx, c, v.id, l);
    } else if (clock == core::ClockRule::kPause) {
      if (!l.paused) tx.Run(kClock, v.id, "PAUSED", c.today);
    } else {
      ResumeClock(tx, c, v.id, l);
    }
    return Finish(tx, c, l, move, core::StatusAfter(move, l.st, true),
                  to.external ? "TRANSFERRED_OUT" : "TRANSFERRED",
                  JsonObject()
                      .Add("to_unit_code", to_code)
                      .Add("reason", reason)
                      .Add("clock", core::Name(clock))
                      .Build());
  });
}

absl::StatusOr<std::pair<core::Item, int>> WorkflowStore::SaveDraft(
    const Caller& c, Versioned v, const std::string& text) {
  return db_.Transact<std::pair<core::Item, int>>(
      [&](Tx& tx) -> absl::StatusOr<std::pair<core::Item, int>> {
        PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kSaveDraft));
        const int number =
            static_cast<int>(Int(tx.Run(kNextDraft, v.id)[0][0]));
        tx.Run(kInsertDraft, v.id, number, text, c.who.user_id, c.now);
        PQ_ASSIGN_OR_RETURN(
            core::Item item,
            Finish(tx, c, l, Move::kSaveDraft,
                   core::StatusAfter(Move::kSaveDraft, l.st, false),
                   "DRAFT_SAVED",
                   JsonObject()
                       .Add("draft", number)
                       .Add("characters", static_cast<int64_t>(text.size()))
                       .Build()));
        return std::make_pair(std::move(item), number);
      });
}

absl::StatusOr<std::vector<core::Draft>> WorkflowStore::ListDrafts(
    const Caller& c, int64_t item_id) {
  return db_.Transact<std::vector<core::Draft>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Draft>> {
        const pqxx::result r = tx.Run(kLock, item_id, c.who.unit_code);
        if (r.empty() || !Visible(c.who, Bool(r[0][6]), Bool(r[0][7]))) {
          return absl::NotFoundError(absl::StrCat("no item ", item_id));
        }
        std::vector<core::Draft> out;
        for (const pqxx::row& d : tx.Run(kListDrafts, item_id)) {
          out.push_back({static_cast<int>(Int(d[0])), Text(d[1]), Text(d[2]),
                         TimeOf(d[3])});
        }
        return out;
      });
}

absl::StatusOr<WorkflowStore::Allowed> WorkflowStore::ListAllowedMoves(
    const Caller& c, int64_t item_id) {
  return db_.Transact<Allowed>([&](Tx& tx) -> absl::StatusOr<Allowed> {
    Allowed out;
    PQ_ASSIGN_OR_RETURN(const Locked l,
                        ReadState(tx, c, item_id, kPeek, &out.version));
    out.moves = core::AllowedMoves(c.who, l.rel, l.st);
    if (l.rel.coordinating_member) {
      for (const pqxx::row& r :
           tx.Run(kCoordinatingInScope, item_id, c.who.unit_code)) {
        out.input_unit_codes.push_back(Text(r[1]));
      }
    }
    return out;
  });
}

absl::StatusOr<core::Item> WorkflowStore::SubmitInput(
    const Caller& c, Versioned v, const std::string& unit_code,
    const std::string& text, bool decline) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kSubmitInput));
    std::vector<std::pair<int64_t, std::string>> mine;
    for (const pqxx::row& r :
         tx.Run(kCoordinatingInScope, v.id, c.who.unit_code)) {
      mine.emplace_back(Int(r[0]), Text(r[1]));
    }
    int64_t unit_id = 0;
    std::string code = unit_code;
    if (unit_code.empty()) {
      if (mine.size() > 1) {
        std::vector<std::string> names;
        for (const auto& m : mine) names.push_back(m.second);
        return absl::InvalidArgumentError(absl::StrCat(
            "unit_code: required: several coordinating units are yours (",
            absl::StrJoin(names, ", "), ")"));
      }
      unit_id = mine.front().first;
      code = mine.front().second;
    } else {
      for (const auto& m : mine) {
        if (m.second == unit_code) unit_id = m.first;
      }
      if (unit_id == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("unit_code: \"", unit_code,
                         "\" is not a coordinating unit of item ", v.id,
                         " within your unit"));
      }
    }
    tx.Run(kSetInput, v.id, unit_id, decline ? "DECLINED" : "INPUT_SUBMITTED",
           text, c.who.user_id, c.now);
    return Finish(tx, c, l, Move::kSubmitInput, l.st.status,
                  decline ? "COORDINATION_DECLINED" : "COORDINATION_INPUT",
                  JsonObject()
                      .Add("unit_code", code)
                      .Add(decline ? "reason" : "input", text)
                      .Build());
  });
}

absl::StatusOr<core::Item> WorkflowStore::SubmitResponse(const Caller& c,
                                                         Versioned v) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kSubmitResponse));
    const int64_t draft = Int(tx.Run(kSubmit, v.id)[0][0]);
    return Finish(tx, c, l, Move::kSubmitResponse,
                  core::StatusAfter(Move::kSubmitResponse, l.st, false),
                  "SUBMITTED", JsonObject().Add("draft", draft).Build());
  });
}

absl::StatusOr<core::Item> WorkflowStore::Approve(const Caller& c, Versioned v,
                                                  const std::string& comment) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kApprove));
    tx.Run(kApprove, v.id);
    return Finish(tx, c, l, Move::kApprove, l.st.status, "APPROVED",
                  JsonObject()
                      .Add("draft", l.submitted_draft)
                      .Add("comment", comment)
                      .Build());
  });
}

absl::StatusOr<core::Item> WorkflowStore::Return(const Caller& c, Versioned v,
                                                 const std::string& comment) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kReturn));
    tx.Run(kReturn, v.id);
    return Finish(tx, c, l, Move::kReturn,
                  core::StatusAfter(Move::kReturn, l.st, false), "RETURNED",
                  JsonObject()
                      .Add("draft", l.submitted_draft)
                      .Add("comment", comment)
                      .Build());
  });
}

absl::StatusOr<core::Item> WorkflowStore::Send(const Caller& c, Versioned v,
                                               const core::Answer& a) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kSend));
    core::Violations violations;
    core::ValidateAnswer(violations, "", a, l.received_on, c.today,
                         core::AnswerText::kFromDraft);
    PQ_RETURN_IF_ERROR(violations.ToStatus());
    const pqxx::result draft = tx.Run(kDraftText, v.id, l.submitted_draft);
    PQ_ASSIGN_OR_RETURN(
        const std::string text,
        core::SentText(a.text, l.submitted_draft,
                       draft.empty() ? std::string() : Text(draft[0][0])));
    tx.Run(kInsertAnswer, v.id, NullIfZero(l.submitted_draft),
           a.document_number, a.signer, a.sent_on, text,
           std::string(core::Name(a.outcome)),
           std::string(core::Name(a.detail)), a.roadmap, a.expected_completion,
           c.who.user_id, c.now);
    const bool follow_up = a.outcome == core::Outcome::kInResolution;
    tx.Run(kAnswered, v.id, follow_up ? a.expected_completion : std::nullopt);
    JsonObject detail;
    detail.Add("document_number", a.document_number)
        .Add("signer", a.signer)
        .Add("sent_on", FormatIsoDate(*a.sent_on))
        .Add("outcome", core::Name(a.outcome))
        .Add("outcome_detail", core::Name(a.detail))
        .Add("draft", l.submitted_draft);
    if (follow_up) {
      detail.Add("roadmap", a.roadmap)
          .Add("expected_completion", FormatIsoDate(*a.expected_completion));
    }
    return Finish(tx, c, l, Move::kSend,
                  core::StatusAfter(Move::kSend, l.st, false), "ANSWERED",
                  detail.Build());
  });
}

absl::StatusOr<core::Item> WorkflowStore::Withdraw(const Caller& c, Versioned v,
                                                   const std::string& reason) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kWithdraw));
    return Finish(tx, c, l, Move::kWithdraw,
                  core::StatusAfter(Move::kWithdraw, l.st, false), "WITHDRAWN",
                  JsonObject().Add("reason", reason).Build());
  });
}

absl::StatusOr<core::Item> WorkflowStore::Merge(
    const Caller& c, Versioned target,
    const std::vector<Versioned>& duplicates) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    // Lock in id order so that concurrent merges cannot deadlock.
    std::vector<Versioned> all = duplicates;
    all.push_back(target);
    std::sort(
        all.begin(), all.end(),
        [](const Versioned& a, const Versioned& b) { return a.id < b.id; });
    absl::flat_hash_map<int64_t, Locked> locked;
    for (const Versioned& v : all) {
      PQ_ASSIGN_OR_RETURN(Locked l, Lock(tx, c, v, Move::kMerge));
      locked.emplace(v.id, std::move(l));
    }
    const Locked& t = locked.at(target.id);
    std::vector<int64_t> ids;
    for (const Versioned& d : duplicates) {
      const Locked& l = locked.at(d.id);
      if (l.st.kind != t.st.kind) {
        return absl::InvalidArgumentError(absl::StrCat(
            "duplicates: item ", d.id, " is a ", core::Name(l.st.kind),
            " and item ", target.id, " a ", core::Name(t.st.kind),
            "; only items of one kind can be merged"));
      }
      if (Int(tx.Run(kMergedChildren, d.id)[0][0]) > 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "item ", d.id, " has items merged into it; merge those into ",
            target.id, " directly"));
      }
      tx.Run(kMergeInto, d.id, target.id);
      PQ_RETURN_IF_ERROR(Finish(tx, c, l, Move::kMerge,
                                core::StatusAfter(Move::kMerge, l.st, false),
                                "MERGED_INTO",
                                JsonObject().Add("target", target.id).Build())
                             .status());
      ids.push_back(d.id);
    }
    return Finish(tx, c, t, Move::kMerge, t.st.status, "MERGED",
                  JsonObject().Add("duplicates", ids).Build());
  });
}

absl::StatusOr<core::Item> WorkflowStore::Unmerge(const Caller& c,
                                                  Versioned v) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kUnmerge));
    const pqxx::row r = tx.Run(kUnmerge, v.id)[0];
    const core::ItemStatus restored =
        core::ParseEnum<core::ItemStatus>(Text(r[0]))
            .value_or(core::ItemStatus::kReceived);
    const int64_t target = Int(r[1]);
    PQ_ASSIGN_OR_RETURN(core::Item item,
                        Finish(tx, c, l, Move::kUnmerge, restored, "UNMERGED",
                               JsonObject().Add("target", target).Build()));
    if (target != 0) {
      const std::string before = Snapshot(tx, target);
      tx.Run(kTouch, target, c.now);
      AppendEvent(tx, target, c.who.user_id, c.now, "UNMERGED_FROM", before,
                  JsonObject().Add("item", v.id).Build());
    }
    return item;
  });
}

absl::StatusOr<core::Item> WorkflowStore::ExtendDeadline(
    const Caller& c, Versioned v, absl::CivilDay new_due,
    const std::string& reason, const std::string& approved_by) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    PQ_ASSIGN_OR_RETURN(const Locked l, Lock(tx, c, v, Move::kExtend));
    if (new_due < l.received_on) {
      return absl::InvalidArgumentError(
          absl::StrCat("new_due_on: ", FormatIsoDate(new_due),
                       " is before the item was received (",
                       FormatIsoDate(l.received_on), ")"));
    }
    const std::string from = l.due_on ? FormatIsoDate(*l.due_on) : "none";
    tx.Run(kExtend, v.id, new_due,
           absl::StrCat("extended on ", FormatIsoDate(c.today), " from ", from,
                        " to ", FormatIsoDate(new_due), ", approved by ",
                        approved_by, ": ", reason));
    return Finish(tx, c, l, Move::kExtend, l.st.status, "DEADLINE_EXTENDED",
                  JsonObject()
                      .Add("from", from)
                      .Add("to", FormatIsoDate(new_due))
                      .Add("reason", reason)
                      .Add("approved_by", approved_by)
                      .Build());
  });
}

}  // namespace pqtrack::store
