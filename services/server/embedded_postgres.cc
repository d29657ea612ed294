#include "services/server/embedded_postgres.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/status_macros.h"

namespace pqtrack::server {
namespace {

namespace fs = std::filesystem;

constexpr char kUser[] = "pqtrack";
constexpr char kPort[] = "5432";
// sockaddr_un.sun_path is 108 bytes, including the NUL.
constexpr size_t kMaxSocketPath = 107;

std::string QuoteConnValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

absl::StatusOr<std::string> FindPgBinDir(const std::string& configured) {
  if (!configured.empty()) {
    if (access((configured + "/pg_ctl").c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("no pg_ctl in ", configured));
    }
    return configured;
  }
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string bin = entry.path().string() + "/bin";
    if (access((bin + "/initdb").c_str(), X_OK) == 0) found.push_back(bin);
  }
  if (found.empty()) {
    return absl::FailedPreconditionError(
        "PostgreSQL server binaries not found under /usr/lib/postgresql "
        "(install postgresql-15, e.g. with scripts/install-deps)");
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return found.back();
}

absl::StatusOr<std::optional<RunAs>> ResolveRunAs(const std::string& wanted) {
  if (geteuid() != 0) return std::optional<RunAs>();
  std::vector<std::string> candidates;
  if (!wanted.empty()) {
    candidates = {wanted};
  } else {
    candidates = {"postgres", "nobody"};
  }
  for (const std::string& name : candidates) {
    struct passwd pw;
    struct passwd* result = nullptr;
    char buf[4096];
    if (getpwnam_r(name.c_str(), &pw, buf, sizeof(buf), &result) == 0 &&
        result != nullptr) {
      if (pw.pw_uid == 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "PostgreSQL cannot run as root, and user \"", name, "\" is root"));
      }
      return std::optional<RunAs>(RunAs{pw.pw_uid, pw.pw_gid, name});
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "running as root, PostgreSQL needs an unprivileged user, and \"",
      candidates.front(), "\" does not exist (create it or pass --pg-user)"));
}

absl::Status MakeDir(const std::string& path, mode_t mode,
                     const std::optional<RunAs>& owner) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", path, ": ", ec.message()));
  }
  if (owner && chown(path.c_str(), owner->uid, owner->gid) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot chown ", path, ": ", std::strerror(errno)));
  }
  if (chmod(path.c_str(), mode) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot chmod ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

std::string ReadLogTail(const std::string& path) {
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)),
                  std::istreambuf_iterator<char>());
  return OutputTail(all);
}

}  // namespace

absl::StatusOr<std::string> EmbeddedPostgres::FindBinDir(
    const std::string& configured) {
  return FindPgBinDir(configured);
}

std::string EmbeddedPostgres::ConnectionStringFor(const std::string& data_dir,
                                                  const std::string& database) {
  const std::string dir = fs::absolute(data_dir).lexically_normal().string();
  return absl::StrCat("host=", QuoteConnValue(dir + "/run"), " port=", kPort,
                      " user=", kUser, " dbname=", QuoteConnValue(database));
}

std::string EmbeddedPostgres::ConnectionString(
    const std::string& database) const {
  return absl::StrCat(
      "host=", QuoteConnValue(socket_dir_), " port=", kPort, " user=", kUser,
      " dbname=",
      QuoteConnValue(database.empty() ? options_.database : database));
}

absl::StatusOr<ProcessResult> EmbeddedPostgres::PgCtl(
    const std::vector<std::string>& args) {
  std::vector<std::string> argv = {options_.bin_dir + "/pg_ctl", "-D", pgdata_};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, run_as_);
}

namespace {

// The settings as postgres options ("-c 'name=value' ..."), or the first
// malformed one named. pg_ctl hands the options to a shell: the value is
// single-quoted, so it must hold no quote (nor a backslash, which
// PostgreSQL's own option parsing would take as an escape).
absl::StatusOr<std::string> SettingOptions(
    const std::vector<std::string>& settings) {
  std::string out;
  for (const std::string& s : settings) {
    const size_t eq = s.find('=');
    const std::string name = s.substr(0, eq);
    const bool name_ok = eq != std::string::npos && !name.empty() &&
                         std::isalpha(static_cast<unsigned char>(name[0])) &&
                         std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) ||
                                  c == '_' || c == '.';
                         });
    if (!name_ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "PostgreSQL setting \"", s,
          "\": expected name=value, the name of letters, digits, '_' and "
          "'.'"));
    }
    const std::string value = s.substr(eq + 1);
    if (value.find_first_of("'\\") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("PostgreSQL setting \"", s,
                       "\": the value may not hold a quote or a backslash"));
    }
    absl::StrAppend(&out, " -c '", name, "=", value, "'");
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> EmbeddedPostgres::Start(
    Options options) {
  PQ_ASSIGN_OR_RETURN(const std::string extra_options,
                      SettingOptions(options.settings));
  std::unique_ptr<EmbeddedPostgres> pg(new EmbeddedPostgres());
  PQ_ASSIGN_OR_RETURN(options.bin_dir, FindPgBinDir(options.bin_dir));
  PQ_ASSIGN_OR_RETURN(pg->run_as_, ResolveRunAs(options.run_as_user));
  const std::string root =
      fs::absolute(options.data_dir).lexically_normal().string();
  pg->options_ = options;
  pg->pgdata_ = root + "/postgres";
  pg->socket_dir_ = root + "/run";
  pg->log_file_ = root + "/postgres.log";
  const std::string socket = absl::StrCat(pg->socket_dir_, "/.s.PGSQL.", kPort);
  if (socket.size() > kMaxSocketPath) {
    return absl::FailedPreconditionError(
        absl::StrCat("the data directory path is too long for a Unix socket (",
                     socket, " has ", socket.size(), " bytes, at most ",
                     kMaxSocketPath, "): choose a shorter --data-dir"));
  }

  // The data directory must be traversable by the PostgreSQL user.
  PQ_RETURN_IF_ERROR(MakeDir(root, pg->run_as_ ? 0711 : 0700, std::nullopt));
  PQ_RETURN_IF_ERROR(MakeDir(pg->socket_dir_, 0700, pg->run_as_));
  if (pg->run_as_) {
    PQ_ASSIGN_OR_RETURN(
        ProcessResult probe,
        RunProcess({"/usr/bin/test", "-w", pg->socket_dir_}, pg->run_as_));
    if (probe.exit_code != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "PostgreSQL runs as user \"", pg->run_as_->name,
          "\", who cannot reach ", root,
          ": every directory above it must be searchable by others "
          "(chmod o+x), or choose a --data-dir elsewhere (e.g. under "
          "/var/lib)"));
    }
    std::ofstream touch(pg->log_file_, std::ios::app);
    touch.close();
    if (chown(pg->log_file_.c_str(), pg->run_as_->uid, pg->run_as_->gid) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot chown ", pg->log_file_, ": ", std::strerror(errno)));
    }
  }

  if (access((pg->pgdata_ + "/PG_VERSION").c_str(), F_OK) != 0) {
    std::error_code ec;
    if (fs::exists(pg->pgdata_, ec) && !fs::is_empty(pg->pgdata_, ec)) {
      return absl::FailedPreconditionError(
          absl::StrCat(pg->pgdata_,
                       " exists but holds no PostgreSQL cluster; move it away "
                       "and start again"));
    }
    PQ_RETURN_IF_ERROR(MakeDir(pg->pgdata_, 0700, pg->run_as_));
    PQ_ASSIGN_OR_RETURN(
        ProcessResult init,
        RunProcess(
            {options.bin_dir + "/initdb", "-D", pg->pgdata_, "-U", kUser, "-E",
             "UTF8", "--locale=C.UTF-8", "--auth=trust", "--no-instructions"},
            pg->run_as_));
    if (init.exit_code != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("initdb failed: ", OutputTail(init.output)));
    }
  }

  // A cluster left running by a server that died: stop it, we own it now.
  PQ_ASSIGN_OR_RETURN(ProcessResult status, pg->PgCtl({"status"}));
  if (status.exit_code == 0) {
    PQ_ASSIGN_OR_RETURN(ProcessResult stop,
                        pg->PgCtl({"-m", "fast", "-w", "stop"}));
    if (stop.exit_code != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("a PostgreSQL left running in ", pg->pgdata_,
                       " could not be stopped: ", OutputTail(stop.output)));
    }
  }

  const std::string server_options =
      absl::StrCat("-c listen_addresses='' -k '", pg->socket_dir_, "' -p ",
                   kPort, " -c unix_socket_permissions=0700", extra_options);
  PQ_ASSIGN_OR_RETURN(ProcessResult start,
                      pg->PgCtl({"-l", pg->log_file_, "-w", "-t", "120", "-o",
                                 server_options, "start"}));
  if (start.exit_code != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("PostgreSQL did not start: ", OutputTail(start.output),
                     "\n", ReadLogTail(pg->log_file_)));
  }
  pg->running_ = true;

  try {
    pqxx::connection admin(pg->ConnectionString("postgres"));
    pqxx::nontransaction tx(admin);
    if (tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1",
                       options.database)
            .empty()) {
      tx.exec("CREATE DATABASE " + tx.quote_name(options.database));
    }
  } catch (const std::exception& e) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create database ", options.database, ": ", e.what()));
  }
  return pg;
}

absl::Status EmbeddedPostgres::Stop(bool immediate) {
  if (!running_) return absl::OkStatus();
  running_ = false;
  PQ_ASSIGN_OR_RETURN(
      ProcessResult stop,
      PgCtl({"-m", immediate ? "immediate" : "fast", "-w", "stop"}));
  if (stop.exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("pg_ctl stop failed: ", OutputTail(stop.output)));
  }
  return absl::OkStatus();
}

EmbeddedPostgres::~EmbeddedPostgres() { (void)Stop(); }

absl::Status EmbeddedPostgres::Promote() {
  PQ_ASSIGN_OR_RETURN(ProcessResult promote, PgCtl({"-w", "promote"}));
  if (promote.exit_code != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("pg_ctl promote failed: ", OutputTail(promote.output)));
  }
  return absl::OkStatus();
}

absl::StatusOr<ProcessResult> EmbeddedPostgres::RunTool(
    const std::string& tool, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {options_.bin_dir + "/" + tool};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, run_as_);
}

}  // namespace pqtrack::server
