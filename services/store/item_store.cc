#include "services/store/item_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/item_rules.h"
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
constexpr Statement kFindUnit{
    "item_find_unit",
    "SELECT id, kind, valid_from, valid_to FROM units WHERE code = $1"};
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
            assigned_by, source_document, source_date)
          VALUES ($1, $2, lower(btrim($3)), $4, $5, $6, $7, $8, $9, $10, $11,
                  $12, $13, $14, $15, $15, $16::text[], $17, $18, $19, $20,
                  $21, $22, $23, $24, $25, $26, $27, $28, $29)
          RETURNING id)sql"};

constexpr Statement kInsertCoordinating{
    "item_insert_coordinating",
    R"sql(INSERT INTO item_units (item_id, unit_id)
          SELECT $1, id FROM units WHERE code = ANY($2::text[]))sql"};

constexpr Statement kInsertEvent{
    "item_insert_event",
    R"sql(INSERT INTO events (item_id, actor_id, at, kind, before, after)
          VALUES ($1, $2, $3, $4, NULL, item_snapshot($1)))sql"};

// $1: scope unit code (NULL = everything). Items visible from the scope.
#define PQTRACK_SCOPE_CTE                                           \
  "WITH RECURSIVE scope AS ("                                       \
  "  SELECT id FROM units WHERE code = $1"                          \
  "  UNION ALL"                                                     \
  "  SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id)," \
  " lead_scope AS ("                                                \
  "  SELECT id FROM units WHERE code = $2"                          \
  "  UNION ALL"                                                     \
  "  SELECT u.id FROM units u JOIN lead_scope s ON u.parent_id = s.id) "

#define PQTRACK_VISIBLE                                             \
  "($1::text IS NULL OR i.lead_unit_id IN (SELECT id FROM scope)"   \
  " OR EXISTS (SELECT 1 FROM item_units iu WHERE iu.item_id = i.id" \
  "            AND iu.unit_id IN (SELECT id FROM scope))) "

#define PQTRACK_ITEM_COLUMNS                                                \
  "i.id, i.kind, i.external_ref, i.title, i.body, i.received_on,"           \
  " i.session_id, i.due_on, i.status, lu.code,"                             \
  " array_to_string(ARRAY(SELECT u.code FROM item_units iu"                 \
  "   JOIN units u ON u.id = iu.unit_id WHERE iu.item_id = i.id"            \
  "   ORDER BY u.code), E'\\x1f'),"                                         \
  " i.version, (extract(epoch FROM i.created_at) * 1000000)::bigint,"       \
  " (extract(epoch FROM i.updated_at) * 1000000)::bigint,"                  \
  " i.batch_id, array_to_string(i.delegations, E'\\x1f'), i.field,"         \
  " i.deputy_name, i.delegation, i.addressee, i.question_form, i.asked_on," \
  " i.sender, i.document_number, i.document_date, i.requires_response,"     \
  " i.assigned_by, i.source_document, i.source_date"                        \
  " FROM items i LEFT JOIN units lu ON lu.id = i.lead_unit_id "

constexpr Statement kGetItem{"item_get", PQTRACK_SCOPE_CTE
                             "SELECT " PQTRACK_ITEM_COLUMNS
                             "WHERE i.id = $3 AND " PQTRACK_VISIBLE};

constexpr Statement kListItems{
    "item_list", PQTRACK_SCOPE_CTE
    "SELECT " PQTRACK_ITEM_COLUMNS "WHERE " PQTRACK_VISIBLE
    " AND ($3::text IS NULL OR i.kind = $3)"
    " AND ($4::bigint IS NULL OR i.session_id = $4)"
    " AND ($5::bigint IS NULL OR i.batch_id = $5)"
    " AND ($2::text IS NULL OR i.lead_unit_id IN (SELECT id FROM lead_scope))"
    " AND ($6::text[] IS NULL OR i.status = ANY($6::text[]))"
    " AND ($7::date IS NULL OR i.received_on >= $7)"
    " AND ($8::date IS NULL OR i.received_on <= $8)"
    " AND ($9::date IS NULL OR i.due_on < $9)"
    " AND ($10::bigint IS NULL OR i.id < $10)"
    " ORDER BY i.id DESC LIMIT $11"};

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
  it.coordinating_unit_codes = ListOf(r[10]);
  it.version = Int(r[11]);
  it.create_time = TimeOf(r[12]);
  it.update_time = TimeOf(r[13]);
  switch (it.kind) {
    case core::ItemKind::kPetition:
      it.details =
          core::PetitionDetails{Int(r[14]), ListOf(r[15]), Text(r[16])};
      break;
    case core::ItemKind::kQuestion:
      it.details =
          core::QuestionDetails{Text(r[17]), Text(r[18]), Text(r[19]),
                                core::ParseEnum<core::QuestionForm>(Text(r[20]))
                                    .value_or(core::QuestionForm::kUnspecified),
                                DayOf(r[21])};
      break;
    case core::ItemKind::kDocument:
      it.details = core::DocumentDetails{Text(r[22]), Text(r[23]), DayOf(r[24]),
                                         Bool(r[25])};
      break;
    case core::ItemKind::kTask:
      it.details = core::TaskDetails{Text(r[26]), Text(r[27]), DayOf(r[28])};
      break;
    case core::ItemKind::kUnspecified:
      break;
  }
  return it;
}

// Checks that `code` names an internal unit that exists on `day`.
absl::Status CheckUnit(Tx& tx, const std::string& field,
                       const std::string& code, absl::CivilDay day) {
  const pqxx::result r = tx.Run(kFindUnit, code);
  if (r.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": no unit \"", code, "\""));
  }
  if (Text(r[0][1]) == "EXTERNAL_AGENCY") {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", code,
                     "\" is an external agency, not a unit of the "
                     "ministry"));
  }
  const auto from = DayOf(r[0][2]);
  const auto to = DayOf(r[0][3]);
  if ((from && day < *from) || (to && day > *to)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": unit \"", code, "\" did not exist on ", FormatIsoDate(day)));
  }
  return absl::OkStatus();
}

absl::StatusOr<core::Item> Reload(Tx& tx, int64_t id) {
  const pqxx::result r = tx.Run(kGetItem, Null{}, Null{}, id);
  if (r.empty()) return absl::NotFoundError(absl::StrCat("no item ", id));
  return ItemFromRow(r[0]);
}

}  // namespace

absl::StatusOr<ItemStore::RecordResult> ItemStore::RecordItem(
    int64_t actor, const core::Item& in, const std::string& request_id,
    const std::string& request_hash, absl::Time now) {
  return db_.Transact<RecordResult>(
      [&](Tx& tx) -> absl::StatusOr<RecordResult> {
        tx.Run(kLockRequest, request_id);
        if (const pqxx::result prior = tx.Run(kFindRequest, request_id);
            !prior.empty()) {
          if (Text(prior[0][1]) != request_hash) {
            return absl::AlreadyExistsError(absl::StrCat(
                "request_id: \"", request_id, "\" was already used for item ",
                Int(prior[0][0]), " with different content"));
          }
          PQ_ASSIGN_OR_RETURN(core::Item item, Reload(tx, Int(prior[0][0])));
          return RecordResult{std::move(item), true};
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
        if (!item.lead_unit_code.empty()) {
          PQ_RETURN_IF_ERROR(CheckUnit(tx, "item.lead_unit_code",
                                       item.lead_unit_code, *item.received_on));
        }
        for (const std::string& code : item.coordinating_unit_codes) {
          PQ_RETURN_IF_ERROR(CheckUnit(tx, "item.coordinating_unit_codes", code,
                                       *item.received_on));
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
        std::optional<int64_t> lead_id;
        if (!item.lead_unit_code.empty()) {
          lead_id = Int(tx.Run(kFindUnit, item.lead_unit_code)[0][0]);
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
        const auto* que = std::get_if<core::QuestionDetails>(&item.details);
        const auto* doc = std::get_if<core::DocumentDetails>(&item.details);
        const auto* task = std::get_if<core::TaskDetails>(&item.details);
        p.Add(pet ? std::optional<int64_t>(pet->batch_id) : std::nullopt);
        p.Add(item.due_on);
        p.Add(std::string(core::Name(core::InitialStatus(item))));
        p.Add(lead_id);
        p.Add(request_id);
        p.Add(request_hash);
        p.Add(actor);
        p.Add(now);
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
        const int64_t id = Int(tx.Exec(kInsertItem, p)[0][0]);
        if (!item.coordinating_unit_codes.empty()) {
          tx.Run(kInsertCoordinating, id, item.coordinating_unit_codes);
        }
        tx.Run(kInsertEvent, id, actor, now, "RECORDED");
        PQ_ASSIGN_OR_RETURN(core::Item stored, Reload(tx, id));
        return RecordResult{std::move(stored), false};
      });
}

absl::StatusOr<core::Item> ItemStore::GetItem(
    const std::optional<std::string>& scope_unit, int64_t id) {
  return db_.Transact<core::Item>([&](Tx& tx) -> absl::StatusOr<core::Item> {
    const pqxx::result r = tx.Run(kGetItem, scope_unit, Null{}, id);
    if (r.empty()) return absl::NotFoundError(absl::StrCat("no item ", id));
    return ItemFromRow(r[0]);
  });
}

absl::StatusOr<std::vector<core::Item>> ItemStore::ListItems(
    const std::optional<std::string>& scope_unit, const core::ItemFilter& f,
    const core::PageRequest& page, bool* more) {
  return db_.Transact<std::vector<core::Item>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Item>> {
        if (!f.lead_unit_code.empty() &&
            tx.Run(kFindUnit, f.lead_unit_code).empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "lead_unit_code: no unit \"", f.lead_unit_code, "\""));
        }
        std::optional<std::vector<std::string>> statuses;
        if (!f.statuses.empty()) {
          statuses.emplace();
          for (core::ItemStatus s : f.statuses) {
            statuses->emplace_back(core::Name(s));
          }
        }
        std::optional<std::string> kind;
        if (f.kind != core::ItemKind::kUnspecified) {
          kind = std::string(core::Name(f.kind));
        }
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
        p.Add(NullIfZero(page.after_id));
        p.Add(page.size + 1);
        std::vector<core::Item> out;
        for (const pqxx::row& r : tx.Exec(kListItems, p)) {
          out.push_back(ItemFromRow(r));
        }
        *more = static_cast<int>(out.size()) > page.size;
        if (*more) out.resize(page.size);
        return out;
      });
}

}  // namespace pqtrack::store
