// Provides the few cryptographic primitives pqtrack needs: SHA-256 and
// random secrets from the operating system's CSPRNG (through OpenSSL).
// All functions are thread-safe.
#ifndef PQTRACK_SERVICES_COMMON_CRYPTO_H_
#define PQTRACK_SERVICES_COMMON_CRYPTO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pqtrack {

// Lower-case hexadecimal SHA-256 of `data` (64 characters).
std::string Sha256Hex(absl::string_view data);

// `bytes` random bytes, encoded as unpadded base64url. Aborts the process if
// the CSPRNG fails, which only happens when the system is broken.
std::string RandomSecret(int bytes);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_CRYPTO_H_
