// pqtrack-notify: turns pqtrack alerts into webhook calls and e-mails.
//
//   pqtrack-notify --config notify.toml [--once]
//
// See config.h for the configuration file and notifier.h for what the
// daemon guarantees (every alert delivered at least once, acknowledged only
// after delivery, dead letters for deliveries that keep failing).
#include <curl/curl.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "clients/common/command_line.h"
#include "clients/common/connection.h"
#include "clients/notify/config.h"
#include "clients/notify/delivery.h"
#include "clients/notify/notifier.h"
#include "services/common/log.h"

int main(int argc, char** argv) {
  CLI::App app{
      "pqtrack-notify: delivers pqtrack alerts to webhooks and e-mail "
      "addresses (SMTP), as a TOML file maps units and alert kinds to them. "
      "It consumes WatchAlerts under a SERVICE token with a subscriber name "
      "and acknowledges each alert only after delivery, so a restart resumes "
      "where it stopped and no alert is lost. Failing deliveries are retried "
      "with exponential backoff, then written to the dead-letter file. "
      "Webhook calls carry an Idempotency-Key header (pqtrack-alert-ID).\n\n"
      "The server and token come from the file (server, token_file) or "
      "PQTRACK_SERVER and PQTRACK_TOKEN / PQTRACK_TOKEN_FILE. SIGINT or "
      "SIGTERM stops it cleanly.",
      "pqtrack-notify"};
  pqtrack::client::StandardCommandLine(app, "pqtrack-notify");
  std::string config_path;
  bool once = false;
  app.add_option("--config,-c", config_path, "The TOML configuration file")
      ->required();
  auto* redrive = app.add_subcommand(
      "redrive",
      "Send the deliveries of the dead-letter file again, each to the "
      "receiver it failed for; those that succeed leave the file. Exit 0 "
      "when it is empty afterwards, 1 otherwise");
  app.add_flag("--once", once,
               "Deliver every alert fired so far, then exit (for cron and "
               "tests); exit 1 when the server cannot be reached in five "
               "attempts (about 15 s)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return pqtrack::client::ParseExit(app, e);
  }

  auto config = pqtrack::notify::LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << "pqtrack-notify: " << config.status().message() << "\n";
    return 2;
  }
  pqtrack::client::ConnectionOptions conn;
  conn.server = config->server;
  conn.token_file = config->token_file;
  conn.tls_ca = config->tls_ca;
  conn.tls_server_name = config->tls_server_name;
  conn.tls_cert = config->tls_cert;
  conn.tls_key = config->tls_key;
  if (absl::Status s = pqtrack::client::ResolveConnection(conn); !s.ok()) {
    std::cerr << "pqtrack-notify: " << s.message() << "\n";
    return 2;
  }
  if (conn.token.empty()) {
    std::cerr << "pqtrack-notify: no token: set token_file in the "
                 "configuration, or PQTRACK_TOKEN / PQTRACK_TOKEN_FILE\n";
    return 2;
  }

  // SIGINT/SIGTERM are handled by a thread of our own.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  pqtrack::client::Connection connection(conn);
  auto sender = pqtrack::notify::NewCurlSender(config->timeout);
  pqtrack::notify::Notifier notifier(*config, sender.get(),
                                     connection.channel(), conn.token);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    notifier.Stop();
  });
  pqtrack::WriteLog(
      pqtrack::LogLevel::kInfo,
      absl::StrCat("started: ", config->routes.size(), " route(s), server ",
                   conn.server, conn.tls_ca.empty() ? "" : " over TLS",
                   ", subscriber ", config->subscriber),
      pqtrack::JsonObject()
          .Add("routes", static_cast<int64_t>(config->routes.size()))
          .Add("server", conn.server)
          .Add("tls", !conn.tls_ca.empty())
          .Add("subscriber", config->subscriber));
  const int code = redrive->parsed() ? notifier.Redrive() : notifier.Run(once);
  pthread_kill(waiter.native_handle(), SIGTERM);  // ends the waiter
  waiter.join();
  curl_global_cleanup();
  return code;
}
