// Provides the list of field violations an INVALID_ARGUMENT status carries
// beside its message, as an absl::Status payload: core::Violations puts it
// there, and ToGrpcStatus turns it into the status's google.rpc.BadRequest
// detail (pqtrack/v1/errors.proto).
#ifndef PQTRACK_SERVICES_COMMON_FIELD_VIOLATIONS_H_
#define PQTRACK_SERVICES_COMMON_FIELD_VIOLATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace pqtrack {

struct FieldViolation {
  std::string field;
  std::string description;
};

// At most this many violations are kept; the message counts the rest.
inline constexpr size_t kMaxFieldViolations = 50;

// Attaches `violations` (the first kMaxFieldViolations) to `status`.
void SetFieldViolations(absl::Status* status,
                        const std::vector<FieldViolation>& violations);
// The violations attached to `status`; empty when there are none.
std::vector<FieldViolation> GetFieldViolations(const absl::Status& status);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_FIELD_VIOLATIONS_H_
