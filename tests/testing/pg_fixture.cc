#include "tests/testing/pg_fixture.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/server/embedded_postgres.h"
#include "services/store/migrations.h"

namespace pqtrack::testing {
namespace {

struct Cluster {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<server::EmbeddedPostgres> pg;
  std::string base;  // connection string without dbname
};

// Stops the cluster when the test binary ends.
class ClusterEnvironment : public ::testing::Environment {
 public:
  void TearDown() override;
};

Cluster* g_cluster = nullptr;

Cluster& GetCluster() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_cluster = new Cluster();
    const char* url = std::getenv("PQTRACK_TEST_DATABASE_URL");
    if (url != nullptr && *url != '\0') {
      g_cluster->base = url;
      return;
    }
    g_cluster->dir = std::make_unique<TempDir>();
    server::EmbeddedPostgres::Options options;
    options.data_dir = g_cluster->dir->path();
    auto pg = server::EmbeddedPostgres::Start(options);
    if (!pg.ok()) {
      std::fprintf(stderr, "cannot start a test PostgreSQL: %s\n",
                   std::string(pg.status().message()).c_str());
      std::abort();
    }
    g_cluster->pg = std::move(pg).value();
    ::testing::AddGlobalTestEnvironment(new ClusterEnvironment());
  });
  return *g_cluster;
}

void ClusterEnvironment::TearDown() {
  if (g_cluster != nullptr && g_cluster->pg != nullptr) {
    (void)g_cluster->pg->Stop();
    g_cluster->pg.reset();
    g_cluster->dir.reset();
  }
}

std::string WithDatabase(const Cluster& c, const std::string& db) {
  if (c.pg != nullptr) return c.pg->ConnectionString(db);
  return absl::StrCat(c.base, " dbname=", db);
}

}  // namespace

TempDir::TempDir() {
  char tmpl[] = "/tmp/pqtrack-test-XXXXXX";
  const char* made = mkdtemp(tmpl);
  if (made == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string NewDatabase() {
  static std::atomic<int> counter{0};
  Cluster& c = GetCluster();
  const std::string name =
      absl::StrCat("t", getpid(), "_", counter.fetch_add(1));
  try {
    pqxx::connection admin(WithDatabase(c, "postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot create a test database: %s\n", e.what());
    std::abort();
  }
  return WithDatabase(c, name);
}

std::unique_ptr<store::Db> NewMigratedDb() {
  store::Db::Options o;
  o.url = NewDatabase();
  auto db = store::Db::Connect(o);
  if (!db.ok()) {
    ADD_FAILURE() << db.status();
    return nullptr;
  }
  auto migrated = store::Migrate(**db);
  if (!migrated.ok()) {
    ADD_FAILURE() << migrated.status();
    return nullptr;
  }
  return std::move(db).value();
}

}  // namespace pqtrack::testing
