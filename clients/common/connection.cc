#include "clients/common/connection.h"

#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/common/pem.h"
#include "services/common/status_macros.h"

namespace pqtrack::client {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

std::string ConfigPath() {
  if (std::string p = Env(kConfigEnv); !p.empty()) return p;
  if (std::string x = Env("XDG_CONFIG_HOME"); !x.empty()) {
    return x + "/pqtrack/config.toml";
  }
  return Env("HOME") + "/.config/pqtrack/config.toml";
}

absl::StatusOr<SavedConnection> ReadConfig(const std::string& path) {
  SavedConnection saved;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return saved;
  try {
    const toml::table t = toml::parse_file(path);
    saved.server = t["server"].value_or(std::string());
    saved.token = t["token"].value_or(std::string());
    saved.tls_ca = t["tls_ca"].value_or(std::string());
  } catch (const toml::parse_error& e) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not valid TOML: ", std::string(e.description())));
  }
  return saved;
}

absl::Status WriteConfig(const std::string& path,
                         const SavedConnection& saved) {
  const std::filesystem::path file(path);
  std::error_code ec;
  if (file.has_parent_path() &&
      !std::filesystem::exists(file.parent_path(), ec)) {
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create ", file.parent_path().string(), ": ", ec.message()));
    }
    ::chmod(file.parent_path().c_str(), 0700);
  }
  toml::table t;
  t.insert("server", saved.server);
  if (!saved.token.empty()) t.insert("token", saved.token);
  if (!saved.tls_ca.empty()) t.insert("tls_ca", saved.tls_ca);
  std::ostringstream text;
  text << "# Written by `pqtrack login`; keep it private.\n" << t << "\n";
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", tmp, ": ", std::strerror(errno)));
  }
  ::fchmod(fd, 0600);  // a leftover temporary keeps its old mode
  const std::string bytes = text.str();
  const bool written = ::write(fd, bytes.data(), bytes.size()) ==
                           static_cast<ssize_t>(bytes.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

namespace {

void TlsFromEnv(ConnectionOptions& o) {
  if (o.tls_ca.empty()) o.tls_ca = Env(kTlsCaEnv);
  if (o.tls_cert.empty()) o.tls_cert = Env(kTlsCertEnv);
  if (o.tls_key.empty()) o.tls_key = Env(kTlsKeyEnv);
}

}  // namespace

absl::Status ResolveConnection(ConnectionOptions& o) {
  if (o.server.empty()) o.server = Env(kServerEnv);
  // Before the config file: the environment's CA wins over the saved one.
  TlsFromEnv(o);
  if (o.token.empty() && o.token_file.empty()) o.token = Env(kTokenEnv);
  if (o.token.empty() && o.token_file.empty())
    o.token_file = Env(kTokenFileEnv);
  if (o.server.empty() || (o.token.empty() && o.token_file.empty())) {
    absl::StatusOr<SavedConnection> saved = ReadConfig(ConfigPath());
    if (!saved.ok()) {
      // A broken file must not keep anyone from signing in again.
      std::cerr << "warning: ignoring " << saved.status().message() << "\n";
      saved = SavedConnection();
    }
    // The saved token belongs to the saved server: it is never sent to
    // another one.
    const bool same_server = o.server.empty() || o.server == saved->server;
    if (o.server.empty()) o.server = saved->server;
    if (o.tls_ca.empty() && same_server) o.tls_ca = saved->tls_ca;
    if (o.token.empty() && o.token_file.empty() && same_server) {
      o.token = saved->token;
    }
  }
  if (o.server.empty()) o.server = kDefaultServer;
  if (o.token.empty() && !o.token_file.empty()) {
    std::ifstream in(o.token_file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read a token from ", o.token_file));
    }
    o.token = std::string(absl::StripAsciiWhitespace(line));
  }
  return ResolveTls(o);
}

absl::Status ResolveTls(ConnectionOptions& o) {
  TlsFromEnv(o);
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return absl::FailedPreconditionError(
        "a TLS client certificate needs its key: give both --tls-cert and "
        "--tls-key, or neither");
  }
  if ((!o.tls_cert.empty() || !o.tls_server_name.empty()) && o.tls_ca.empty()) {
    return absl::FailedPreconditionError(
        "--tls-cert, --tls-key and --tls-server-name need TLS: give --tls-ca "
        "FILE (or --tls-ca system)");
  }
  if (o.tls_ca_pem.empty() && !o.tls_ca.empty() && o.tls_ca != "system") {
    PQ_ASSIGN_OR_RETURN(o.tls_ca_pem, ReadPemFile(o.tls_ca, "--tls-ca"));
  }
  if (o.tls_cert_pem.empty() && !o.tls_cert.empty()) {
    PQ_ASSIGN_OR_RETURN(o.tls_cert_pem, ReadPemFile(o.tls_cert, "--tls-cert"));
    PQ_ASSIGN_OR_RETURN(o.tls_key_pem, ReadPemFile(o.tls_key, "--tls-key"));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> OpenChannel(const ConnectionOptions& o) {
  if (o.tls_ca.empty()) {
    return grpc::CreateChannel(o.server, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = o.tls_ca_pem;  // empty: the system's CAs
  ssl.pem_cert_chain = o.tls_cert_pem;
  ssl.pem_private_key = o.tls_key_pem;
  grpc::ChannelArguments args;
  if (!o.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(o.tls_server_name);
  }
  return grpc::CreateCustomChannel(o.server, grpc::SslCredentials(ssl), args);
}

Connection::Connection(const ConnectionOptions& options)
    : options_(options), channel_(OpenChannel(options)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewStreamContext() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!options_.token.empty()) {
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
  }
  return ctx;
}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto ctx = NewStreamContext();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(options_.timeout_seconds));
  return ctx;
}

}  // namespace pqtrack::client
