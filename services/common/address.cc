#include "services/common/address.h"

#include "absl/strings/match.h"

namespace pqtrack {

bool IsLoopbackHost(absl::string_view host) {
  return host == "localhost" || host == "[::1]" || host == "::1" ||
         absl::StartsWith(host, "127.");
}

bool IsUnixSocket(absl::string_view address) {
  return absl::StartsWith(address, "unix:") ||
         absl::StartsWith(address, "unix-abstract:");
}

}  // namespace pqtrack
