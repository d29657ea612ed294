#include "services/store/item_rows.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/dates.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kGetOne{
    "item_rows_get",
    "SELECT " PQTRACK_ITEM_COLUMNS PQTRACK_ITEM_EXTRA_COLUMNS PQTRACK_ITEM_FROM
        PQTRACK_ITEM_EXTRA_FROM "WHERE i.id = $1"};

constexpr Statement kCoordination{
    "item_rows_coordination",
    R"sql(SELECT iu.item_id, u.code, iu.due_on, iu.state, iu.input_text,
                 (extract(epoch FROM iu.input_at) * 1000000)::bigint
            FROM item_units iu JOIN units u ON u.id = iu.unit_id
           WHERE iu.item_id = ANY($1::bigint[])
           ORDER BY iu.item_id, u.code)sql"};

constexpr Statement kMergedAndDrafts{"item_rows_merged",
                                     R"sql(SELECT 'M', m.merged_into, m.id,
                 array_to_string(m.delegations, E'\x1f')
            FROM items m WHERE m.merged_into = ANY($1::bigint[])
          UNION ALL
          SELECT 'D', d.item_id, max(d.number), NULL
            FROM drafts d WHERE d.item_id = ANY($1::bigint[])
           GROUP BY d.item_id
           ORDER BY 1, 2, 3)sql"};

constexpr Statement kFindUnit{
    "item_rows_find_unit",
    "SELECT id, kind, valid_from, valid_to FROM units WHERE code = $1"};

// Up to three unit codes most like $1 (trigram similarity, then the code
// that shares its first letter).
constexpr Statement kNearestUnits{
    "item_rows_nearest_units",
    "SELECT code FROM units WHERE similarity(code, upper($1)) > 0"
    " OR left(code, 1) = upper(left($1, 1))"
    " ORDER BY similarity(code, upper($1)) DESC, code LIMIT 3"};

constexpr Statement kAppendEvent{
    "item_rows_append_event",
    R"sql(INSERT INTO events (item_id, actor_id, at, kind, before, after, detail)
          VALUES ($1, $2, $3, $4, $5::jsonb, item_snapshot($1), $6::jsonb))sql"};

constexpr Statement kSnapshot{"item_rows_snapshot",
                              "SELECT item_snapshot($1)::text"};

}  // namespace

std::vector<std::string> IdArray(const std::vector<int64_t>& ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (int64_t id : ids) out.push_back(absl::StrCat(id));
  return out;
}

core::Item ItemFromRow(const pqxx::row& r) {
  core::Item it;
  it.id = Int(r[0]);
  it.kind = core::ParseEnum<core::ItemKind>(Text(r[1]))
                .value_or(core::ItemKind::kUnspecified);
  it.external_ref = Text(r[2]);
  it.title = Text(r[3]);
  it.body = Text(r[4]);
  it.received_on = DayOf(r[5]);
  it.session_id = Int(r[6]);
  it.due_on = DayOf(r[7]);
  it.status = core::ParseEnum<core::ItemStatus>(Text(r[8]))
                  .value_or(core::ItemStatus::kUnspecified);
  it.lead_unit_code = Text(r[9]);
  it.version = Int(r[10]);
  it.create_time = TimeOf(r[11]);
  it.update_time = TimeOf(r[12]);
  switch (it.kind) {
    case core::ItemKind::kPetition:
      it.details =
          core::PetitionDetails{Int(r[13]), ListOf(r[14]), Text(r[15])};
      it.all_delegations = ListOf(r[14]);
      break;
    case core::ItemKind::kQuestion:
      it.details =
          core::QuestionDetails{Text(r[16]), Text(r[17]), Text(r[18]),
                                core::ParseEnum<core::QuestionForm>(Text(r[19]))
                                    .value_or(core::QuestionForm::kUnspecified),
                                DayOf(r[20])};
      break;
    case core::ItemKind::kDocument:
      it.details = core::DocumentDetails{Text(r[21]), Text(r[22]), DayOf(r[23]),
                                         Bool(r[24])};
      break;
    case core::ItemKind::kTask:
      it.details = core::TaskDetails{Text(r[25]), Text(r[26]), DayOf(r[27])};
      break;
    case core::ItemKind::kUnspecified:
      break;
  }
  it.merged_into = Int(r[28]);
  it.follow_up_on = DayOf(r[29]);
  it.approved = Bool(r[30]);
  it.transferred_to_code = Text(r[31]);
  it.routed_by_rule_id = Int(r[32]);
  it.returned = Bool(r[33]);
  return it;
}

namespace {

void AddCoordination(core::Item& it, std::string code,
                     std::optional<absl::CivilDay> due_on,
                     const std::string& state, std::string text,
                     std::optional<absl::Time> input_time) {
  core::Coordination c;
  c.unit_code = std::move(code);
  c.due_on = due_on;
  c.state = core::ParseEnum<core::CoordinationState>(state).value_or(
      core::CoordinationState::kOpen);
  c.text = std::move(text);
  c.input_time = input_time;
  it.coordinating_unit_codes.push_back(c.unit_code);
  it.coordination.push_back(std::move(c));
}

void AddMerged(core::Item& it, int64_t merged_id,
               std::vector<std::string> delegations) {
  it.merged_item_ids.push_back(merged_id);
  for (std::string& d : delegations) {
    if (std::find(it.all_delegations.begin(), it.all_delegations.end(), d) ==
        it.all_delegations.end()) {
      it.all_delegations.push_back(std::move(d));
    }
  }
}

// Where PQTRACK_ITEM_EXTRA_COLUMNS start.
constexpr int kExtras = 34;

}  // namespace

core::Item ItemWithExtrasFromRow(const pqxx::row& r) {
  core::Item it = ItemFromRow(r);
  const auto codes = ArrayOf(r[kExtras + 0]);
  const auto dues = ArrayOf(r[kExtras + 1]);
  const auto states = ArrayOf(r[kExtras + 2]);
  const auto texts = ArrayOf(r[kExtras + 3]);
  const auto input_ats = ArrayOf(r[kExtras + 4]);
  for (size_t k = 0; k < codes.size(); ++k) {
    std::optional<absl::CivilDay> due;
    if (k < dues.size() && dues[k]) {
      if (auto day = ParseIsoDate(*dues[k]); day.ok()) due = *day;
    }
    std::optional<absl::Time> input;
    int64_t micros = 0;
    if (k < input_ats.size() && input_ats[k] &&
        absl::SimpleAtoi(*input_ats[k], &micros)) {
      input = absl::FromUnixMicros(micros);
    }
    AddCoordination(it, codes[k].value_or(""), due,
                    k < states.size() ? states[k].value_or("") : "",
                    k < texts.size() ? texts[k].value_or("") : "", input);
  }
  const auto merged = ArrayOf(r[kExtras + 5]);
  const auto delegations = ArrayOf(r[kExtras + 6]);
  for (size_t k = 0; k < merged.size(); ++k) {
    int64_t id = 0;
    if (!merged[k] || !absl::SimpleAtoi(*merged[k], &id)) continue;
    std::vector<std::string> d;
    if (k < delegations.size() && delegations[k] && !delegations[k]->empty()) {
      d = absl::StrSplit(*delegations[k], kArraySeparator);
    }
    AddMerged(it, id, std::move(d));
  }
  it.draft_count = static_cast<int>(Int(r[kExtras + 7]));
  if (!r[kExtras + 8].is_null()) {
    core::SentAnswer& s = it.answer.emplace();
    s.answer.document_number = Text(r[kExtras + 8]);
    s.answer.signer = Text(r[kExtras + 9]);
    s.answer.sent_on = DayOf(r[kExtras + 10]);
    s.answer.outcome = core::ParseEnum<core::Outcome>(Text(r[kExtras + 11]))
                           .value_or(core::Outcome::kUnspecified);
    s.answer.detail =
        core::ParseEnum<core::OutcomeDetail>(Text(r[kExtras + 12]))
            .value_or(core::OutcomeDetail::kUnspecified);
    s.answer.roadmap = Text(r[kExtras + 13]);
    s.answer.expected_completion = DayOf(r[kExtras + 14]);
    s.answer.text = Text(r[kExtras + 15]);
    s.draft_number = static_cast<int>(Int(r[kExtras + 16]));
    s.sender_login = Text(r[kExtras + 17]);
    s.record_time = absl::FromUnixMicros(Int(r[kExtras + 18]));
  }
  return it;
}

void FillExtras(Tx& tx, std::vector<core::Item>& items) {
  if (items.empty()) return;
  absl::flat_hash_map<int64_t, core::Item*> by_id;
  std::vector<int64_t> ids;
  for (core::Item& it : items) {
    by_id[it.id] = &it;
    ids.push_back(it.id);
  }
  const std::vector<std::string> array = IdArray(ids);
  for (const pqxx::row& r : tx.Run(kCoordination, array)) {
    AddCoordination(*by_id[Int(r[0])], Text(r[1]), DayOf(r[2]), Text(r[3]),
                    Text(r[4]), OptionalTimeOf(r[5]));
  }
  for (const pqxx::row& r : tx.Run(kMergedAndDrafts, array)) {
    core::Item* it = by_id[Int(r[1])];
    if (Text(r[0]) == "M") {
      AddMerged(*it, Int(r[2]), ListOf(r[3]));
    } else {
      it->draft_count = static_cast<int>(Int(r[2]));
    }
  }
}

absl::StatusOr<core::Item> LoadItem(Tx& tx, int64_t id) {
  const pqxx::result r = tx.Run(kGetOne, id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("no item ", id));
  return ItemWithExtrasFromRow(r[0]);
}

std::optional<std::string> UnitRefusal(const std::string& code,
                                       const UnitFacts* facts,
                                       std::optional<absl::CivilDay> on,
                                       bool allow_external) {
  if (facts == nullptr) return absl::StrCat("no unit \"", code, "\"");
  if (facts->external && !allow_external) {
    return absl::StrCat("\"", code,
                        "\" is an external agency, not a unit of the ministry");
  }
  if (on && ((facts->valid_from && *on < *facts->valid_from) ||
             (facts->valid_to && *on > *facts->valid_to))) {
    return absl::StrCat("unit \"", code, "\" did not exist on ",
                        FormatIsoDate(*on));
  }
  return std::nullopt;
}

absl::StatusOr<UnitRef> ResolveUnit(Tx& tx, const std::string& field,
                                    const std::string& code,
                                    std::optional<absl::CivilDay> on,
                                    bool allow_external) {
  const pqxx::result r = tx.Run(kFindUnit, code);
  std::optional<UnitFacts> facts;
  if (!r.empty()) {
    facts = UnitFacts{Int(r[0][0]), Text(r[0][1]) == "EXTERNAL_AGENCY",
                      DayOf(r[0][2]), DayOf(r[0][3])};
  }
  if (auto refusal =
          UnitRefusal(code, facts ? &*facts : nullptr, on, allow_external)) {
    std::string hint;
    if (!facts) {
      // The codes that look most like it: a typo's likely fix.
      std::vector<std::string> near;
      for (const pqxx::row& n : tx.Run(kNearestUnits, code)) {
        near.push_back(Text(n[0]));
      }
      if (!near.empty()) {
        hint = absl::StrCat("; the nearest codes: ", absl::StrJoin(near, ", "));
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", *refusal, hint));
  }
  return UnitRef{facts->id, facts->external};
}

void AppendEvent(Tx& tx, int64_t item_id, int64_t actor, absl::Time at,
                 const std::string& kind, const std::string& before_json,
                 const std::string& detail_json) {
  tx.Run(kAppendEvent, item_id, NullIfZero(actor), at, kind,
         NullIfEmpty(before_json), NullIfEmpty(detail_json));
}

std::string Snapshot(Tx& tx, int64_t item_id) {
  return Text(tx.Run(kSnapshot, item_id)[0][0]);
}

void AddDetailParams(Params& p, const core::Item& item) {
  const auto* pet = std::get_if<core::PetitionDetails>(&item.details);
  const auto* que = std::get_if<core::QuestionDetails>(&item.details);
  const auto* doc = std::get_if<core::DocumentDetails>(&item.details);
  const auto* task = std::get_if<core::TaskDetails>(&item.details);
  if (pet) {
    p.Add(pet->delegations);
    p.Add(pet->field);
  } else {
    p.Add(Null{});
    p.Add(Null{});
  }
  if (que) {
    p.Add(que->deputy_name);
    p.Add(que->delegation);
    p.Add(que->addressee);
    p.Add(std::string(core::Name(que->form)));
    p.Add(que->asked_on);
  } else {
    for (int i = 0; i < 5; ++i) p.Add(Null{});
  }
  if (doc) {
    p.Add(doc->sender);
    p.Add(doc->document_number);
    p.Add(doc->document_date);
    p.Add(doc->requires_response);
  } else {
    for (int i = 0; i < 4; ++i) p.Add(Null{});
  }
  if (task) {
    p.Add(task->assigned_by);
    p.Add(task->source_document);
    p.Add(task->source_date);
  } else {
    for (int i = 0; i < 3; ++i) p.Add(Null{});
  }
}

}  // namespace pqtrack::store
