// Provides RunProcess, which runs a program to completion (optionally as
// another user, in its own session) and returns its exit code and output.
#ifndef PQTRACK_SERVICES_SERVER_PROCESS_H_
#define PQTRACK_SERVICES_SERVER_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace pqtrack::server {

struct RunAs {
  uid_t uid;
  gid_t gid;
  std::string name;
};

struct ProcessResult {
  int exit_code = 0;
  // Standard output and standard error, interleaved.
  std::string output;
};

// Runs argv[0] (a path) with `argv`, waiting for it to exit. With `run_as`
// (only when this process is root) the child drops to that user first. The
// child starts a new session, so a Ctrl-C meant for us never reaches it.
// Fails only when the program cannot be started; a non-zero exit is
// reported in the result.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const std::optional<RunAs>& run_as);
// As above, the child's environment being this process's with `env`
// (NAME=VALUE each) added or replacing: where a secret goes rather than
// the command line.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const std::optional<RunAs>& run_as,
                                         const std::vector<std::string>& env);

// The end of a program's output for an error message: at most `max` bytes,
// "..." first when cut, trailing white space removed.
std::string OutputTail(const std::string& text, size_t max = 2000);

}  // namespace pqtrack::server

#endif  // PQTRACK_SERVICES_SERVER_PROCESS_H_
