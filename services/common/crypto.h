// Provides the few cryptographic primitives pqtrack needs: SHA-256 and
// random secrets from the operating system's CSPRNG (through OpenSSL), and
// password hashes (Argon2id, through libsodium).
// All functions are thread-safe.
#ifndef PQTRACK_SERVICES_COMMON_CRYPTO_H_
#define PQTRACK_SERVICES_COMMON_CRYPTO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pqtrack {

// Lower-case hexadecimal SHA-256 of `data` (64 characters).
std::string Sha256Hex(absl::string_view data);

// `bytes` random bytes, encoded as unpadded base64url. Aborts the process if
// the CSPRNG fails, which only happens when the system is broken.
std::string RandomSecret(int bytes);

// An Argon2id hash of `password` in libsodium's self-describing form
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), with a fresh random salt and
// libsodium's interactive limits (64 MiB, about 0.1 s). At most 4 hashes
// or checks run at once in a process; more wait. INTERNAL only when the
// machine cannot spare the memory.
absl::StatusOr<std::string> HashPassword(absl::string_view password);

// Whether `password` matches `hash` (as HashPassword makes it); false for
// a malformed hash. Takes as long as hashing, on purpose.
bool VerifyPassword(absl::string_view password, const std::string& hash);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_CRYPTO_H_
