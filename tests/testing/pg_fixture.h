// Provides the tests' PostgreSQL: one throwaway cluster per test binary
// (the project's own embedded runner in a temporary directory, as an
// unprivileged user when the tests run as root), and a fresh database per
// test, migrated on request. Set PQTRACK_TEST_DATABASE_URL to a libpq
// string of a server you run instead (its user must be allowed to CREATE
// DATABASE).
#ifndef PQTRACK_TESTS_TESTING_PG_FIXTURE_H_
#define PQTRACK_TESTS_TESTING_PG_FIXTURE_H_

#include <memory>
#include <string>

#include "services/store/db.h"

namespace pqtrack::testing {

// Creates an empty database with a unique name and returns its connection
// string. Aborts the test binary when no PostgreSQL can be had.
std::string NewDatabase();

// A fresh database, migrated, behind a Db.
std::unique_ptr<store::Db> NewMigratedDb();

// A temporary directory removed (with everything in it) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace pqtrack::testing

#endif  // PQTRACK_TESTS_TESTING_PG_FIXTURE_H_
