#include "services/server/process.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pqtrack::server {

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const std::optional<RunAs>& run_as) {
  return RunProcess(argv, run_as, {});
}

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const std::optional<RunAs>& run_as,
                                         const std::vector<std::string>& env) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  // The child's environment, made before fork (only async-signal-safe
  // calls after it).
  std::vector<std::string> vars = env;
  for (char** e = environ; *e != nullptr; ++e) {
    const absl::string_view var(*e);
    const absl::string_view name = var.substr(0, var.find('='));
    bool replaced = false;
    for (const std::string& mine : env) {
      replaced =
          replaced || (absl::StartsWith(mine, name) &&
                       mine.size() > name.size() && mine[name.size()] == '=');
    }
    if (!replaced) vars.emplace_back(var);
  }
  std::vector<char*> envp;
  for (std::string& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    setsid();
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (run_as) {
      if (initgroups(run_as->name.c_str(), run_as->gid) != 0 ||
          setgid(run_as->gid) != 0 || setuid(run_as->uid) != 0) {
        const char msg[] = "cannot switch to the unprivileged user\n";
        (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
        _exit(126);
      }
    }
    execve(args[0], args.data(), envp.data());
    const char msg[] = "cannot execute the program\n";
    (void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
    _exit(127);
  }
  close(fds[1]);
  ProcessResult result;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n > 0) {
      result.output.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string OutputTail(const std::string& text, size_t max) {
  std::string t(absl::StripTrailingAsciiWhitespace(text));
  return t.size() <= max ? t : "..." + t.substr(t.size() - max);
}

}  // namespace pqtrack::server
