#include "services/server/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pqtrack::server {

absl::StatusOr<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(
    const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", dir, ": ", ec.message()));
  }
  const std::string path = dir + "/pqtrack.lock";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    std::ifstream in(path);
    std::string pid;
    std::getline(in, pid);
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", dir, " is in use by another pqtrack-server",
        pid.empty() ? "" : absl::StrCat(" (pid ", pid, ")"),
        "; stop it first or choose another --data-dir"));
  }
  const std::string me = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, me.data(), me.size(), 0) < 0) {
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

bool DataDirLock::IsHeld(const std::string& dir) {
  const std::string path = dir + "/pqtrack.lock";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = flock(fd, LOCK_SH | LOCK_NB) != 0;
  close(fd);
  return held;
}

DataDirLock::~DataDirLock() { close(fd_); }

}  // namespace pqtrack::server
