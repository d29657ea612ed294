// Provides what the daemons ask of an address they listen on: whether only
// this machine can reach it (a loopback host, a Unix socket), which is
// where plain text is allowed.
#ifndef PQTRACK_SERVICES_COMMON_ADDRESS_H_
#define PQTRACK_SERVICES_COMMON_ADDRESS_H_

#include "absl/strings/string_view.h"

namespace pqtrack {

// localhost, 127.x.y.z, ::1 (bracketed or not).
bool IsLoopbackHost(absl::string_view host);

// unix:PATH or unix-abstract:NAME, as gRPC spells a Unix domain socket:
// reachable by whoever the file's permissions let in on this machine.
bool IsUnixSocket(absl::string_view address);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_ADDRESS_H_
