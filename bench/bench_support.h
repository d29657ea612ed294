// Provides what the benchmarks share: a throwaway PostgreSQL with pqtrack's
// schema and an admin token (BenchDatabase), pqtrack-server processes on it
// (BenchServer), authorised call contexts, the units and assembly calendar
// of generated registers, comma-separated count flags and percentiles.
#ifndef PQTRACK_BENCH_BENCH_SUPPORT_H_
#define PQTRACK_BENCH_BENCH_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "services/server/embedded_postgres.h"
#include "services/store/db.h"
#include "tests/testing/pg_fixture.h"
#include "tests/testing/subprocess.h"

namespace pqtrack::bench {

class BenchDatabase {
 public:
  // `pg_settings`: further PostgreSQL run-time parameters, "name=value"
  // (EmbeddedPostgres::Options::settings), from --pg-setting. The
  // connection string goes to stderr, for a psql beside the run.
  static absl::StatusOr<std::unique_ptr<BenchDatabase>> Start(
      const std::vector<std::string>& pg_settings = {});
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
  // Reads the server's output (its call log: a line a call) as it comes, so
  // that a full pipe never stops the server mid-benchmark.
  std::thread drain_;
  std::string address_;
};

std::unique_ptr<grpc::ClientContext> Authorized(const std::string& token);

// Adds the benchmarks' repeatable --pg-setting NAME=VALUE flag to `app`.
void AddPgSettingFlag(CLI::App& app, std::vector<std::string>* settings);

// SQL that creates what a generated register hangs off: the ministry BNV
// with departments D1..D10, term XV, regular session 7 and its batch 1.
extern const char kRegisterSetupSql[];

// Parses a comma-separated list of counts for flag `name`, each between
// `min` and `max`; INVALID_ARGUMENT naming the bad entry.
absl::StatusOr<std::vector<int64_t>> ParseCounts(const std::string& flag,
                                                 const std::string& name,
                                                 int64_t min, int64_t max);

// The value at fraction `p` (0..1) of `v` sorted; 0 for an empty `v`.
double Percentile(std::vector<double> v, double p);

}  // namespace pqtrack::bench

#endif  // PQTRACK_BENCH_BENCH_SUPPORT_H_
