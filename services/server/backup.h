// Provides Backup and Restore, the server's `backup` and `restore`
// commands: a whole pqtrack database as one file, and that file back into an
// empty database.
//
// A backup is PostgreSQL's own custom-format archive (pg_dump -Fc), taken in
// one snapshot, so every table is as of one instant (items with their events,
// the audit chain and the attachments' bytes), while the server keeps
// serving. Its schema version is the archive's schema_migrations table; a
// backup is restored only by a pqtrack whose schema is at least as new, and
// an older schema is brought up to date after the restore. Ownership and
// grants are left out, so it restores into any database whose user can
// create its tables and extensions.
//
// Restore refuses a database that holds any table, restores the archive in
// one transaction (nothing half-restored on an error), applies the pending
// migrations, and verifies the audit chain.
#ifndef PQTRACK_SERVICES_SERVER_BACKUP_H_
#define PQTRACK_SERVICES_SERVER_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace pqtrack::server {

struct BackupSummary {
  int schema_version = 0;
  int64_t items = 0;
  int64_t events = 0;
  int64_t attachments = 0;
  // Backup: the file's size.
  int64_t bytes = 0;
  // Restore: the events whose links the chain check recomputed.
  int64_t events_verified = 0;
};

// Writes the database at `url` to `out` (through `out`.partial, renamed when
// complete, so `out` is never a half-written file). `bin_dir` holds
// pg_dump. FAILED_PRECONDITION when `url` is not a pqtrack database.
absl::StatusOr<BackupSummary> Backup(const std::string& url,
                                     const std::string& bin_dir,
                                     const std::string& out);

// The schema version recorded in a backup file; INVALID_ARGUMENT when the
// file is not a pqtrack backup.
absl::StatusOr<int> BackupSchemaVersion(const std::string& file,
                                        const std::string& bin_dir);

// Restores `file` into the empty database at `url` (`bin_dir` holds
// pg_restore), migrates it and verifies its audit chain.
absl::StatusOr<BackupSummary> Restore(const std::string& file,
                                      const std::string& url,
                                      const std::string& bin_dir);

}  // namespace pqtrack::server

#endif  // PQTRACK_SERVICES_SERVER_BACKUP_H_
