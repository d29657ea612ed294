// Provides the connection settings every client shares (server address,
// bearer token, output format), their environment variables, and the
// channel and per-call context built from them.
#ifndef PQTRACK_CLIENTS_COMMON_CONNECTION_H_
#define PQTRACK_CLIENTS_COMMON_CONNECTION_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace pqtrack::client {

// Environment variables read when the flags are not given.
inline constexpr char kServerEnv[] = "PQTRACK_SERVER";
inline constexpr char kTokenEnv[] = "PQTRACK_TOKEN";
inline constexpr char kTokenFileEnv[] = "PQTRACK_TOKEN_FILE";
inline constexpr char kTlsCaEnv[] = "PQTRACK_TLS_CA";
inline constexpr char kTlsCertEnv[] = "PQTRACK_TLS_CERT";
inline constexpr char kTlsKeyEnv[] = "PQTRACK_TLS_KEY";
inline constexpr char kDefaultServer[] = "127.0.0.1:50051";
// The user's config file (written by `pqtrack login`): PQTRACK_CONFIG, else
// $XDG_CONFIG_HOME/pqtrack/config.toml, else ~/.config/pqtrack/config.toml.
inline constexpr char kConfigEnv[] = "PQTRACK_CONFIG";

struct ConnectionOptions {
  std::string server;
  std::string token;
  std::string token_file;
  // TLS: a PEM file of the CA certificates that signed the server's
  // certificate ("system": the system's trusted CAs). Empty: plain text.
  // The server's name (or IP address) in `server` must be in its
  // certificate, unless `tls_server_name` names the one to expect.
  std::string tls_ca;
  std::string tls_server_name;
  // Optional client certificate and its key (PEM files), for machine
  // clients of a server started with --tls-client-ca.
  std::string tls_cert;
  std::string tls_key;
  // The files' contents, read by ResolveConnection.
  std::string tls_ca_pem;
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // Seconds each call may take.
  int timeout_seconds = 30;
};

// Fills empty fields from the environment, then from the user's config
// file (`server = "..."`, `token = "..."`, `tls_ca = "..."`; its token only
// when talking to its server), then the default server; reads the token
// from token_file when no token is given, and the TLS files.
// FAILED_PRECONDITION when the token file or a TLS file cannot be read, or
// a client certificate comes without its key (or the other way round); a
// config file that is not valid TOML is ignored with a warning on stderr.
absl::Status ResolveConnection(ConnectionOptions& options);

// The TLS part of ResolveConnection alone (for a client whose users bring
// their own tokens, the web desk): empty TLS fields from PQTRACK_TLS_CA,
// PQTRACK_TLS_CERT and PQTRACK_TLS_KEY, the same checks, the files read.
absl::Status ResolveTls(ConnectionOptions& options);

// A channel to options.server: TLS when options.tls_ca is set (resolved
// options), else plain text.
std::shared_ptr<grpc::Channel> OpenChannel(const ConnectionOptions& options);

// Where the user's config file is (it may not exist).
std::string ConfigPath();

// What the config file holds; empty fields when it or they are absent.
struct SavedConnection {
  std::string server;
  std::string token;
  std::string tls_ca;
};
absl::StatusOr<SavedConnection> ReadConfig(const std::string& path);
// Writes `saved` to `path` (mode 0600, its directory 0700 when created),
// replacing the file at once (write to a temporary, then rename). An empty
// token is left out.
absl::Status WriteConfig(const std::string& path, const SavedConnection& saved);

class Connection {
 public:
  explicit Connection(const ConnectionOptions& options);
  // A context carrying the bearer token and the deadline. One per call.
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  // A context for a long-lived stream: the bearer token, no deadline.
  std::unique_ptr<grpc::ClientContext> NewStreamContext() const;
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  // The settings it was opened with (resolved).
  const ConnectionOptions& options() const { return options_; }

 private:
  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_CONNECTION_H_
