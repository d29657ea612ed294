// Provides Handle(), the wrapper every rpc body runs in: it turns the body's
// absl::Status into a grpc::Status (one mapping for the whole API) and turns
// an escaped exception into INTERNAL instead of a crash.
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

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_HANDLER_H_
