#include "bench/bench_support.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/api/auth.h"
#include "services/common/status_macros.h"
#include "services/store/migrations.h"
#include "services/store/user_store.h"

namespace pqtrack::bench {

absl::StatusOr<std::unique_ptr<BenchDatabase>> BenchDatabase::Start(
    const std::vector<std::string>& pg_settings) {
  std::unique_ptr<BenchDatabase> b(new BenchDatabase());
  // PostgreSQL runs as an unprivileged user when we are root.
  chmod(b->dir_.path().c_str(), 0755);
  server::EmbeddedPostgres::Options options;
  options.data_dir = b->dir_.path() + "/pg";
  options.settings = pg_settings;
  PQ_ASSIGN_OR_RETURN(b->pg_, server::EmbeddedPostgres::Start(options));
  b->url_ = b->pg_->ConnectionString();
  std::cerr << "PostgreSQL of this run (connect as the OS user it runs as): "
            << b->url_ << std::endl;
  store::Db::Options db_options;
  db_options.url = b->url_;
  PQ_ASSIGN_OR_RETURN(b->db_, store::Db::Connect(db_options));
  PQ_RETURN_IF_ERROR(store::Migrate(*b->db_).status());
  b->token_ = api::NewTokenSecret();
  store::UserStore users(b->db_.get());
  PQ_RETURN_IF_ERROR(users
                         .BootstrapAdmin("admin",
                                         api::HashTokenSecret(b->token_), true,
                                         absl::Now())
                         .status());
  return b;
}

BenchDatabase::~BenchDatabase() {
  db_.reset();
  if (pg_) (void)pg_->Stop();
}

std::string BenchDatabase::pg_bin_dir() const {
  // The newest /usr/lib/postgresql/*/bin, as the embedded runner picks it.
  std::string best;
  for (int v = 20; v >= 12 && best.empty(); --v) {
    const std::string dir = absl::StrCat("/usr/lib/postgresql/", v, "/bin");
    struct stat st;
    if (stat((dir + "/psql").c_str(), &st) == 0) best = dir;
  }
  return best;
}

absl::StatusOr<std::unique_ptr<BenchServer>> BenchServer::Start(
    const BenchDatabase& db, const std::string& name,
    const std::vector<std::string>& extra_args) {
  auto s = std::make_unique<BenchServer>();
  std::vector<std::string> argv = {
      PQTRACK_SERVER_BIN, "--listen",   "127.0.0.1:0",        "--database-url",
      db.url(),           "--data-dir", db.dir() + "/" + name};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  s->process_ = std::make_unique<testing::Subprocess>(argv);
  const auto line = s->process_->WaitForLine("listening on ");
  if (!line) {
    return absl::UnavailableError(
        absl::StrCat("pqtrack-server did not start:\n", s->process_->output()));
  }
  s->address_ = line->substr(line->find("listening on ") + 13);
  s->drain_ = std::thread([p = s->process_.get()] { p->ReadToEnd(); });
  return s;
}

BenchServer::~BenchServer() {
  if (process_) {
    process_->Signal(SIGTERM);
    if (drain_.joinable()) drain_.join();  // the output ends as it exits
    process_->Wait();
  }
}

void AddPgSettingFlag(CLI::App& app, std::vector<std::string>* settings) {
  app.add_option("--pg-setting", *settings,
                 "A PostgreSQL run-time parameter NAME=VALUE for the run's "
                 "cluster, repeatable (for profiling, e.g. "
                 "shared_preload_libraries=pg_stat_statements)")
      ->type_name("NAME=VALUE")
      ->expected(1)
      ->take_all();
}

std::unique_ptr<grpc::ClientContext> Authorized(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

const char kRegisterSetupSql[] = R"sql(
INSERT INTO units (code, name_vi, kind, created_at, updated_at)
VALUES ('BNV', 'Bộ Nội vụ', 'MINISTRY', now(), now());
INSERT INTO units (code, name_vi, kind, parent_id, created_at, updated_at)
SELECT 'D' || g, 'Vụ ' || g, 'DEPARTMENT',
       (SELECT id FROM units WHERE code = 'BNV'), now(), now()
  FROM generate_series(1, 10) g;
INSERT INTO terms (code, number, start_year, end_year, created_at)
VALUES ('XV', 15, 2021, 2026, now());
INSERT INTO sessions (term_id, number, kind, opens_on, closes_on, created_at)
SELECT id, 7, 'REGULAR', '2024-05-20', '2024-06-29', now() FROM terms;
INSERT INTO batches (session_id, phase, forwarding_body, document_number,
                     received_on, created_at)
SELECT id, 'AFTER_SESSION', 'Ban Dân nguyện', '590/BDN', '2024-01-01', now()
  FROM sessions;
)sql";

absl::StatusOr<std::vector<int64_t>> ParseCounts(const std::string& flag,
                                                 const std::string& name,
                                                 int64_t min, int64_t max) {
  std::vector<int64_t> out;
  for (absl::string_view s : absl::StrSplit(flag, ',')) {
    int64_t n = 0;
    if (!absl::SimpleAtoi(s, &n) || n < min || n > max) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": \"", s, "\" is not a count between ", min, " and ", max));
    }
    out.push_back(n);
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return v[i];
}

}  // namespace pqtrack::bench
