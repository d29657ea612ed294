// Provides the rules of signing in with a password: what a password must
// be, how long a session lasts, and how repeated wrong passwords are slowed
// down. Pure rules; hashing is in services/common/crypto.h.
#ifndef PQTRACK_SERVICES_CORE_LOGIN_H_
#define PQTRACK_SERVICES_CORE_LOGIN_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/core/validation.h"

namespace pqtrack::core {

// A password is 10 to 200 characters of valid UTF-8 with no NUL, and not
// only spaces.
inline constexpr TextRule kPasswordRule{10, 200};
void CheckNewPassword(Violations& v, absl::string_view field,
                      absl::string_view password);

// A session token from a sign-in lasts this long unless asked for less.
inline constexpr absl::Duration kSessionLifetime = absl::Hours(12);
// The longest session a sign-in may ask for.
inline constexpr absl::Duration kMaxSessionLifetime = absl::Hours(24 * 30);

// How long after its last wrong password a user must wait before the next
// attempt is even checked: nothing for the first 3 in a row, then 2 s,
// 4 s, 8 s ... up to 15 minutes. A right password resets the count.
inline constexpr int kFreeLoginFailures = 3;
absl::Duration LoginDelay(int consecutive_failures);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_LOGIN_H_
