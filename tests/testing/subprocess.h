// Provides Subprocess, a child process for end-to-end tests whose standard
// output is read line by line (to wait for "listening on ..." without
// sleeping), which can be signalled and waited for.
#ifndef PQTRACK_TESTS_TESTING_SUBPROCESS_H_
#define PQTRACK_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace pqtrack::testing {

class Subprocess {
 public:
  // Starts argv[0] with `argv`; stdout and stderr go to one pipe.
  explicit Subprocess(const std::vector<std::string>& argv);
  // Kills the child (SIGKILL) if it still runs.
  ~Subprocess();

  // Reads lines until one contains `needle` and returns it; nullopt when
  // the child closed its output first. Every line read is kept in output().
  std::optional<std::string> WaitForLine(const std::string& needle);
  // Reads everything until the child closes its output.
  void ReadToEnd();
  void Signal(int sig);
  // Waits for the child to exit and returns its exit code (128+signal).
  int Wait();
  const std::string& output() const { return output_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
  std::string pending_;
  bool waited_ = false;
  int exit_code_ = 0;
};

}  // namespace pqtrack::testing

#endif  // PQTRACK_TESTS_TESTING_SUBPROCESS_H_
