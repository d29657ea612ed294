// Provides the one mapping from libpqxx exceptions to absl::Status.
#ifndef PQTRACK_SERVICES_STORE_ERRORS_H_
#define PQTRACK_SERVICES_STORE_ERRORS_H_

#include <exception>

#include "absl/status/status.h"

namespace pqtrack::store {

// Maps an exception thrown while talking to PostgreSQL:
//   broken connection, connection-class SQLSTATEs, shutdown -> UNAVAILABLE
//   unique violation                                   -> ALREADY_EXISTS
//   check / not-null / foreign-key violation, bad data -> INVALID_ARGUMENT
//   serialization failure, deadlock                    -> ABORTED
//   insufficient privilege                             -> PERMISSION_DENIED
//   anything else                                      -> INTERNAL
absl::Status MapDbException(const std::exception& e);

// True when the transaction that failed with `e` may simply be run again.
bool IsRetryable(const std::exception& e);

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_ERRORS_H_
