// Provides the one mapping between absl::Status and grpc::Status. Codes map
// one to one; the message is kept as is.
#ifndef PQTRACK_SERVICES_COMMON_GRPC_STATUS_H_
#define PQTRACK_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace pqtrack {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_GRPC_STATUS_H_
