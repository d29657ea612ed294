// Provides the schema migrations: the ordered SQL files of migrations/,
// embedded at build time, and Migrate(), which applies the pending ones.
#ifndef PQTRACK_SERVICES_STORE_MIGRATIONS_H_
#define PQTRACK_SERVICES_STORE_MIGRATIONS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "services/store/db.h"

namespace pqtrack::store {

struct EmbeddedMigration {
  // File name without extension, "NNNN_name"; NNNN is the version.
  const char* name;
  const char* sql;
};

// The migrations built into this binary, in version order.
const std::vector<EmbeddedMigration>& EmbeddedMigrations();

// The version of the newest of `migrations`; 0 when there is none.
absl::StatusOr<int> NewestSchemaVersion(
    const std::vector<EmbeddedMigration>& migrations = EmbeddedMigrations());

// Applies every migration newer than the database's schema, each in its own
// transaction, and records it in schema_migrations. Safe to run from several
// processes at once (an advisory lock serialises them) and to run again
// (nothing to do). Returns how many were applied.
//
// A database whose schema is newer than the newest migration given is
// refused with FAILED_PRECONDITION and left untouched.
absl::StatusOr<int> Migrate(
    Db& db,
    const std::vector<EmbeddedMigration>& migrations = EmbeddedMigrations());

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_MIGRATIONS_H_
