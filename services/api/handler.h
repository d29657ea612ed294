// Provides Handle(), the wrapper every rpc body runs in: it turns the body's
// absl::Status into a grpc::Status (one mapping for the whole API) and turns
// an escaped exception into INTERNAL instead of a crash; and ReadPart(), how
// a client-stream handler reads its messages.
#ifndef PQTRACK_SERVICES_API_HANDLER_H_
#define PQTRACK_SERVICES_API_HANDLER_H_

#include <grpcpp/support/status.h>

#include <exception>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"

namespace pqtrack::api {

inline grpc::Status Handle(absl::FunctionRef<absl::Status()> body) {
  try {
    return ToGrpcStatus(body());
  } catch (const std::exception& e) {
    return ToGrpcStatus(
        absl::InternalError(absl::StrCat("unexpected error: ", e.what())));
  }
}

// Reads the next message of a client stream into `msg`: false at the end of
// the stream, and also when a message could not be decoded, which gRPC
// does not tell apart: then `*broken` is INVALID_ARGUMENT naming the field,
// and the handler returns it, keeping nothing of the stream.
template <class Reader, class Message>
bool ReadPart(Reader* reader, Message* msg, absl::Status* broken) {
  (void)wire::TakeReadError();  // a failure of an earlier call on the thread
  if (reader->Read(msg)) return true;
  *broken = FromGrpcStatus(wire::TakeReadError());
  return false;
}

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_HANDLER_H_
