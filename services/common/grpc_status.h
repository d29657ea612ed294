// Provides the one mapping between absl::Status and grpc::Status. Codes map
// one to one; a message is kept as it is up to kMaxStatusMessage bytes, and
// a longer one (an echoed input, a long list) is cut there, at a character
// boundary, with how much was left out: a status always fits gRPC's
// metadata, whatever the request held. A status carrying field violations
// (core::Violations) gets them, bounded to about 2 KiB, as a
// google.rpc.BadRequest detail (pqtrack/v1/errors.proto).
#ifndef PQTRACK_SERVICES_COMMON_GRPC_STATUS_H_
#define PQTRACK_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace pqtrack {

inline constexpr size_t kMaxStatusMessage = 512;

grpc::Status ToGrpcStatus(const absl::Status& status);
// `message` cut to at most kMaxStatusMessage bytes as ToGrpcStatus does.
std::string BoundedMessage(std::string message);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_GRPC_STATUS_H_
