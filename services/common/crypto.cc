#include "services/common/crypto.h"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/synchronization/mutex.h"

namespace pqtrack {

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string RandomSecret(int bytes) {
  std::string raw(static_cast<size_t>(bytes), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) {
    std::fputs("pqtrack: the system's random generator failed\n", stderr);
    std::abort();
  }
  return absl::WebSafeBase64Escape(raw);
}

namespace {

// sodium_init is thread-safe and idempotent; -1 means no usable RNG.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Each hash takes 64 MiB: at most this many run at once in a process, the
// others wait their turn (so a burst of sign-ins cannot take gigabytes).
constexpr int kMaxConcurrentHashes = 4;

class HashSlot {
 public:
  HashSlot() {
    absl::MutexLock lock(&mu_);
    const auto free = []() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return active_ < kMaxConcurrentHashes;
    };
    mu_.Await(absl::Condition(&free));
    ++active_;
  }
  ~HashSlot() {
    absl::MutexLock lock(&mu_);
    --active_;
  }

 private:
  static absl::Mutex mu_;
  static int active_ ABSL_GUARDED_BY(mu_);
};
ABSL_CONST_INIT absl::Mutex HashSlot::mu_(absl::kConstInit);
int HashSlot::active_ = 0;

}  // namespace

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  const HashSlot slot;
  if (!SodiumReady() ||
      crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::InternalError("cannot hash the password (out of memory?)");
  }
  return std::string(out);
}

bool VerifyPassword(absl::string_view password, const std::string& hash) {
  if (!SodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) {
    return false;
  }
  const HashSlot slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(),
                                  password.size()) == 0;
}

}  // namespace pqtrack
