// Provides EmbeddedPostgres, a private PostgreSQL cluster kept in a data
// directory: initdb on first start, then start and stop with its owner. It
// listens only on a Unix socket inside the data directory (no TCP port) and
// trusts local connections, which only its own user (and root) can make,
// because the socket directory is 0700.
//
// PostgreSQL refuses to run as root: when this process is root, the cluster
// runs as an unprivileged user (default "postgres", else "nobody").
//
// Layout under the data directory:
//   postgres/      the cluster (PGDATA)
//   run/           the socket directory
//   postgres.log   the server log
//
// Not thread-safe; one owner.
#ifndef PQTRACK_SERVICES_SERVER_EMBEDDED_POSTGRES_H_
#define PQTRACK_SERVICES_SERVER_EMBEDDED_POSTGRES_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/server/process.h"

namespace pqtrack::server {

class EmbeddedPostgres {
 public:
  struct Options {
    // Directory holding the cluster; created when missing.
    std::string data_dir;
    // Directory holding initdb, pg_ctl and postgres. Empty: the newest
    // /usr/lib/postgresql/*/bin.
    std::string bin_dir;
    // User to run PostgreSQL as when this process is root. Empty: "postgres"
    // when it exists, else "nobody".
    std::string run_as_user;
    // Database created for pqtrack.
    std::string database = "pqtrack";
    // Further run-time parameters, each "name=value", given to the server
    // as -c name=value (for profiling: shared_preload_libraries=
    // pg_stat_statements, say). A name is letters, digits, '_' and '.'; a
    // value holds no quote or backslash. A malformed one is refused with
    // INVALID_ARGUMENT before anything is started.
    std::vector<std::string> settings;
  };

  // Initialises the cluster if needed, starts it (stopping first a cluster
  // left running by a process that died), waits until it accepts
  // connections, and creates the database. Errors name the step and quote
  // PostgreSQL's own output.
  static absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> Start(
      Options options);

  // Stops the cluster if it is running.
  ~EmbeddedPostgres();

  // Fast shutdown: open connections are closed, committed work is kept.
  // `immediate`: as a crash (no checkpoint; recovery at the next start),
  // for failover tests.
  absl::Status Stop(bool immediate = false);

  // Ends recovery of a standby (a cluster with standby.signal, as
  // pg_basebackup -R writes): it becomes a primary. Waits until it is.
  absl::Status Promote();

  // Runs one of PostgreSQL's programs in the bin directory (pg_basebackup,
  // say) as the cluster's user.
  absl::StatusOr<ProcessResult> RunTool(const std::string& tool,
                                        const std::vector<std::string>& args);

  // libpq connection string for `database` (default: Options::database).
  std::string ConnectionString(const std::string& database = "") const;

  // Path of the socket directory.
  const std::string& socket_dir() const { return socket_dir_; }

  // The directory of PostgreSQL's programs: `configured` when it holds
  // pg_ctl, else (when empty) the newest /usr/lib/postgresql/*/bin.
  static absl::StatusOr<std::string> FindBinDir(const std::string& configured);

  // Connection string for the cluster of a data directory whose server is
  // already running (started by another process).
  static std::string ConnectionStringFor(const std::string& data_dir,
                                         const std::string& database);

 private:
  EmbeddedPostgres() = default;
  absl::StatusOr<ProcessResult> PgCtl(const std::vector<std::string>& args);

  Options options_;
  std::string pgdata_;
  std::string socket_dir_;
  std::string log_file_;
  std::optional<RunAs> run_as_;
  bool running_ = false;
};

}  // namespace pqtrack::server

#endif  // PQTRACK_SERVICES_SERVER_EMBEDDED_POSTGRES_H_
