#include "bench/bench_support.h"

#include <signal.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "services/api/auth.h"
#include "services/common/status_macros.h"
#include "services/store/migrations.h"
#include "services/store/user_store.h"

namespace pqtrack::bench {

absl::StatusOr<std::unique_ptr<BenchDatabase>> BenchDatabase::Start() {
  std::unique_ptr<BenchDatabase> b(new BenchDatabase());
  // PostgreSQL runs as an unprivileged user when we are root.
  chmod(b->dir_.path().c_str(), 0755);
  server::EmbeddedPostgres::Options options;
  options.data_dir = b->dir_.path() + "/pg";
  PQ_ASSIGN_OR_RETURN(b->pg_, server::EmbeddedPostgres::Start(options));
  b->url_ = b->pg_->ConnectionString();
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
  return s;
}

BenchServer::~BenchServer() {
  if (process_) {
    process_->Signal(SIGTERM);
    process_->Wait();
  }
}

std::unique_ptr<grpc::ClientContext> Authorized(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  return ctx;
}

}  // namespace pqtrack::bench
