// Provides HttpSink and SmtpSink: a local webhook receiver and a local
// SMTP server on 127.0.0.1 and a port of the system's choosing, for the
// notifier's tests. Each serves one connection at a time on its own thread.
// HttpSink can be told to fail requests (with a status) for a while, or to
// hold them unanswered (a slow receiver).
#ifndef PQTRACK_TESTS_TESTING_SINKS_H_
#define PQTRACK_TESTS_TESTING_SINKS_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pqtrack::testing {

class Listener {
 public:
  Listener();
  virtual ~Listener();
  int port() const { return port_; }
  // Called (on the sink's thread) with a line for every request served.
  void SetLog(std::function<void(const std::string&)> log);

 protected:
  // Starts the accept loop; call at the end of the derived constructor.
  void Start();
  // Stops it; call at the start of the derived destructor.
  void Shutdown();
  virtual void Serve(int fd) = 0;
  void Log(const std::string& line);

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  absl::Mutex log_mu_;
  std::function<void(const std::string&)> log_ ABSL_GUARDED_BY(log_mu_);
};

class HttpSink : public Listener {
 public:
  struct Request {
    std::string path;
    std::string idempotency_key;
    std::string body;
  };
  HttpSink() { Start(); }
  ~HttpSink() override {
    Hold(false);
    Shutdown();
  }

  std::string url() const;
  // The next `n` requests get `status`; with n < 0, every request does.
  void Fail(int n, int status);
  // While held, a request is read and then left unanswered until Hold(false).
  void Hold(bool held);
  // Requests answered 2xx, in order.
  std::vector<Request> accepted();
  int attempts();
  // Waits until `n` requests were accepted (false after `timeout`).
  bool WaitForAccepted(size_t n, absl::Duration timeout);

 private:
  void Serve(int fd) override;

  absl::Mutex mu_;
  int fail_left_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_status_ ABSL_GUARDED_BY(mu_) = 503;
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int attempts_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Request> accepted_ ABSL_GUARDED_BY(mu_);
};

class SmtpSink : public Listener {
 public:
  SmtpSink() { Start(); }
  ~SmtpSink() override { Shutdown(); }

  std::string url() const;
  // Each message's DATA (headers and body).
  std::vector<std::string> messages();
  bool WaitForMessages(size_t n, absl::Duration timeout);

 private:
  void Serve(int fd) override;

  absl::Mutex mu_;
  std::vector<std::string> messages_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pqtrack::testing

#endif  // PQTRACK_TESTS_TESTING_SINKS_H_
