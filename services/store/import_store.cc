#include "services/store/import_store.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/dates.h"
#include "services/common/json.h"
#include "services/core/alerts.h"
#include "services/core/deadline.h"
#include "services/core/item_rules.h"
#include "services/core/routing.h"
#include "services/store/alert_store.h"
#include "services/store/deadline_store.h"
#include "services/store/item_rows.h"
#include "services/store/routing_store.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kUnits{
    "imp_units", "SELECT id, code, kind, valid_from, valid_to FROM units"};
constexpr Statement kBatches{
    "imp_batches", "SELECT id, session_id, forwarding_body FROM batches"};
constexpr Statement kSessions{"imp_sessions", "SELECT id FROM sessions"};
// For each (sender, reference): the item that already has it, and the
// first row of the file that has it.
constexpr Statement kRefs{"imp_refs", R"sql(
    SELECT t.ord,
           (SELECT i.id FROM items i
             WHERE t.ref <> '' AND i.sender_key = lower(btrim(t.sender))
               AND i.external_ref = t.ref LIMIT 1),
           first_value(t.ord) OVER (
             PARTITION BY lower(btrim(t.sender)), t.ref ORDER BY t.ord)
      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(sender, ref, ord)
     ORDER BY t.ord)sql"};
constexpr Statement kIds{
    "imp_ids", "SELECT nextval('items_id_seq') FROM generate_series(1, $1)"};

// The columns written to items, through the staging table.
const std::vector<std::string>& ItemColumns() {
  static const auto* c = new std::vector<std::string>{"id",
                                                      "kind",
                                                      "external_ref",
                                                      "sender_key",
                                                      "title",
                                                      "body",
                                                      "received_on",
                                                      "session_id",
                                                      "batch_id",
                                                      "due_on",
                                                      "status",
                                                      "lead_unit_id",
                                                      "created_by",
                                                      "created_at",
                                                      "updated_at",
                                                      "delegations",
                                                      "field",
                                                      "deputy_name",
                                                      "delegation",
                                                      "addressee",
                                                      "question_form",
                                                      "asked_on",
                                                      "sender",
                                                      "document_number",
                                                      "document_date",
                                                      "requires_response",
                                                      "assigned_by",
                                                      "source_document",
                                                      "source_date",
                                                      "routed_by_rule",
                                                      "due_source",
                                                      "due_rule_id",
                                                      "due_explanation",
                                                      "due_calendar_incomplete",
                                                      "follow_up_on"};
  return *c;
}

constexpr Statement kMoveStaged{"imp_move", R"sql(
    INSERT INTO items (id, kind, external_ref, sender_key, title, body,
        received_on, session_id, batch_id, due_on, status, lead_unit_id,
        created_by, created_at, updated_at, delegations, field, deputy_name,
        delegation, addressee, question_form, asked_on, sender,
        document_number, document_date, requires_response, assigned_by,
        source_document, source_date, routed_by_rule, due_source, due_rule_id,
        due_explanation, due_calendar_incomplete, follow_up_on)
    SELECT id, kind, external_ref, lower(btrim(sender_key)), title, body,
        received_on, session_id, batch_id, due_on, status, lead_unit_id,
        created_by, created_at, updated_at, delegations, field, deputy_name,
        delegation, addressee, question_form, asked_on, sender,
        document_number, document_date, requires_response, assigned_by,
        source_document, source_date, routed_by_rule, due_source, due_rule_id,
        due_explanation, due_calendar_incomplete, follow_up_on
      FROM pq_import_items ORDER BY id)sql"};
// The IMPORTED events: `after` is item_snapshot() of each item, computed
// for the whole set at once (a call per row costs more than the COPY).
constexpr Statement kEvents{"imp_events", R"sql(
    INSERT INTO events (item_id, actor_id, at, kind, before, after, detail)
    SELECT i.id, $1, $2, 'IMPORTED', NULL,
           to_jsonb(i) - 'request_hash' - 'search_doc' - 'title_folded'
           || jsonb_build_object(
                'lead_unit_code', u.code,
                'coordinating_unit_codes', COALESCE(c.codes, '[]'::jsonb),
                'coordination', COALESCE(c.coordination, '[]'::jsonb)),
           s.import_detail::jsonb
      FROM pq_import_items s
      JOIN items i ON i.id = s.id
      LEFT JOIN units u ON u.id = i.lead_unit_id
      LEFT JOIN (
        SELECT iu.item_id,
               jsonb_agg(cu.code ORDER BY cu.code) AS codes,
               jsonb_agg(jsonb_build_object('unit', cu.code,
                                            'due_on', iu.due_on,
                                            'state', iu.state)
                         ORDER BY cu.code) AS coordination
          FROM item_units iu JOIN units cu ON cu.id = iu.unit_id
         WHERE iu.item_id IN (SELECT id FROM pq_import_items)
         GROUP BY iu.item_id) c ON c.item_id = i.id
     ORDER BY i.id)sql"};
constexpr Statement kLatestAnswers{"imp_latest_answers", R"sql(
    SELECT DISTINCT ON (item_id) item_id, document_number, signer, sent_on,
           text, outcome, outcome_detail, roadmap, expected_completion
      FROM answers WHERE item_id = ANY($1::bigint[])
     ORDER BY item_id, id DESC)sql"};

// Checks a unit reference like ResolveUnit does, from memory.
std::optional<std::string> UnitProblem(
    const absl::flat_hash_map<std::string, UnitFacts>& units,
    const std::string& code, std::optional<core::Day> on) {
  auto it = units.find(code);
  return UnitRefusal(code, it == units.end() ? nullptr : &it->second, on,
                     false);
}

struct Batch {
  int64_t session_id = 0;
  std::string forwarding_body;
};

}  // namespace

absl::StatusOr<ImportStore::Result> ImportStore::Import(
    int64_t actor, std::vector<core::ImportRow> rows,
    std::vector<core::RowError> parse_errors, const Options& options,
    absl::Time now) {
  const int total = static_cast<int>(rows.size());
  const auto progress = [&](Phase phase, size_t done) {
    if (options.progress)
      options.progress(phase, static_cast<int>(done), total);
  };
  return db_.Transact<Result>([&](Tx& tx) -> absl::StatusOr<Result> {
    Result result;
    result.errors = parse_errors;
    absl::flat_hash_map<std::string, UnitFacts> units;
    for (const pqxx::row& r : tx.Run(kUnits)) {
      units[Text(r[1])] = {Int(r[0]), Text(r[2]) == "EXTERNAL_AGENCY",
                           DayOf(r[3]), DayOf(r[4])};
    }
    absl::flat_hash_map<int64_t, Batch> batches;
    for (const pqxx::row& r : tx.Run(kBatches)) {
      batches[Int(r[0])] = {Int(r[1]), Text(r[2])};
    }
    absl::flat_hash_set<int64_t> sessions;
    for (const pqxx::row& r : tx.Run(kSessions)) sessions.insert(Int(r[0]));

    // References, row by row.
    std::vector<bool> good(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) good[i] = rows[i].valid;
    std::vector<std::string> senders(rows.size());
    const auto fail = [&](size_t i, std::string column, std::string rule) {
      good[i] = false;
      result.errors.push_back(
          {rows[i].line, std::move(column), std::move(rule)});
    };
    for (size_t i = 0; i < rows.size(); ++i) {
      core::Item& item = rows[i].item;
      std::string forwarding_body;
      if (auto* p = std::get_if<core::PetitionDetails>(&item.details)) {
        auto b = batches.find(p->batch_id);
        if (b == batches.end()) {
          fail(i, "batch_id", absl::StrCat("no batch ", p->batch_id));
        } else if (item.session_id != 0 &&
                   item.session_id != b->second.session_id) {
          fail(i, "session_id",
               absl::StrCat("batch ", p->batch_id, " belongs to session ",
                            b->second.session_id, ", not ", item.session_id));
        } else {
          item.session_id = b->second.session_id;
          forwarding_body = b->second.forwarding_body;
        }
      } else if (item.session_id != 0 && !sessions.contains(item.session_id)) {
        fail(i, "session_id", absl::StrCat("no session ", item.session_id));
      }
      if (!item.lead_unit_code.empty()) {
        if (auto bad =
                UnitProblem(units, item.lead_unit_code, item.received_on)) {
          fail(i, "lead_unit_code", *bad);
        }
      }
      for (const std::string& c : item.coordinating_unit_codes) {
        if (auto bad = UnitProblem(units, c, item.received_on)) {
          fail(i, "coordinating_unit_codes", *bad);
        }
      }
      senders[i] = core::SenderOf(item, forwarding_body);
      progress(Phase::kChecking, (i + 1) / 2);
    }

    // External references: taken already, or repeated in the file.
    {
      std::vector<std::string> s, refs;
      for (size_t i = 0; i < rows.size(); ++i) {
        s.push_back(senders[i]);
        refs.push_back(rows[i].item.external_ref);
      }
      for (const pqxx::row& r : tx.Run(kRefs, s, refs)) {
        const size_t i = static_cast<size_t>(Int(r[0]) - 1);
        if (rows[i].item.external_ref.empty()) continue;
        if (!r[1].is_null()) {
          fail(i, "external_ref",
               absl::StrCat("item ", Int(r[1]), " from \"", senders[i],
                            "\" already has reference \"",
                            rows[i].item.external_ref, "\""));
        } else if (const size_t first = static_cast<size_t>(Int(r[2]) - 1);
                   first != i) {
          fail(i, "external_ref",
               absl::StrCat("line ", rows[first].line, " has reference \"",
                            rows[i].item.external_ref, "\" from \"", senders[i],
                            "\" too"));
        }
      }
    }

    // Routing, then the rows that still lack what an answer needs.
    const std::vector<core::RoutingRule> rules = LoadRules(tx);
    std::vector<std::optional<core::RouteMatch>> routes(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      progress(Phase::kChecking, (rows.size() + i) / 2);
      core::Item& item = rows[i].item;
      if (!good[i] || !item.lead_unit_code.empty() ||
          core::InitialStatus(item) == core::ItemStatus::kNoResponseRequired) {
        continue;
      }
      std::vector<core::RoutingRule> usable;
      for (const core::RoutingRule& rule : rules) {
        bool ok = !UnitProblem(units, rule.lead_unit_code, item.received_on);
        for (const std::string& c : rule.coordinating_unit_codes) {
          ok = ok && !UnitProblem(units, c, item.received_on);
        }
        if (ok) usable.push_back(rule);
      }
      routes[i] = core::Route(usable, item);
      if (routes[i]) {
        item.lead_unit_code = routes[i]->rule.lead_unit_code;
        item.coordinating_unit_codes = routes[i]->rule.coordinating_unit_codes;
      }
    }
    progress(Phase::kChecking, rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (good[i] && rows[i].answer && rows[i].item.lead_unit_code.empty()) {
        fail(i, "lead_unit_code",
             "an answered item needs a lead unit (none given, and no routing "
             "rule matched)");
      }
    }
    std::sort(result.errors.begin(), result.errors.end(),
              [](const core::RowError& a, const core::RowError& b) {
                return a.line < b.line;
              });
    const size_t good_rows = std::count(good.begin(), good.end(), true);
    if ((!result.errors.empty() && !options.skip_invalid) || options.dry_run ||
        good_rows == 0) {
      return result;
    }

    // Everything below writes, with COPY.
    const core::Calendar calendar = LoadCalendar(tx);
    const std::vector<core::DeadlineRule> deadline_rules =
        LoadDeadlineRules(tx);
    const int lead_days = CoordinationLeadDays(tx);
    const core::Ladder ladder = LoadLadder(tx);
    std::vector<int64_t> ids;
    for (const pqxx::row& r : tx.Run(kIds, static_cast<int64_t>(good_rows))) {
      ids.push_back(Int(r[0]));
    }
    std::vector<Params> items, coordinating, answers, schedule;
    size_t next = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      progress(Phase::kWriting, i);
      if (!good[i]) continue;
      const int64_t id = ids[next++];
      result.item_ids.push_back(id);
      const core::Item& item = rows[i].item;
      const std::optional<core::Answer>& answer = rows[i].answer;
      const core::ItemStatus initial = core::InitialStatus(item);
      const core::ItemDue due =
          core::PlanDue(item, initial, deadline_rules, calendar);
      const core::ItemStatus status =
          answer ? core::ItemStatus::kAnswered : initial;
      const auto* pet = std::get_if<core::PetitionDetails>(&item.details);
      std::optional<int64_t> lead;
      if (!item.lead_unit_code.empty()) {
        lead = units[item.lead_unit_code].id;
      }
      Params p;
      p.Add(id);
      p.Add(core::Name(item.kind));
      p.Add(item.external_ref);
      p.Add(senders[i]);  // folded to sender_key when moved into items
      p.Add(item.title);
      p.Add(item.body);
      p.Add(item.received_on);
      p.Add(NullIfZero(item.session_id));
      p.Add(pet ? std::optional<int64_t>(pet->batch_id) : std::nullopt);
      p.Add(due.due);
      p.Add(core::Name(status));
      p.Add(lead);
      p.Add(actor);
      p.Add(now);
      p.Add(now);
      AddDetailParams(p, item);
      p.Add(routes[i] ? std::optional<int64_t>(routes[i]->rule.id)
                      : std::nullopt);
      p.Add(NullIfEmpty(due.source));
      p.Add(NullIfZero(due.rule_id));
      p.Add(absl::StrJoin(due.steps, "\n"));
      p.Add(due.calendar_incomplete);
      p.Add(answer && answer->outcome == core::Outcome::kInResolution
                ? answer->expected_completion
                : std::nullopt);
      JsonObject detail;
      detail.Add("line", static_cast<int64_t>(rows[i].line));
      if (routes[i]) {
        detail.Add("rule_id", routes[i]->rule.id)
            .Add("rule_name", routes[i]->rule.name)
            .Add("reasons", routes[i]->reasons);
      }
      p.Add(detail.Build());
      items.push_back(std::move(p));

      for (const std::string& c : item.coordinating_unit_codes) {
        std::optional<core::Day> c_due;
        if (due.due) {
          c_due = core::CoordinatorDue(*due.due, *item.received_on, lead_days,
                                       calendar);
        }
        coordinating.push_back(Params(id, units[c].id, c_due));
      }
      if (answer) {
        Params a(id, answer->document_number, answer->signer);
        a.Add(answer->sent_on);
        a.Add(answer->text);
        a.Add(core::Name(answer->outcome));
        a.Add(core::Name(answer->detail));
        a.Add(answer->roadmap);
        a.Add(answer->expected_completion);
        a.Add(actor);
        a.Add(now);
        answers.push_back(std::move(a));
      } else if (due.due && status != core::ItemStatus::kNoResponseRequired) {
        std::vector<core::PlannedAlert> plan =
            core::PlanLadder(*due.due, ladder, calendar);
        core::SkipPassedLevels(plan, now, core::PassedLevels::kSkipAll);
        for (const core::PlannedAlert& al : plan) {
          Params s(id, int64_t{1}, al.level, core::Name(al.kind),
                   static_cast<int64_t>(al.days_left), al.fire_at);
          if (al.skipped) {
            s.Add(now);
          } else {
            s.Add(Null{});
          }
          s.Add(al.skipped);
          schedule.push_back(std::move(s));
        }
      }
    }
    progress(Phase::kWriting, rows.size());
    tx.ExecScript(
        "CREATE TEMP TABLE pq_import_items (LIKE items INCLUDING DEFAULTS) "
        "ON COMMIT DROP; "
        "ALTER TABLE pq_import_items ADD COLUMN import_detail text");
    std::vector<std::string> staged = ItemColumns();
    staged.push_back("import_detail");
    tx.Copy<36>("pq_import_items", staged, items);
    tx.Run(kMoveStaged);
    tx.Copy<3>("item_units", {"item_id", "unit_id", "due_on"}, coordinating);
    tx.Copy<11>("answers",
                {"item_id", "document_number", "signer", "sent_on", "text",
                 "outcome", "outcome_detail", "roadmap", "expected_completion",
                 "created_by", "created_at"},
                answers);
    tx.Run(kEvents, actor, now);
    tx.Copy<8>("alert_schedule",
               {"item_id", "deadline_version", "level", "kind", "days_left",
                "fire_at", "cancelled_at", "skipped"},
               schedule);
    return result;
  });
}

absl::StatusOr<absl::flat_hash_map<int64_t, core::Answer>>
ImportStore::LatestAnswers(const std::vector<int64_t>& item_ids) {
  using Answers = absl::flat_hash_map<int64_t, core::Answer>;
  return db_.Transact<Answers>([&](Tx& tx) -> absl::StatusOr<Answers> {
    Answers out;
    for (const pqxx::row& r : tx.Run(kLatestAnswers, IdArray(item_ids))) {
      core::Answer a;
      a.document_number = Text(r[1]);
      a.signer = Text(r[2]);
      a.sent_on = DayOf(r[3]);
      a.text = Text(r[4]);
      a.outcome = core::ParseEnum<core::Outcome>(Text(r[5]))
                      .value_or(core::Outcome::kUnspecified);
      a.detail = core::ParseEnum<core::OutcomeDetail>(Text(r[6]))
                     .value_or(core::OutcomeDetail::kUnspecified);
      a.roadmap = Text(r[7]);
      a.expected_completion = DayOf(r[8]);
      out[Int(r[0])] = std::move(a);
    }
    return out;
  });
}

}  // namespace pqtrack::store
