#include "services/store/assembly_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kInsertTerm{
    "assembly_insert_term",
    R"sql(INSERT INTO terms (code, number, start_year, end_year, created_at)
          VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT (code) DO NOTHING
          RETURNING id, code, number, start_year, end_year,
                    (extract(epoch FROM created_at) * 1000000)::bigint)sql"};

constexpr Statement kListTerms{
    "assembly_list_terms",
    R"sql(SELECT id, code, number, start_year, end_year,
                 (extract(epoch FROM created_at) * 1000000)::bigint
            FROM terms ORDER BY start_year, id)sql"};

constexpr Statement kFindTerm{"assembly_find_term",
                              "SELECT id FROM terms WHERE code = $1"};

constexpr char kSessionColumns[] =
    "s.id, s.term_id, t.code, s.number, s.kind, s.opens_on, s.closes_on, "
    "s.note";

const Statement kInsertSession{"assembly_insert_session",
                               R"sql(WITH ins AS (
            INSERT INTO sessions (term_id, number, kind, opens_on, closes_on,
                                  note, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (term_id, kind, number) DO NOTHING
            RETURNING id)
          SELECT id FROM ins)sql"};

const std::string kSelectSessions =
    absl::StrCat("SELECT ", kSessionColumns,
                 " FROM sessions s JOIN terms t ON t.id = s.term_id"
                 " WHERE ($1::text IS NULL OR t.code = $1)"
                 "   AND ($2::bigint IS NULL OR s.id = $2)"
                 " ORDER BY s.opens_on, s.id");
const Statement kListSessions{"assembly_list_sessions",
                              kSelectSessions.c_str()};

constexpr Statement kFindSession{"assembly_find_session",
                                 "SELECT id FROM sessions WHERE id = $1"};

constexpr Statement kInsertBatch{
    "assembly_insert_batch",
    R"sql(INSERT INTO batches (session_id, phase, forwarding_body,
                               document_number, received_on, note, created_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7)
          ON CONFLICT (forwarding_body, document_number) DO NOTHING
          RETURNING id)sql"};

constexpr Statement kListBatches{
    "assembly_list_batches",
    R"sql(SELECT b.id, b.session_id, b.phase, b.forwarding_body,
                 b.document_number, b.received_on, b.note,
                 (SELECT count(*) FROM items i WHERE i.batch_id = b.id)
            FROM batches b JOIN sessions s ON s.id = b.session_id
           WHERE ($1::bigint IS NULL OR b.session_id = $1)
             AND ($2::bigint IS NULL OR b.id = $2)
           ORDER BY s.opens_on, b.received_on, b.id)sql"};

core::Term TermFromRow(const pqxx::row& r) {
  core::Term t;
  t.id = Int(r[0]);
  t.code = Text(r[1]);
  t.number = static_cast<int>(Int(r[2]));
  t.start_year = static_cast<int>(Int(r[3]));
  t.end_year = static_cast<int>(Int(r[4]));
  t.create_time = TimeOf(r[5]);
  return t;
}

core::Session SessionFromRow(const pqxx::row& r) {
  core::Session s;
  s.id = Int(r[0]);
  s.term_id = Int(r[1]);
  s.term_code = Text(r[2]);
  s.number = static_cast<int>(Int(r[3]));
  s.kind = core::ParseEnum<core::SessionKind>(Text(r[4]))
               .value_or(core::SessionKind::kUnspecified);
  s.opens_on = DayOf(r[5]);
  s.closes_on = DayOf(r[6]);
  s.note = Text(r[7]);
  return s;
}

core::Batch BatchFromRow(const pqxx::row& r) {
  core::Batch b;
  b.id = Int(r[0]);
  b.session_id = Int(r[1]);
  b.phase = core::ParseEnum<core::BatchPhase>(Text(r[2]))
                .value_or(core::BatchPhase::kUnspecified);
  b.forwarding_body = Text(r[3]);
  b.document_number = Text(r[4]);
  b.received_on = DayOf(r[5]);
  b.note = Text(r[6]);
  b.item_count = Int(r[7]);
  return b;
}

}  // namespace

absl::StatusOr<core::Term> AssemblyStore::CreateTerm(const core::Term& term,
                                                     absl::Time now) {
  return db_.Transact<core::Term>([&](Tx& tx) -> absl::StatusOr<core::Term> {
    const pqxx::result r = tx.Run(kInsertTerm, term.code, term.number,
                                  term.start_year, term.end_year, now);
    if (r.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("term.code: a term \"", term.code, "\" exists already"));
    }
    return TermFromRow(r[0]);
  });
}

absl::StatusOr<std::vector<core::Term>> AssemblyStore::ListTerms() {
  return db_.Transact<std::vector<core::Term>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Term>> {
        std::vector<core::Term> out;
        for (const pqxx::row& r : tx.Run(kListTerms)) {
          out.push_back(TermFromRow(r));
        }
        return out;
      });
}

absl::StatusOr<core::Session> AssemblyStore::CreateSession(
    const core::Session& s, absl::Time now) {
  return db_.Transact<core::Session>(
      [&](Tx& tx) -> absl::StatusOr<core::Session> {
        const pqxx::result term = tx.Run(kFindTerm, s.term_code);
        if (term.empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("term_code: no term \"", s.term_code, "\" exists"));
        }
        const pqxx::result r = tx.Run(kInsertSession, Int(term[0][0]), s.number,
                                      std::string(core::Name(s.kind)),
                                      s.opens_on, s.closes_on, s.note, now);
        if (r.empty()) {
          return absl::AlreadyExistsError(
              absl::StrCat("number: term ", s.term_code, " already has ",
                           core::Name(s.kind), " session ", s.number));
        }
        return SessionFromRow(tx.Run(kListSessions, Null{}, Int(r[0][0]))[0]);
      });
}

absl::StatusOr<std::vector<core::Session>> AssemblyStore::ListSessions(
    const std::string& term_code) {
  return db_.Transact<std::vector<core::Session>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Session>> {
        std::vector<core::Session> out;
        for (const pqxx::row& r :
             tx.Run(kListSessions, NullIfEmpty(term_code), Null{})) {
          out.push_back(SessionFromRow(r));
        }
        return out;
      });
}

absl::StatusOr<core::Batch> AssemblyStore::CreateBatch(const core::Batch& b,
                                                       absl::Time now) {
  return db_.Transact<core::Batch>([&](Tx& tx) -> absl::StatusOr<core::Batch> {
    if (tx.Run(kFindSession, b.session_id).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("session_id: no session ", b.session_id, " exists"));
    }
    const pqxx::result r = tx.Run(
        kInsertBatch, b.session_id, std::string(core::Name(b.phase)),
        b.forwarding_body, b.document_number, b.received_on, b.note, now);
    if (r.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("document_number: ", b.forwarding_body,
                       " already sent a batch \"", b.document_number, "\""));
    }
    return BatchFromRow(tx.Run(kListBatches, Null{}, Int(r[0][0]))[0]);
  });
}

absl::StatusOr<std::vector<core::Batch>> AssemblyStore::ListBatches(
    int64_t session_id) {
  return db_.Transact<std::vector<core::Batch>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Batch>> {
        std::vector<core::Batch> out;
        for (const pqxx::row& r :
             tx.Run(kListBatches, NullIfZero(session_id), Null{})) {
          out.push_back(BatchFromRow(r));
        }
        return out;
      });
}

}  // namespace pqtrack::store
