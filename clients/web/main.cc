// pqtrack-web: the responders' and leaders' desk in the browser. A thin
// HTTP front of pqtrack-server (see web_desk.h); it keeps no data.
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "clients/common/command_line.h"
#include "clients/common/connection.h"
#include "clients/web/web_desk.h"
#include "services/common/address.h"
#include "services/common/log.h"

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{
      "pqtrack-web: the desk of responders and leaders in the browser. Users "
      "sign in with their user name and password (set with `pqtrack user "
      "set-password`); they see their unit's queue, open an item, write and "
      "submit the draft, approve or return it, give coordination input, "
      "send the answer and attach files. The queue updates itself as their "
      "unit's alerts arrive (Server-Sent Events from WatchAlerts).\n\nWith "
      "--https-cert and --https-key it serves HTTPS (cookies marked "
      "Secure); plain HTTP only on a loopback address, unless "
      "--allow-plaintext (behind a TLS proxy). --tls-ca makes it speak TLS "
      "to pqtrack-server.",
      "pqtrack-web"};
  pqtrack::client::StandardCommandLine(app, "pqtrack-web");
  std::string listen = "127.0.0.1:8080";
  std::string server;
  app.add_option(
         "--listen", listen,
         "HTTP(S) address host:port; port 0 picks a free one (the chosen "
         "address is printed as \"listening on http[s]://HOST:PORT\")")
      ->capture_default_str();
  app.add_option("--server", server,
                 "pqtrack-server address host:port [env PQTRACK_SERVER, "
                 "default 127.0.0.1:50051]");
  pqtrack::client::ConnectionOptions connection;
  pqtrack::client::AddTlsOptions(app, connection);
  std::string https_cert, https_key;
  bool allow_plaintext = false;
  app.add_option("--https-cert", https_cert,
                 "Serve HTTPS with this PEM certificate chain (with "
                 "--https-key); its names must include the ones browsers use");
  app.add_option("--https-key", https_key,
                 "The private key (PEM) of --https-cert");
  app.add_flag("--allow-plaintext", allow_plaintext,
               "Serve plain HTTP on an address that is not loopback "
               "(passwords and session cookies then cross the network in "
               "clear): behind a TLS proxy only");
  pqtrack::web::WebDesk::Options options;
  int threads = 0;
  app.add_option("--max-live", options.max_live,
                 "Queue pages kept up to date at once (each holds an HTTP "
                 "thread; beyond it a page still works by reloading)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  app.add_option("--log-requests", options.log_requests,
                 "Write one JSON line to stderr for each request (time, level, "
                 "method, path, status, latency_ms, user, remote, "
                 "request_id); false: only requests that failed on the "
                 "server's side, which are written either way with their "
                 "detail (their page shows only the request id)")
      ->capture_default_str();
  app.add_option("--threads", threads,
                 "HTTP threads [default: --max-live + 16, so pages are "
                 "served while every live stream is open]")
      ->check(CLI::Range(1, 20000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return pqtrack::client::ParseExit(app, e);
  }
  if (threads == 0) threads = options.max_live + 16;
  if (server.empty()) {
    const char* env = std::getenv(pqtrack::client::kServerEnv);
    server =
        env != nullptr && *env != '\0' ? env : pqtrack::client::kDefaultServer;
  }
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    std::cerr << "error: --listen: expected host:port, got \"" << listen
              << "\"\n";
    return 2;
  }
  const std::string host = listen.substr(0, colon);
  if (https_cert.empty() != https_key.empty()) {
    std::cerr << "error: --https-cert and --https-key go together: give both "
                 "or neither\n";
    return 2;
  }
  const bool https = !https_cert.empty();
  const bool loopback = pqtrack::IsLoopbackHost(host);
  if (!https && !loopback) {
    if (!allow_plaintext) {
      std::cerr << "error: refusing to serve plain HTTP on " << listen
                << ", which is not a loopback address: passwords and session "
                   "cookies would cross the network in clear. Give "
                   "--https-cert and --https-key, listen on 127.0.0.1, or "
                   "pass --allow-plaintext behind a TLS proxy\n";
      return 2;
    }
    pqtrack::WriteLog(pqtrack::LogLevel::kWarning,
                      absl::StrCat("serving plain HTTP on ", listen,
                                   " (--allow-plaintext): passwords and "
                                   "session cookies cross the network in "
                                   "clear"));
  }
  connection.server = server;
  if (absl::Status st = pqtrack::client::ResolveTls(connection); !st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return 2;
  }
  options.secure_cookies = https;

  // Signals are taken by a thread of their own, which stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<httplib::Server> served;
  if (https) {
    auto ssl = std::make_unique<httplib::SSLServer>(https_cert.c_str(),
                                                    https_key.c_str());
    if (!ssl->is_valid()) {
      std::cerr << "error: cannot serve HTTPS with " << https_cert << " and "
                << https_key
                << " (not readable, not PEM, or the key does not match)\n";
      return 2;
    }
    served = std::move(ssl);
  } else {
    served = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *served;
  http.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  pqtrack::web::WebDesk desk(pqtrack::client::OpenChannel(connection), options);
  desk.Register(http);
  if (port == 0) {
    port = http.bind_to_any_port(host);
  } else if (!http.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    std::cerr << "error: cannot listen on " << listen
              << " (address in use or not valid?)\n";
    return 1;
  }
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    desk.Shutdown();  // live streams hold HTTP threads
    http.stop();
  });
  std::cout << "listening on " << (https ? "https" : "http") << "://" << host
            << ":" << port << " (pqtrack-server at " << server
            << (connection.tls_ca.empty() ? "" : " over TLS") << ")"
            << std::endl;
  http.listen_after_bind();
  // Stopped by a signal, or the listener failed: wake the stopper either way.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  desk.Shutdown();
  return 0;
}
