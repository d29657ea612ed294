// pqtrack-server: the gRPC server of pqtrack.
//
//   pqtrack-server [--listen ADDR] [--data-dir DIR] [--database-url URL]
//   pqtrack-server issue-admin-token [--data-dir DIR] [--database-url URL]
//   pqtrack-server backup --out FILE [--data-dir DIR] [--database-url URL]
//   pqtrack-server restore FILE [--data-dir DIR] [--database-url URL]
//
// Without a database URL the server runs its own PostgreSQL cluster in the
// data directory (see embedded_postgres.h). SIGINT and SIGTERM shut it down
// cleanly: calls in flight finish (up to --shutdown-grace), then the
// embedded PostgreSQL stops. Started while its database (--database-url)
// is unreachable, it listens at once, answers health NOT_SERVING and every
// other call UNAVAILABLE, retries with backoff (saying so in its log), and
// serves when the database comes up; health also goes NOT_SERVING while
// the database is unreachable later.
#include <fcntl.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "services/alerts/scheduler.h"
#include "services/api/auth.h"
#include "services/api/metrics.h"
#include "services/api/services.h"
#include "services/common/address.h"
#include "services/common/clock.h"
#include "services/common/log.h"
#include "services/common/pem.h"
#include "services/common/status_macros.h"
#include "services/server/backup.h"
#include "services/server/data_dir_lock.h"
#include "services/server/embedded_postgres.h"
#include "services/store/db.h"
#include "services/store/migrations.h"
#include "services/store/user_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to serve gRPC on, host:port, or a Unix socket "
          "unix:PATH (plain text allowed, as on loopback). Port 0 picks a "
          "free port; the chosen address is printed as \"listening on "
          "HOST:PORT\".");
ABSL_FLAG(std::string, database_url, "",
          "PostgreSQL connection URL or libpq string. Default: the "
          "PQTRACK_DATABASE_URL environment variable; when both are empty, "
          "an embedded PostgreSQL in --data-dir.");
ABSL_FLAG(std::string, data_dir, "",
          "Directory for the embedded PostgreSQL cluster, the first admin "
          "token and the lock that keeps a second server out. Default: "
          "PQTRACK_DATA_DIR, else ./pqtrack-data.");
ABSL_FLAG(std::string, pg_bin_dir, "",
          "Directory of initdb and pg_ctl (and of pg_dump and pg_restore for "
          "backup and restore). Default: the newest "
          "/usr/lib/postgresql/*/bin.");
ABSL_FLAG(std::string, pg_user, "",
          "When run as root: the unprivileged user that runs the embedded "
          "PostgreSQL. Default: postgres, else nobody.");
ABSL_FLAG(int, db_pool_size, 16, "Most database connections open at once.");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "On SIGINT/SIGTERM, how long calls in flight may take to finish.");
ABSL_FLAG(int, alert_interval_seconds, 30,
          "How often due alerts are fired (they fire at most this late).");
ABSL_FLAG(int, seal_interval_ms, 10,
          "How often committed events and alerts are sealed into the "
          "commit-ordered log (alerts reach watchers at most this late).");
ABSL_FLAG(int, health_interval_seconds, 2,
          "How often the database is checked; health is NOT_SERVING while it "
          "cannot be reached.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain to serve TLS with (with --tls-key); its "
          "names must include the ones clients connect to. Without it the "
          "server speaks plain text, which it allows only on a loopback "
          "address (see --allow-plaintext).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls-cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificates for client certificates (with --tls-cert): a "
          "client may present one signed by them (machine clients such as "
          "the notifier) and a certificate it presents must verify; bearer "
          "tokens are required all the same.");
ABSL_FLAG(bool, allow_plaintext, false,
          "Listen in plain text on an address that is not loopback (bearer "
          "tokens then cross the network in clear; the server says so at "
          "start). For a private network behind a TLS proxy only.");
ABSL_FLAG(bool, log_calls, true,
          "Write one JSON line to stderr for each call of an authenticated "
          "user (time, level, rpc, user, status, latency_ms, request_id). "
          "Unexpected failures are written either way, with their detail; "
          "their client gets only the request id.");
ABSL_FLAG(std::string, metrics_listen, "",
          "host:port to serve GET /metrics on (Prometheus' text format: rpc "
          "counts and latency by method and code, open watchers, alerts "
          "fired, scheduler lag, database pool use), plain HTTP; port 0 "
          "picks a free port, printed as \"metrics on http://HOST:PORT/"
          "metrics\". Empty: no metrics endpoint.");
ABSL_FLAG(std::string, out, "",
          "backup: the file to write (PostgreSQL's custom archive format; "
          "written whole or not at all).");
ABSL_FLAG(std::string, admin_login, "admin",
          "Login of the administrator created on first start (and by "
          "issue-admin-token).");

namespace pqtrack::server {
namespace {

constexpr char kUsage[] =
    "pqtrack-server: the pqtrack gRPC server.\n\n"
    "Usage:\n"
    "  pqtrack-server [flags]                     serve\n"
    "  pqtrack-server issue-admin-token [flags]   print a new admin token "
    "(recovery;\n"
    "                                             run on the server host)\n"
    "  pqtrack-server backup --out FILE [flags]   write the whole database "
    "to FILE\n"
    "                                             (one snapshot; the server "
    "may run)\n"
    "  pqtrack-server restore FILE [flags]        restore FILE into an empty "
    "database\n"
    "                                             or a new --data-dir (server "
    "stopped)\n\n"
    "Without --database-url (or PQTRACK_DATABASE_URL) the server keeps its "
    "own\nPostgreSQL cluster in --data-dir. On first start it creates the "
    "user \"admin\"\nand writes its token to DATA_DIR/admin.token (mode "
    "0600).\n\nFlag names take '-' or '_' alike: --data-dir is --data_dir.";

std::string DataDir() {
  std::string dir = absl::GetFlag(FLAGS_data_dir);
  if (dir.empty()) {
    const char* env = std::getenv("PQTRACK_DATA_DIR");
    dir = env != nullptr && *env != '\0' ? env : "pqtrack-data";
  }
  return std::filesystem::absolute(dir).lexically_normal().string();
}

std::string DatabaseUrl() {
  std::string url = absl::GetFlag(FLAGS_database_url);
  if (url.empty()) {
    const char* env = std::getenv("PQTRACK_DATABASE_URL");
    if (env != nullptr) url = env;
  }
  return url;
}

// TLS when --tls-cert is given; plain text only on loopback unless
// --allow-plaintext.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ListenCredentials(
    const std::string& listen) {
  const std::string cert = absl::GetFlag(FLAGS_tls_cert);
  const std::string key = absl::GetFlag(FLAGS_tls_key);
  const std::string client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key go together: give both or neither");
  }
  if (cert.empty()) {
    if (!client_ca.empty()) {
      return absl::InvalidArgumentError(
          "--tls-client-ca needs TLS: give --tls-cert and --tls-key too");
    }
    const std::string host = listen.substr(0, listen.rfind(':'));
    if (!IsUnixSocket(listen) && !IsLoopbackHost(host)) {
      if (!absl::GetFlag(FLAGS_allow_plaintext)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "refusing to listen in plain text on ", listen,
            ", which is not a loopback address: bearer tokens would cross "
            "the network in clear. Give --tls-cert and --tls-key, listen on "
            "127.0.0.1, or pass --allow-plaintext behind a TLS proxy"));
      }
      WriteLog(LogLevel::kWarning,
               absl::StrCat("listening in plain text on ", listen,
                            " (--allow-plaintext): bearer tokens cross the "
                            "network in clear"));
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl(
      client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                        : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  PQ_ASSIGN_OR_RETURN(pair.cert_chain, ReadPemFile(cert, "--tls-cert"));
  PQ_ASSIGN_OR_RETURN(pair.private_key, ReadPemFile(key, "--tls-key"));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!client_ca.empty()) {
    PQ_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                        ReadPemFile(client_ca, "--tls-client-ca"));
  }
  return grpc::SslServerCredentials(ssl);
}

int Fail(const absl::Status& s) {
  std::cerr << "pqtrack-server: " << s.message() << std::endl;
  return 1;
}

absl::Status WriteSecretFile(const std::string& path,
                             const std::string& secret) {
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  const std::string line = secret + "\n";
  const bool ok =
      fchmod(fd, 0600) == 0 &&
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  if (!ok) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

EmbeddedPostgres::Options PgOptions(const std::string& data_dir) {
  EmbeddedPostgres::Options o;
  o.data_dir = data_dir;
  o.bin_dir = absl::GetFlag(FLAGS_pg_bin_dir);
  o.run_as_user = absl::GetFlag(FLAGS_pg_user);
  return o;
}

// Every call while the server waits for its database: UNAVAILABLE, saying
// so (health has its own service, NOT_SERVING meanwhile).
class WaitingService final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext*) override {
    class Refusal final : public grpc::ServerGenericBidiReactor {
     public:
      Refusal() {
        Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "pqtrack-server is waiting for its database; "
                            "try again shortly"));
      }
      void OnDone() override { delete this; }
    };
    return new Refusal;
  }
};

// Waits up to `d` for SIGINT or SIGTERM; true when one came.
bool SignalWithin(const sigset_t& signals, absl::Duration d, int* sig) {
  const int64_t ms = absl::ToInt64Milliseconds(d);
  timespec t{static_cast<time_t>(ms / 1000),
             static_cast<long>((ms % 1000) * 1000000)};
  for (;;) {
    const int got = sigtimedwait(&signals, nullptr, &t);
    if (got > 0) {
      *sig = got;
      return true;
    }
    if (errno != EINTR) return false;  // EAGAIN: the time is up
  }
}

absl::StatusOr<std::unique_ptr<store::Db>> OpenDatabase(
    const std::string& url) {
  store::Db::Options o;
  o.url = url;
  o.max_connections = absl::GetFlag(FLAGS_db_pool_size);
  PQ_ASSIGN_OR_RETURN(auto db, store::Db::Connect(o));
  PQ_ASSIGN_OR_RETURN(const int applied, store::Migrate(*db));
  if (applied > 0) {
    std::cout << "applied " << applied << " schema migration(s)" << std::endl;
  }
  return db;
}

// The database a command works on: --database-url, else the embedded
// cluster of --data-dir (through the running server's socket when one runs
// there and `share` allows it, else started for the command).
struct Target {
  std::unique_ptr<DataDirLock> lock;
  std::unique_ptr<EmbeddedPostgres> pg;
  std::string url;
};

absl::StatusOr<Target> OpenTarget(bool share) {
  Target t;
  t.url = DatabaseUrl();
  if (!t.url.empty()) return t;
  const std::string data_dir = DataDir();
  if (DataDirLock::IsHeld(data_dir)) {
    if (!share) {
      return absl::FailedPreconditionError(absl::StrCat(
          "a pqtrack-server is running on ", data_dir, "; stop it first"));
    }
    t.url = EmbeddedPostgres::ConnectionStringFor(data_dir, "pqtrack");
    return t;
  }
  PQ_ASSIGN_OR_RETURN(t.lock, DataDirLock::Acquire(data_dir));
  PQ_ASSIGN_OR_RETURN(t.pg, EmbeddedPostgres::Start(PgOptions(data_dir)));
  t.url = t.pg->ConnectionString();
  return t;
}

int IssueAdminToken() {
  auto target = OpenTarget(/*share=*/true);
  if (!target.ok()) return Fail(target.status());
  const std::string& url = target->url;
  auto db = OpenDatabase(url);
  if (!db.ok()) return Fail(db.status());
  store::UserStore users(db->get());
  const std::string secret = api::NewTokenSecret();
  auto issued =
      users.BootstrapAdmin(absl::GetFlag(FLAGS_admin_login),
                           api::HashTokenSecret(secret), false, absl::Now());
  if (!issued.ok()) return Fail(issued.status());
  std::cout << secret << std::endl;
  std::cerr << "a new token for " << absl::GetFlag(FLAGS_admin_login)
            << " (shown once; revoke lost ones with `pqtrack token revoke`)"
            << std::endl;
  return 0;
}

// --metrics-listen as host and port; INVALID_ARGUMENT when it is neither
// empty nor host:port.
absl::StatusOr<std::pair<std::string, int>> MetricsAddress(
    const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics-listen: expected host:port, got \"", listen, "\""));
  }
  return std::make_pair(listen.substr(0, colon), port);
}

// GET /metrics in Prometheus' text format on --metrics-listen, on a thread
// of its own; nothing when the flag is empty.
class MetricsServer {
 public:
  absl::Status Bind(const std::string& listen) {
    if (listen.empty()) return absl::OkStatus();
    PQ_ASSIGN_OR_RETURN(const auto address, MetricsAddress(listen));
    host_ = address.first;
    const int port = address.second;
    http_ = std::make_unique<httplib::Server>();
    http_->Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(api::Metrics::Get().Render(),
                      "text/plain; version=0.0.4; charset=utf-8");
    });
    port_ = port == 0 ? http_->bind_to_any_port(host_)
                      : (http_->bind_to_port(host_, port) ? port : -1);
    if (port_ <= 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", listen,
                       " for metrics (address in use or not valid?)"));
    }
    return absl::OkStatus();
  }
  void Start() {
    if (http_ == nullptr) return;
    thread_ = std::thread([this] { http_->listen_after_bind(); });
    std::cout << "metrics on http://" << host_ << ":" << port_ << "/metrics"
              << std::endl;
  }
  void Stop() {
    if (http_ == nullptr) return;
    http_->stop();
    if (thread_.joinable()) thread_.join();
  }
  ~MetricsServer() { Stop(); }

 private:
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
};

int BackupCommand() {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::cerr << "pqtrack-server: backup needs --out FILE" << std::endl;
    return 2;
  }
  auto bin = EmbeddedPostgres::FindBinDir(absl::GetFlag(FLAGS_pg_bin_dir));
  if (!bin.ok()) return Fail(bin.status());
  auto target = OpenTarget(/*share=*/true);
  if (!target.ok()) return Fail(target.status());
  auto made = Backup(target->url, *bin, out);
  if (!made.ok()) return Fail(made.status());
  std::cout << "backup of schema version " << made->schema_version << " ("
            << made->items << " items, " << made->events << " events, "
            << made->attachments << " attachments) written to " << out << " ("
            << made->bytes << " bytes)" << std::endl;
  return 0;
}

int RestoreCommand(const std::string& file) {
  auto bin = EmbeddedPostgres::FindBinDir(absl::GetFlag(FLAGS_pg_bin_dir));
  if (!bin.ok()) return Fail(bin.status());
  // Checked before a cluster is made for it.
  auto version = BackupSchemaVersion(file, *bin);
  if (!version.ok()) return Fail(version.status());
  auto target = OpenTarget(/*share=*/false);
  if (!target.ok()) return Fail(target.status());
  auto restored = Restore(file, target->url, *bin);
  if (!restored.ok()) return Fail(restored.status());
  std::cout << "restored " << file << " (schema version "
            << restored->schema_version << "): " << restored->items
            << " items, " << restored->events << " events, "
            << restored->attachments << " attachments; audit chain verified ("
            << restored->events_verified << " events)" << std::endl;
  return 0;
}

int Serve() {
  // Signals are taken by a dedicated thread: block them everywhere first.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Checked before anything starts: a flag mistake is a usage error (2).
  auto credentials = ListenCredentials(absl::GetFlag(FLAGS_listen));
  if (!credentials.ok()) {
    Fail(credentials.status());
    return credentials.status().code() == absl::StatusCode::kInvalidArgument
               ? 2
               : 1;
  }
  if (const std::string metrics = absl::GetFlag(FLAGS_metrics_listen);
      !metrics.empty()) {
    if (auto address = MetricsAddress(metrics); !address.ok()) {
      Fail(address.status());
      return 2;
    }
  }

  const std::string data_dir = DataDir();
  auto lock = DataDirLock::Acquire(data_dir);
  if (!lock.ok()) return Fail(lock.status());

  std::string url = DatabaseUrl();
  std::unique_ptr<EmbeddedPostgres> pg;
  if (url.empty()) {
    auto started = EmbeddedPostgres::Start(PgOptions(data_dir));
    if (!started.ok()) return Fail(started.status());
    pg = std::move(started).value();
    url = pg->ConnectionString();
    std::cout << "embedded PostgreSQL running in " << data_dir
              << "/postgres (socket " << pg->socket_dir() << ")" << std::endl;
  }
  std::string listen = absl::GetFlag(FLAGS_listen);
  auto db = OpenDatabase(url);
  if (!db.ok() && pg == nullptr &&
      db.status().code() == absl::StatusCode::kUnavailable) {
    // Listen meanwhile, so that health checks and clients hear why.
    grpc::EnableDefaultHealthCheckService(true);
    WaitingService waiting;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(listen, *credentials, &port);
    builder.RegisterCallbackGenericService(&waiting);
    std::unique_ptr<grpc::Server> early = builder.BuildAndStart();
    if (early == nullptr || port == 0) {
      return Fail(absl::UnavailableError(absl::StrCat(
          "cannot listen on ", listen, " (address in use or not valid?)")));
    }
    early->GetHealthCheckService()->SetServingStatus(false);
    // The real server takes the same address.
    if (!IsUnixSocket(listen)) {
      listen = absl::StrCat(listen.substr(0, listen.rfind(':')), ":", port);
    }
    std::cout << "waiting for the database on " << listen
              << " (health NOT_SERVING)" << std::endl;
    absl::Duration backoff = absl::Seconds(1);
    while (!db.ok() && db.status().code() == absl::StatusCode::kUnavailable) {
      WriteLog(
          LogLevel::kWarning,
          absl::StrCat("the database is unreachable (", db.status().message(),
                       "); retrying in ", absl::FormatDuration(backoff)));
      int sig = 0;
      if (SignalWithin(signals, backoff, &sig)) {
        early->Shutdown();
        std::cout << "stopped while waiting for the database" << std::endl;
        return 0;
      }
      backoff = std::min(backoff * 2, absl::Seconds(30));
      db = OpenDatabase(url);
    }
    early->Shutdown();
    early->Wait();
  }
  if (!db.ok()) return Fail(db.status());
  std::cout << "database connected" << std::endl;

  api::ApiServices services(
      db->get(), RealClock::Get(),
      absl::Milliseconds(std::max(1, absl::GetFlag(FLAGS_seal_interval_ms))));
  {
    const std::string secret = api::NewTokenSecret();
    auto created = services.deps().users.BootstrapAdmin(
        absl::GetFlag(FLAGS_admin_login), api::HashTokenSecret(secret), true,
        absl::Now());
    if (!created.ok()) return Fail(created.status());
    if (*created) {
      const std::string path = data_dir + "/admin.token";
      if (absl::Status s = WriteSecretFile(path, secret); !s.ok()) {
        return Fail(s);
      }
      std::cout << "first start: created user "
                << absl::GetFlag(FLAGS_admin_login) << "; its token is in "
                << path << " (mode 0600)" << std::endl;
    }
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, *credentials, &port);
  // A synchronous rpc runs on a thread of gRPC's pool; a thread that finds
  // more idle threads than MAX_POLLERS (2 by default) exits, so 8 clients
  // made it create a thread every few calls. Keep as many idle threads as
  // calls that can use the database at once.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
      std::max(2, absl::GetFlag(FLAGS_db_pool_size)));
  api::CallLogOptions call_log;
  call_log.all_calls = absl::GetFlag(FLAGS_log_calls);
  services.RegisterAll(builder, call_log);
  // Metrics first: a wrong address stops the start before anything serves.
  MetricsServer metrics;
  if (absl::Status s = metrics.Bind(absl::GetFlag(FLAGS_metrics_listen));
      !s.ok()) {
    return Fail(s);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return Fail(absl::UnavailableError(absl::StrCat(
        "cannot listen on ", listen, " (address in use or not valid?)")));
  }
  const size_t colon = listen.rfind(':');
  const std::string host =
      colon == std::string::npos ? listen : listen.substr(0, colon);
  alerts::Scheduler scheduler(
      &services.deps().alerts, RealClock::Get(),
      absl::Seconds(std::max(1, absl::GetFlag(FLAGS_alert_interval_seconds))));
  scheduler.Start();
  services.StartStreams();
  {
    api::Metrics::Gauges g;
    g.unreadable_requests = [] { return wire::UnreadableRequests(); };
    g.open_watchers = [&services] {
      return static_cast<int64_t>(services.hub().size());
    };
    g.alerts_fired = [&scheduler] { return scheduler.fired(); };
    g.seconds_since_scheduler_round = [&scheduler] {
      const absl::Time last = scheduler.last_round();
      return last == absl::InfinitePast()
                 ? -1.0
                 : absl::ToDoubleSeconds(absl::Now() - last);
    };
    store::Db* pool = db->get();
    g.db_open_idle = [pool] {
      const auto [open, idle] = pool->OpenAndIdle();
      return std::pair<int64_t, int64_t>(open, idle);
    };
    g.db_pool_max = pool->max_connections();
    api::Metrics::Get().SetGauges(std::move(g));
  }
  metrics.Start();
  if (!absl::GetFlag(FLAGS_tls_cert).empty()) {
    std::cout << "speaking TLS with " << absl::GetFlag(FLAGS_tls_cert)
              << (absl::GetFlag(FLAGS_tls_client_ca).empty()
                      ? ""
                      : "; client certificates verified against " +
                            absl::GetFlag(FLAGS_tls_client_ca))
              << std::endl;
  }
  if (IsUnixSocket(listen)) {
    std::cout << "listening on " << listen << std::endl;
  } else {
    std::cout << "listening on " << host << ":" << port << std::endl;
  }

  // Until a signal: the database is checked now and then, and health
  // follows it.
  auto* health = server->GetHealthCheckService();
  bool serving = true;
  const absl::Duration check =
      absl::Seconds(std::max(1, absl::GetFlag(FLAGS_health_interval_seconds)));
  int sig = 0;
  while (!SignalWithin(signals, check, &sig)) {
    const absl::Status up = (*db)->Autocommit([](store::Tx& tx) {
      tx.ExecScript("SELECT 1");
      return absl::OkStatus();
    });
    if (up.ok() != serving) {
      serving = up.ok();
      health->SetServingStatus(serving);
      if (serving) {
        WriteLog(LogLevel::kInfo, "the database answers again; health SERVING");
      } else {
        WriteLog(LogLevel::kError,
                 absl::StrCat("the database is unreachable (", up.message(),
                              "); health NOT_SERVING"));
      }
    }
  }
  std::cout << "received " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << ", shutting down" << std::endl;
  // Alert streams never end by themselves: end them first (UNAVAILABLE;
  // clients reconnect with their cursor), then let calls in flight finish.
  services.StopStreams();
  server->Shutdown(
      std::chrono::system_clock::now() +
      std::chrono::seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  server->Wait();
  metrics.Stop();
  api::Metrics::Get().SetGauges({});  // they read what is stopped next
  scheduler.Stop();
  services.StopAll();
  server.reset();
  db->reset();
  if (pg != nullptr) {
    if (absl::Status s = pg->Stop(); !s.ok()) return Fail(s);
  }
  std::cout << "stopped" << std::endl;
  return 0;
}

}  // namespace
}  // namespace pqtrack::server

int main(int argc, char** argv) {
  // Debian builds Abseil without NDEBUG, which turns on the lock-order
  // (deadlock) graph of absl::Mutex: every lock, ours and gRPC's, then
  // passes through one global graph. The tests keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(pqtrack::server::kUsage);
  // --version prints ours, and --help lists this binary's own flags (not
  // only --helpfull).
  absl::FlagsUsageConfig usage;
  usage.version_string = [] {
    return std::string("pqtrack-server ") + PQTRACK_VERSION + "\n";
  };
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "services/server/");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  // Accept --data-dir as well as Abseil's --data_dir.
  std::vector<std::string> normalized(argv, argv + argc);
  std::vector<char*> raw;
  for (std::string& a : normalized) {
    if (a.rfind("--", 0) == 0 && a.size() > 2) {
      const size_t end = std::min(a.find('='), a.size());
      for (size_t i = 2; i < end; ++i) {
        if (a[i] == '-') a[i] = '_';
      }
    }
    raw.push_back(a.data());
  }
  std::vector<char*> args =
      absl::ParseCommandLine(static_cast<int>(raw.size()), raw.data());
  if (args.size() == 1) return pqtrack::server::Serve();
  const std::string command = args[1];
  if (args.size() == 2 && command == "issue-admin-token") {
    return pqtrack::server::IssueAdminToken();
  }
  if (command == "backup") {
    if (args.size() != 2) {
      std::cerr << "pqtrack-server: backup takes no arguments; the file is "
                   "--out FILE"
                << std::endl;
      return 2;
    }
    return pqtrack::server::BackupCommand();
  }
  if (command == "restore") {
    if (args.size() != 3) {
      std::cerr << "pqtrack-server: restore takes one file: "
                   "pqtrack-server restore FILE [flags]"
                << std::endl;
      return 2;
    }
    return pqtrack::server::RestoreCommand(args[2]);
  }
  std::cerr << "pqtrack-server: unknown command \"" << command
            << "\"; see --help" << std::endl;
  return 2;
}
