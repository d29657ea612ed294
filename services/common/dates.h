// Provides the ministry's time zone and strict helpers for legal dates
// (absl::CivilDay): parsing and formatting ISO dates, checking that a
// year/month/day triple is a real date, and "today" from an injected clock.
#ifndef PQTRACK_SERVICES_COMMON_DATES_H_
#define PQTRACK_SERVICES_COMMON_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/clock.h"

namespace pqtrack {

// Asia/Ho_Chi_Minh (UTC+7, no daylight saving). Loaded from the system's
// zoneinfo when present, else the equivalent fixed offset.
absl::TimeZone MinistryTimeZone();

// The current date in the ministry's time zone.
absl::CivilDay Today(const Clock& clock);

// Legal dates are accepted between these years, inclusive.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2999;

// True when y-m-d names a real day between kMinYear and kMaxYear.
bool IsRealDate(int year, int month, int day);

// Parses exactly "YYYY-MM-DD" naming a real day; INVALID_ARGUMENT otherwise.
absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text);

// Formats as "YYYY-MM-DD".
std::string FormatIsoDate(absl::CivilDay day);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_DATES_H_
