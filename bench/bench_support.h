// Provides what the benchmarks share: a throwaway PostgreSQL with pqtrack's
// schema and an admin token (BenchDatabase), pqtrack-server processes on it
// (BenchServer), and authorised call contexts.
#ifndef PQTRACK_BENCH_BENCH_SUPPORT_H_
#define PQTRACK_BENCH_BENCH_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/server/embedded_postgres.h"
#include "services/store/db.h"
#include "tests/testing/pg_fixture.h"
#include "tests/testing/subprocess.h"

namespace pqtrack::bench {

class BenchDatabase {
 public:
  static absl::StatusOr<std::unique_ptr<BenchDatabase>> Start();
  ~BenchDatabase();

  const std::string& url() const { return url_; }
  const std::string& token() const { return token_; }
  const std::string& dir() const { return dir_.path(); }
  store::Db& db() { return *db_; }
  // Directory of psql and the other PostgreSQL programs.
  std::string pg_bin_dir() const;

 private:
  BenchDatabase() = default;
  testing::TempDir dir_;
  std::unique_ptr<server::EmbeddedPostgres> pg_;
  std::unique_ptr<store::Db> db_;
  std::string url_, token_;
};

class BenchServer {
 public:
  // Starts pqtrack-server on `db` with its own data directory `name`.
  static absl::StatusOr<std::unique_ptr<BenchServer>> Start(
      const BenchDatabase& db, const std::string& name,
      const std::vector<std::string>& extra_args = {});
  // SIGTERM, and waits.
  ~BenchServer();

  const std::string& address() const { return address_; }
  int pid() const { return process_->pid(); }

 private:
  std::unique_ptr<testing::Subprocess> process_;
  std::string address_;
};

std::unique_ptr<grpc::ClientContext> Authorized(const std::string& token);

}  // namespace pqtrack::bench

#endif  // PQTRACK_BENCH_BENCH_SUPPORT_H_
