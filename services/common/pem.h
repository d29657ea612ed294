// Provides reading PEM files (TLS certificates and keys) named by a flag.
#ifndef PQTRACK_SERVICES_COMMON_PEM_H_
#define PQTRACK_SERVICES_COMMON_PEM_H_

#include <string>

#include "absl/status/statusor.h"

namespace pqtrack {

// The contents of the PEM file at `path`; FAILED_PRECONDITION naming `flag`
// ("--tls-ca: cannot read a PEM file from PATH") when it cannot be read or
// holds no PEM block.
absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        const char* flag);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_PEM_H_
