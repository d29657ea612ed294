// Provides DataDirLock, an exclusive advisory lock (flock) on a data
// directory, so that a second pqtrack-server on the same directory stops
// with a clear message instead of sharing the embedded cluster.
#ifndef PQTRACK_SERVICES_SERVER_DATA_DIR_LOCK_H_
#define PQTRACK_SERVICES_SERVER_DATA_DIR_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace pqtrack::server {

class DataDirLock {
 public:
  // Creates the directory when missing and locks <dir>/pqtrack.lock, writing
  // our pid in it. FAILED_PRECONDITION naming the holder's pid when another
  // process holds it. The lock is released by the destructor or when the
  // process dies.
  static absl::StatusOr<std::unique_ptr<DataDirLock>> Acquire(
      const std::string& dir);
  // True when some process holds the lock on `dir` right now.
  static bool IsHeld(const std::string& dir);
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace pqtrack::server

#endif  // PQTRACK_SERVICES_SERVER_DATA_DIR_LOCK_H_
