#include "services/server/backup.h"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <pqxx/pqxx>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/common/status_macros.h"
#include "services/server/conninfo.h"
#include "services/server/process.h"
#include "services/store/db.h"
#include "services/store/log_store.h"
#include "services/store/migrations.h"

namespace pqtrack::server {
namespace {

namespace fs = std::filesystem;

// Relations a pqtrack database has, outside PostgreSQL's own schemas.
constexpr char kUserRelations[] =
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
    "c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND "
    "n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'";

absl::Status Unreachable(const std::string& what, const std::exception& e) {
  return absl::UnavailableError(absl::StrCat("cannot ", what, ": ", e.what()));
}

// The counts a summary shows, read in one snapshot.
absl::StatusOr<BackupSummary> Count(const std::string& url) {
  try {
    pqxx::connection c(url);
    pqxx::read_transaction tx(c);
    if (tx.exec1("SELECT to_regclass('schema_migrations') IS NULL")[0]
            .as<bool>()) {
      return absl::FailedPreconditionError(
          "the database holds no pqtrack schema (no schema_migrations "
          "table)");
    }
    const pqxx::row r = tx.exec1(
        "SELECT (SELECT COALESCE(max(version), 0) FROM schema_migrations), "
        "(SELECT count(*) FROM items), (SELECT count(*) FROM events), "
        "(SELECT count(*) FROM attachments)");
    BackupSummary s;
    s.schema_version = r[0].as<int>();
    s.items = r[1].as<int64_t>();
    s.events = r[2].as<int64_t>();
    s.attachments = r[3].as<int64_t>();
    return s;
  } catch (const pqxx::broken_connection& e) {
    return Unreachable("connect to the database", e);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the database: ", e.what()));
  }
}

absl::Status RequireProgram(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        path,
        " not found (it comes with PostgreSQL's server package; see "
        "--pg-bin-dir)"));
  }
  return absl::OkStatus();
}

// The password for pg_dump and pg_restore, in their environment.
std::vector<std::string> PasswordEnv(const ToolConnection& db) {
  if (db.password.empty()) return {};
  return {"PGPASSWORD=" + db.password};
}

}  // namespace

absl::StatusOr<BackupSummary> Backup(const std::string& url,
                                     const std::string& bin_dir,
                                     const std::string& out) {
  const std::string pg_dump = bin_dir + "/pg_dump";
  PQ_RETURN_IF_ERROR(RequireProgram(pg_dump));
  PQ_ASSIGN_OR_RETURN(BackupSummary summary, Count(url));
  const std::string partial = out + ".partial";
  // One snapshot for the whole archive (pg_dump's own transaction); the
  // counts above may be a moment older.
  PQ_ASSIGN_OR_RETURN(const ToolConnection tool, SplitPassword(url));
  PQ_ASSIGN_OR_RETURN(
      ProcessResult dump,
      RunProcess({pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                  "--file=" + partial, "--dbname=" + tool.conninfo},
                 std::nullopt, PasswordEnv(tool)));
  if (dump.exit_code != 0) {
    std::remove(partial.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("pg_dump failed: ", OutputTail(dump.output)));
  }
  std::error_code ec;
  fs::rename(partial, out, ec);
  if (ec) {
    std::remove(partial.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", out, ": ", ec.message()));
  }
  summary.bytes = static_cast<int64_t>(fs::file_size(out, ec));
  return summary;
}

absl::StatusOr<int> BackupSchemaVersion(const std::string& file,
                                        const std::string& bin_dir) {
  const std::string pg_restore = bin_dir + "/pg_restore";
  PQ_RETURN_IF_ERROR(RequireProgram(pg_restore));
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": no such file"));
  }
  // The rows of schema_migrations, as the COPY text pg_restore prints.
  PQ_ASSIGN_OR_RETURN(
      ProcessResult listed,
      RunProcess({pg_restore, "--data-only", "--table=schema_migrations",
                  "--file=-", file},
                 std::nullopt));
  if (listed.exit_code != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, " is not a pqtrack backup (pg_restore: ",
                     OutputTail(listed.output, 300), ")"));
  }
  bool in_copy = false, found = false;
  int version = 0;
  for (absl::string_view line : absl::StrSplit(listed.output, '\n')) {
    if (absl::StartsWith(line, "COPY ") &&
        absl::StrContains(line, "schema_migrations")) {
      in_copy = found = true;
      continue;
    }
    if (!in_copy) continue;
    if (line == "\\.") break;
    int v = 0;
    const std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    if (absl::SimpleAtoi(fields[0], &v) && v > version) version = v;
  }
  if (!found || version == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, " is not a pqtrack backup (it holds no schema version)"));
  }
  return version;
}

absl::StatusOr<BackupSummary> Restore(const std::string& file,
                                      const std::string& url,
                                      const std::string& bin_dir) {
  PQ_ASSIGN_OR_RETURN(const int version, BackupSchemaVersion(file, bin_dir));
  PQ_ASSIGN_OR_RETURN(const int newest, store::NewestSchemaVersion());
  if (version > newest) {
    return absl::FailedPreconditionError(absl::StrCat(
        file, " has schema version ", version,
        ", newer than this pqtrack-server knows (", newest,
        "): restore it with the pqtrack-server that made it, or a newer one"));
  }
  try {
    pqxx::connection c(url);
    pqxx::read_transaction tx(c);
    const int64_t relations = tx.exec1(kUserRelations)[0].as<int64_t>();
    if (relations > 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database is not empty (", relations,
          " tables, views or sequences): restore goes into an empty "
          "database or a new data directory"));
    }
  } catch (const pqxx::broken_connection& e) {
    return Unreachable("connect to the database", e);
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the database: ", e.what()));
  }
  PQ_ASSIGN_OR_RETURN(const ToolConnection tool, SplitPassword(url));
  PQ_ASSIGN_OR_RETURN(
      ProcessResult restored,
      RunProcess(
          {bin_dir + "/pg_restore", "--single-transaction", "--exit-on-error",
           "--no-owner", "--no-privileges", "--dbname=" + tool.conninfo, file},
          std::nullopt, PasswordEnv(tool)));
  if (restored.exit_code != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("pg_restore failed (nothing was restored): ",
                     OutputTail(restored.output)));
  }
  store::Db::Options o;
  o.url = url;
  o.max_connections = 2;
  PQ_ASSIGN_OR_RETURN(auto db, store::Db::Connect(o));
  PQ_RETURN_IF_ERROR(store::Migrate(*db).status());
  store::LogStore log(db.get());
  PQ_ASSIGN_OR_RETURN(const core::AuditReport audit,
                      log.VerifyAuditChain(absl::Now()));
  if (!audit.intact) {
    return absl::DataLossError(absl::StrCat(
        "restored, but the audit chain does not verify: ", audit.problem,
        " (event ", audit.first_broken_event_id, ")"));
  }
  db.reset();
  PQ_ASSIGN_OR_RETURN(BackupSummary summary, Count(url));
  summary.schema_version = version;
  summary.events_verified = audit.events_checked;
  return summary;
}

}  // namespace pqtrack::server
