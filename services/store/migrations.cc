#include "services/store/migrations.h"

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace pqtrack::store {
namespace {

constexpr Statement kLock{"migrate_lock",
                          "SELECT pg_advisory_xact_lock(727175)"};
constexpr Statement kCurrent{
    "migrate_current",
    "SELECT COALESCE(max(version), 0) FROM schema_migrations"};
constexpr Statement kRecord{
    "migrate_record",
    "INSERT INTO schema_migrations (version, name, applied_at) "
    "VALUES ($1, $2, now())"};
constexpr char kCreateTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " applied_at timestamptz NOT NULL)";

absl::StatusOr<int> VersionOf(const EmbeddedMigration& m) {
  const std::string name = m.name;
  int version = 0;
  const size_t underscore = name.find('_');
  if (underscore == std::string::npos ||
      !absl::SimpleAtoi(name.substr(0, underscore), &version) || version <= 0) {
    return absl::InternalError(
        absl::StrCat("migration \"", name, "\" is not named NNNN_name"));
  }
  return version;
}

absl::Status CheckAndLock(Tx& tx, int newest, int* current) {
  tx.Run(kLock);
  tx.ExecScript(kCreateTable);
  *current = tx.Run(kCurrent)[0][0].as<int>();
  if (*current > newest) {
    return absl::FailedPreconditionError(
        absl::StrCat("the database schema is at version ", *current,
                     ", newer than this pqtrack-server knows (", newest,
                     "); upgrade pqtrack-server or use another database"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> NewestSchemaVersion(
    const std::vector<EmbeddedMigration>& migrations) {
  if (migrations.empty()) return 0;
  return VersionOf(migrations.back());
}

absl::StatusOr<int> Migrate(Db& db,
                            const std::vector<EmbeddedMigration>& migrations) {
  int newest = 0;
  for (const EmbeddedMigration& m : migrations) {
    PQ_ASSIGN_OR_RETURN(const int v, VersionOf(m));
    if (v <= newest) {
      return absl::InternalError(
          absl::StrCat("migration ", m.name, " is out of order"));
    }
    newest = v;
  }
  int applied = 0;
  for (const EmbeddedMigration& m : migrations) {
    const int version = *VersionOf(m);
    bool ran = false;
    PQ_RETURN_IF_ERROR(db.Transact([&](Tx& tx) -> absl::Status {
      int current = 0;
      ran = false;
      PQ_RETURN_IF_ERROR(CheckAndLock(tx, newest, &current));
      if (current >= version) return absl::OkStatus();
      tx.ExecScript(m.sql);
      tx.Run(kRecord, version, m.name);
      ran = true;
      return absl::OkStatus();
    }));
    if (ran) ++applied;
  }
  if (migrations.empty()) {
    PQ_RETURN_IF_ERROR(db.Transact([&](Tx& tx) {
      int current = 0;
      return CheckAndLock(tx, newest, &current);
    }));
  }
  return applied;
}

}  // namespace pqtrack::store
