// Provides the configuration of pqtrack-notify, read from a TOML file:
//
//   server = "127.0.0.1:50051"         # default: PQTRACK_SERVER
//   language = "vi"                    # of the messages: "vi" or "en"
//   token_file = "/etc/pqtrack/notify.token"  # a SERVICE user's token;
//                                       # default: PQTRACK_TOKEN(_FILE)
//   tls_ca = "/etc/pqtrack/ca.pem"     # a server speaking TLS: its CA
//                                       # ("system"); default PQTRACK_TLS_CA
//   tls_server_name = ""               # when not the host of `server`
//   tls_cert = ""                      # a client certificate and its key
//   tls_key = ""                       # (PEM), for --tls-client-ca servers
//   subscriber = "notifier-main"       # whose acknowledged cursor to keep
//   dead_letter = "notify-dead.jsonl"  # deliveries that kept failing
//   state_dir = "notify-state"         # the daily digests' spool
//   max_attempts = 8                   # per delivery, then dead-letter
//   initial_backoff_ms = 500           # doubled after each failure ...
//   max_backoff_ms = 60000             # ... up to this
//   timeout_seconds = 10               # per webhook call or e-mail
//
//   [smtp]                             # needed by routes with e-mail
//   url = "smtp://127.0.0.1:25"        # smtp:// or smtps://
//   from = "pqtrack@bnv.gov.vn"
//   username = ""                      # optional
//   password = ""
//
//   [digest]
//   hour = 8                           # local hour (Asia/Ho_Chi_Minh)
//
//   [[route]]                          # any number; an alert goes to every
//   units = ["TL"]                     # route it matches: units (and their
//   kinds = ["OVERDUE", "ESCALATED"]   # sub-units) and kinds; empty = all
//   webhook = "https://chat.example/hook"  # JSON POST, and/or
//   email = ["vu.tl@bnv.gov.vn"]       # one e-mail per alert, or
//   digest = false                     # true: e-mails gathered daily
//
// Relative paths are relative to the configuration file.
#ifndef PQTRACK_CLIENTS_NOTIFY_CONFIG_H_
#define PQTRACK_CLIENTS_NOTIFY_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pqtrack::notify {

struct Route {
  std::vector<std::string> units;
  // Alert kind names without prefix ("OVERDUE").
  std::vector<std::string> kinds;
  std::string webhook;
  std::vector<std::string> email;
  bool digest = false;
};

struct Smtp {
  std::string url;
  std::string from;
  std::string username;
  std::string password;
};

struct Config {
  std::string server;
  // The messages' language: "vi" (Vietnamese, the default) or "en".
  std::string language = "vi";
  std::string token_file;
  // TLS to the server (client::ConnectionOptions); empty: plain text or
  // the PQTRACK_TLS_* variables.
  std::string tls_ca;
  std::string tls_server_name;
  std::string tls_cert;
  std::string tls_key;
  std::string subscriber = "notifier";
  std::string dead_letter = "notify-dead.jsonl";
  std::string state_dir = "notify-state";
  int max_attempts = 8;
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(60);
  absl::Duration timeout = absl::Seconds(10);
  Smtp smtp;
  int digest_hour = 8;
  std::vector<Route> routes;
};

// Parses TOML text; INVALID_ARGUMENT naming the key and the rule. `base_dir`
// resolves relative paths.
absl::StatusOr<Config> ParseConfig(const std::string& toml,
                                   const std::string& base_dir);
// Reads and parses a file.
absl::StatusOr<Config> LoadConfig(const std::string& path);

}  // namespace pqtrack::notify

#endif  // PQTRACK_CLIENTS_NOTIFY_CONFIG_H_
