#include "tests/testing/sinks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pqtrack::testing {
namespace {

// Reads from `fd` into `buf` until it holds `needle`; false at EOF.
bool ReadUntil(int fd, std::string& buf, const std::string& needle) {
  char chunk[4096];
  while (buf.find(needle) == std::string::npos) {
    const ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

bool ReadAtLeast(int fd, std::string& buf, size_t size) {
  char chunk[4096];
  while (buf.size() < size) {
    const ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
  }
  return true;
}

void Send(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

}  // namespace

Listener::Listener() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (listen_fd_ < 0 ||
      bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 16) != 0) {
    std::abort();
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

Listener::~Listener() {
  if (listen_fd_ >= 0) close(listen_fd_);
}

void Listener::SetLog(std::function<void(const std::string&)> log) {
  absl::MutexLock lock(&log_mu_);
  log_ = std::move(log);
}

void Listener::Log(const std::string& line) {
  absl::MutexLock lock(&log_mu_);
  if (log_) log_(line);
}

void Listener::Start() {
  thread_ = std::thread([this] {
    for (;;) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR) continue;
        return;  // shut down
      }
      Serve(fd);
      close(fd);
    }
  });
}

void Listener::Shutdown() {
  shutdown(listen_fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
}

std::string HttpSink::url() const {
  return absl::StrCat("http://127.0.0.1:", port(), "/hook");
}

void HttpSink::Fail(int n, int status) {
  absl::MutexLock lock(&mu_);
  fail_left_ = n;
  fail_status_ = status;
}

void HttpSink::Hold(bool held) {
  absl::MutexLock lock(&mu_);
  held_ = held;
}

std::vector<HttpSink::Request> HttpSink::accepted() {
  absl::MutexLock lock(&mu_);
  return accepted_;
}

int HttpSink::attempts() {
  absl::MutexLock lock(&mu_);
  return attempts_;
}

bool HttpSink::WaitForAccepted(size_t n, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  const auto done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return accepted_.size() >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
}

void HttpSink::Serve(int fd) {
  std::string buf;
  if (!ReadUntil(fd, buf, "\r\n\r\n")) return;
  const size_t end = buf.find("\r\n\r\n");
  const std::string head = buf.substr(0, end);
  std::string body = buf.substr(end + 4);
  Request req;
  size_t length = 0;
  bool expect_continue = false;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(head, "\r\n")) {
    if (first) {
      std::vector<std::string> parts = absl::StrSplit(line, ' ');
      if (parts.size() > 1) req.path = parts[1];
      first = false;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    const std::string name =
        absl::AsciiStrToLower(std::string(line.substr(0, colon)));
    const std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    if (name == "content-length") (void)absl::SimpleAtoi(value, &length);
    if (name == "idempotency-key") req.idempotency_key = value;
    if (name == "expect") expect_continue = true;
  }
  if (expect_continue) Send(fd, "HTTP/1.1 100 Continue\r\n\r\n");
  if (!ReadAtLeast(fd, body, length)) return;
  req.body = body.substr(0, length);
  int status = 200;
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](bool* held) { return !*held; }, &held_));
    ++attempts_;
    if (fail_left_ != 0) {
      status = fail_status_;
      if (fail_left_ > 0) --fail_left_;
    } else {
      accepted_.push_back(req);
    }
  }
  Log(absl::StrCat("webhook ", req.idempotency_key, " -> HTTP ", status));
  Send(fd,
       absl::StrCat("HTTP/1.1 ", status,
                    " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
}

std::string SmtpSink::url() const {
  return absl::StrCat("smtp://127.0.0.1:", port());
}

std::vector<std::string> SmtpSink::messages() {
  absl::MutexLock lock(&mu_);
  return messages_;
}

bool SmtpSink::WaitForMessages(size_t n, absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  const auto done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return messages_.size() >= n;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
}

void SmtpSink::Serve(int fd) {
  Send(fd, "220 sink ESMTP\r\n");
  std::string buf;
  for (;;) {
    if (!ReadUntil(fd, buf, "\r\n")) return;
    const size_t eol = buf.find("\r\n");
    const std::string line = buf.substr(0, eol);
    buf.erase(0, eol + 2);
    const std::string verb = absl::AsciiStrToUpper(line.substr(0, 4));
    if (verb == "EHLO" || verb == "HELO") {
      Send(fd, "250 sink\r\n");
    } else if (verb == "DATA") {
      Send(fd, "354 end with <CRLF>.<CRLF>\r\n");
      if (!ReadUntil(fd, buf, "\r\n.\r\n")) return;
      const size_t end = buf.find("\r\n.\r\n");
      {
        absl::MutexLock lock(&mu_);
        messages_.push_back(buf.substr(0, end));
      }
      buf.erase(0, end + 5);
      Log("smtp message accepted");
      Send(fd, "250 queued\r\n");
    } else if (verb == "QUIT") {
      Send(fd, "221 bye\r\n");
      return;
    } else {
      Send(fd, "250 OK\r\n");
    }
  }
}

}  // namespace pqtrack::testing
