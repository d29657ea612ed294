#include "services/core/login.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace pqtrack::core {

void CheckNewPassword(Violations& v, absl::string_view field,
                      absl::string_view password) {
  Violations text;
  CheckText(text, field, password, kPasswordRule);
  if (!text.empty()) {
    v.Add(field, "10 to 200 characters of UTF-8 text");
    return;
  }
  if (absl::StripAsciiWhitespace(password).empty()) {
    v.Add(field, "must not be only spaces");
  }
}

absl::Duration LoginDelay(int consecutive_failures) {
  if (consecutive_failures <= kFreeLoginFailures) return absl::ZeroDuration();
  const int doublings = std::min(consecutive_failures - kFreeLoginFailures, 20);
  return std::min(absl::Seconds(1) * (int64_t{1} << doublings),
                  absl::Minutes(15));
}

}  // namespace pqtrack::core
