#include "services/store/unit_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kFindUnit{"unit_find",
                              "SELECT id, kind FROM units WHERE code = $1"};

constexpr Statement kInsertUnit{
    "unit_insert",
    R"sql(INSERT INTO units (code, name_vi, name_en, parent_id, kind,
                             valid_from, valid_to, successor_id, created_at,
                             updated_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
          ON CONFLICT (code) DO NOTHING
          RETURNING id)sql"};

constexpr Statement kUpdateUnit{
    "unit_update",
    R"sql(UPDATE units SET name_vi = $2, name_en = $3, parent_id = $4,
                           valid_from = $5, valid_to = $6, successor_id = $7,
                           updated_at = $8
           WHERE code = $1)sql"};

// Is $2 (a unit id) the unit $1 or one of its descendants?
constexpr Statement kInSubtree{"unit_in_subtree",
                               R"sql(WITH RECURSIVE sub AS (
            SELECT id FROM units WHERE id = $1
            UNION ALL
            SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)
          SELECT EXISTS (SELECT 1 FROM sub WHERE id = $2))sql"};

constexpr Statement kListUnits{"unit_list",
                               R"sql(WITH RECURSIVE tree AS (
            SELECT u.id, 0 AS depth,
                   ARRAY[CASE WHEN u.kind = 'EXTERNAL_AGENCY' THEN '1' ELSE '0'
                         END || u.code] AS path
              FROM units u
             WHERE ($1::text IS NULL AND u.parent_id IS NULL) OR u.code = $1
            UNION ALL
            SELECT c.id, t.depth + 1, t.path || c.code
              FROM units c JOIN tree t ON c.parent_id = t.id)
          SELECT u.code, u.name_vi, u.name_en, p.code, u.kind, u.valid_from,
                 u.valid_to, s.code, t.depth
            FROM tree t
            JOIN units u ON u.id = t.id
            LEFT JOIN units p ON p.id = u.parent_id
            LEFT JOIN units s ON s.id = u.successor_id
           WHERE $2 OR u.valid_to IS NULL OR u.valid_to >= $3::date
           ORDER BY t.path)sql"};

constexpr Statement kGetUnit{
    "unit_get",
    R"sql(SELECT u.code, u.name_vi, u.name_en, p.code, u.kind, u.valid_from,
                 u.valid_to, s.code, 0
            FROM units u
            LEFT JOIN units p ON p.id = u.parent_id
            LEFT JOIN units s ON s.id = u.successor_id
           WHERE u.code = $1)sql"};

core::Unit UnitFromRow(const pqxx::row& r) {
  core::Unit u;
  u.code = Text(r[0]);
  u.name_vi = Text(r[1]);
  u.name_en = Text(r[2]);
  u.parent_code = Text(r[3]);
  u.kind = core::ParseEnum<core::UnitKind>(Text(r[4]))
               .value_or(core::UnitKind::kUnspecified);
  u.valid_from = DayOf(r[5]);
  u.valid_to = DayOf(r[6]);
  u.successor_code = Text(r[7]);
  u.depth = static_cast<int>(Int(r[8]));
  return u;
}

struct Refs {
  std::optional<int64_t> parent_id;
  std::optional<int64_t> successor_id;
};

// Resolves the parent and successor codes of `u`, checking that they exist
// and that an internal unit does not hang under an external agency.
absl::StatusOr<Refs> ResolveRefs(Tx& tx, const core::Unit& u) {
  Refs refs;
  if (!u.parent_code.empty()) {
    const pqxx::result p = tx.Run(kFindUnit, u.parent_code);
    if (p.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unit.parent_code: no unit \"", u.parent_code, "\""));
    }
    if (Text(p[0][1]) == "EXTERNAL_AGENCY") {
      return absl::InvalidArgumentError(absl::StrCat(
          "unit.parent_code: \"", u.parent_code,
          "\" is an external agency and cannot have units under it"));
    }
    refs.parent_id = Int(p[0][0]);
  }
  if (!u.successor_code.empty()) {
    const pqxx::result s = tx.Run(kFindUnit, u.successor_code);
    if (s.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unit.successor_code: no unit \"", u.successor_code, "\""));
    }
    refs.successor_id = Int(s[0][0]);
  }
  return refs;
}

}  // namespace

absl::StatusOr<core::Unit> UnitStore::CreateUnit(const core::Unit& u,
                                                 absl::Time now) {
  return db_.Transact<core::Unit>([&](Tx& tx) -> absl::StatusOr<core::Unit> {
    PQ_ASSIGN_OR_RETURN(const Refs refs, ResolveRefs(tx, u));
    const pqxx::result r =
        tx.Run(kInsertUnit, u.code, u.name_vi, u.name_en, refs.parent_id,
               std::string(core::Name(u.kind)), u.valid_from, u.valid_to,
               refs.successor_id, now);
    if (r.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("unit.code: a unit \"", u.code, "\" exists already"));
    }
    return UnitFromRow(tx.Run(kGetUnit, u.code)[0]);
  });
}

absl::StatusOr<core::Unit> UnitStore::UpdateUnit(
    const std::string& code,
    absl::FunctionRef<absl::Status(core::Unit&)> change, absl::Time now) {
  return db_.Transact<core::Unit>([&](Tx& tx) -> absl::StatusOr<core::Unit> {
    const pqxx::result found = tx.Run(kGetUnit, code);
    if (found.empty()) {
      return absl::NotFoundError(absl::StrCat("no unit \"", code, "\""));
    }
    core::Unit u = UnitFromRow(found[0]);
    PQ_RETURN_IF_ERROR(change(u));
    PQ_ASSIGN_OR_RETURN(const Refs refs, ResolveRefs(tx, u));
    const int64_t self = Int(tx.Run(kFindUnit, code)[0][0]);
    if (refs.parent_id &&
        Bool(tx.Run(kInSubtree, self, *refs.parent_id)[0][0])) {
      return absl::InvalidArgumentError(
          absl::StrCat("unit.parent_code: \"", u.parent_code, "\" is under \"",
                       code, "\"; a unit cannot move under its own subtree"));
    }
    tx.Run(kUpdateUnit, code, u.name_vi, u.name_en, refs.parent_id,
           u.valid_from, u.valid_to, refs.successor_id, now);
    return UnitFromRow(tx.Run(kGetUnit, code)[0]);
  });
}

absl::StatusOr<std::vector<core::Unit>> UnitStore::ListUnits(
    const std::string& root_code, bool include_expired, absl::CivilDay today) {
  return db_.Transact<std::vector<core::Unit>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::Unit>> {
        if (!root_code.empty() && tx.Run(kFindUnit, root_code).empty()) {
          return absl::NotFoundError(
              absl::StrCat("no unit \"", root_code, "\""));
        }
        std::vector<core::Unit> out;
        for (const pqxx::row& r : tx.Run(kListUnits, NullIfEmpty(root_code),
                                         include_expired, today)) {
          out.push_back(UnitFromRow(r));
        }
        return out;
      });
}

absl::StatusOr<core::Unit> UnitStore::GetUnit(const std::string& code) {
  return db_.Transact<core::Unit>([&](Tx& tx) -> absl::StatusOr<core::Unit> {
    const pqxx::result r = tx.Run(kGetUnit, code);
    if (r.empty()) {
      return absl::NotFoundError(absl::StrCat("no unit \"", code, "\""));
    }
    return UnitFromRow(r[0]);
  });
}

}  // namespace pqtrack::store
