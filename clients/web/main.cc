// pqtrack-web: the responders' and leaders' desk in the browser. A thin
// HTTP front of pqtrack-server (see web_desk.h); it keeps no data.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "clients/common/command_line.h"
#include "clients/common/connection.h"
#include "clients/web/web_desk.h"

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{
      "pqtrack-web: the desk of responders and leaders in the browser. Users "
      "sign in with their user name and password (set with `pqtrack user "
      "set-password`); they see their unit's queue, open an item, write and "
      "submit the draft, approve or return it, give coordination input, "
      "send the answer and attach files. The queue updates itself as their "
      "unit's alerts arrive (Server-Sent Events from WatchAlerts).\n\nIt "
      "serves plain "
      "HTTP: keep it on loopback or behind a TLS proxy until TLS is wired in.",
      "pqtrack-web"};
  pqtrack::client::StandardCommandLine(app, "pqtrack-web");
  std::string listen = "127.0.0.1:8080";
  std::string server;
  app.add_option("--listen", listen,
                 "HTTP address host:port; port 0 picks a free one (the chosen "
                 "address is printed as \"listening on http://HOST:PORT\")")
      ->capture_default_str();
  app.add_option("--server", server,
                 "pqtrack-server address host:port [env PQTRACK_SERVER, "
                 "default 127.0.0.1:50051]");
  pqtrack::web::WebDesk::Options options;
  int threads = 0;
  app.add_option("--max-live", options.max_live,
                 "Queue pages kept up to date at once (each holds an HTTP "
                 "thread; beyond it a page still works by reloading)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
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

  // Signals are taken by a thread of their own, which stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  httplib::Server http;
  http.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  pqtrack::web::WebDesk desk(
      grpc::CreateChannel(server, grpc::InsecureChannelCredentials()), options);
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
  std::cout << "listening on http://" << host << ":" << port
            << " (pqtrack-server at " << server << ")" << std::endl;
  http.listen_after_bind();
  // Stopped by a signal, or the listener failed: wake the stopper either way.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  desk.Shutdown();
  return 0;
}
