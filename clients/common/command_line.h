// Provides what every pqtrack client's command line does the same way:
// `--version`; the options of a command accepted after its subcommands
// (`pqtrack item list -o json`); exit status 0 for --help and --version and
// 2 for a usage error, each printed as CLI11 prints it. Header-only, for the
// binaries that link CLI11.
#ifndef PQTRACK_CLIENTS_COMMON_COMMAND_LINE_H_
#define PQTRACK_CLIENTS_COMMON_COMMAND_LINE_H_

#include <CLI/CLI.hpp>
#include <string>

#include "clients/common/connection.h"

namespace pqtrack::client {

// The version every binary reports (the project's, from CMake).
inline std::string Version() { return PQTRACK_VERSION; }

// Call before adding subcommands: they inherit the fallthrough.
inline void StandardCommandLine(CLI::App& app, const std::string& name) {
  app.set_version_flag("--version", name + " " + Version(),
                       "Print the version and exit");
  // A subcommand hands the options it does not know to its parent, so the
  // global ones (-o, --server, --token...) work anywhere on the line.
  app.fallthrough();
}

// The options of a TLS connection to pqtrack-server: --tls-ca,
// --tls-server-name, --tls-cert and --tls-key (see ConnectionOptions).
inline void AddTlsOptions(CLI::App& app, ConnectionOptions& c) {
  app.add_option("--tls-ca", c.tls_ca,
                 "Speak TLS, trusting the CA certificates in this PEM file "
                 "(\"system\": the system's CAs) [env PQTRACK_TLS_CA]");
  app.add_option("--tls-server-name", c.tls_server_name,
                 "The name the server's certificate must carry, when not "
                 "the host of --server");
  app.add_option(
      "--tls-cert", c.tls_cert,
      "A client certificate (PEM) to present [env PQTRACK_TLS_CERT]");
  app.add_option("--tls-key", c.tls_key,
                 "The client certificate's key (PEM) [env PQTRACK_TLS_KEY]");
}

// Prints a failed parse (or the help and version asked for) and returns
// the exit status: 0 for --help and --version, 2 for a usage error; a
// CLI::RuntimeError thrown by a command keeps its own status.
inline int ParseExit(CLI::App& app, const CLI::ParseError& e) {
  // A command that gave up after printing its own error (a lookup it
  // needed failed) keeps the status it chose.
  if (dynamic_cast<const CLI::RuntimeError*>(&e) != nullptr) {
    return e.get_exit_code();
  }
  const int code = app.exit(e);
  return code == 0 ? 0 : 2;
}

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_COMMAND_LINE_H_
