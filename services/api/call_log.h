// Provides the server's call log: a gRPC server interceptor that writes one
// JSON object a line for each call (time, level, rpc, user, status,
// latency, request id) and keeps an unexpected failure's detail on the
// server: a call that ends INTERNAL, UNKNOWN or DATA_LOSS is logged with its
// message, and the client receives only "internal error (request id R)".
//
// Which calls are logged: every call by an authenticated user (when
// `all_calls`), and every unexpected failure. Calls without a user (the
// health check, reflection, requests refused before authentication) are
// not logged one by one, so that nobody can flood the log by sending
// garbage; they are counted (wire::UnreadableRequests and the metrics).
//
// The user comes from the authenticator, which notes the login of each call
// it accepts (NoteUser) for the interceptor to pick up.
//
// Thread-safe.
#ifndef PQTRACK_SERVICES_API_CALL_LOG_H_
#define PQTRACK_SERVICES_API_CALL_LOG_H_

#include <grpcpp/support/server_interceptor.h>

#include <cstdio>
#include <memory>
#include <string>

namespace pqtrack::api {

struct CallLogOptions {
  // Where the lines go (stderr by default).
  FILE* out = stderr;
  // false: only unexpected failures are written.
  bool all_calls = false;
};

// Remembers the login behind the call of `context` (until the call ends).
void NoteUser(const grpc::ServerContextBase* context, const std::string& login);

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallLogFactory(CallLogOptions options);

// The message a client receives for an unexpected failure.
std::string InternalErrorMessage(const std::string& request_id);

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_CALL_LOG_H_
