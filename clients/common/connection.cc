#include "clients/common/connection.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pqtrack::client {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

absl::Status ResolveConnection(ConnectionOptions& o) {
  if (o.server.empty()) o.server = Env(kServerEnv);
  if (o.server.empty()) o.server = kDefaultServer;
  if (o.token.empty() && o.token_file.empty()) o.token = Env(kTokenEnv);
  if (o.token.empty() && o.token_file.empty())
    o.token_file = Env(kTokenFileEnv);
  if (o.token.empty() && !o.token_file.empty()) {
    std::ifstream in(o.token_file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read a token from ", o.token_file));
    }
    o.token = std::string(absl::StripAsciiWhitespace(line));
  }
  return absl::OkStatus();
}

Connection::Connection(const ConnectionOptions& options)
    : options_(options),
      channel_(grpc::CreateChannel(options.server,
                                   grpc::InsecureChannelCredentials())) {}

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
