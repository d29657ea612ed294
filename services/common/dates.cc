#include "services/common/dates.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pqtrack {

absl::TimeZone MinistryTimeZone() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone tz;
    if (absl::LoadTimeZone("Asia/Ho_Chi_Minh", &tz)) return tz;
    return absl::FixedTimeZone(7 * 60 * 60);
  }();
  return zone;
}

absl::CivilDay Today(const Clock& clock) {
  return absl::ToCivilDay(clock.Now(), MinistryTimeZone());
}

bool IsRealDate(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) return false;
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const absl::CivilDay d(year, month, day);
  return d.year() == year && d.month() == month && d.day() == day;
}

absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a date: expected YYYY-MM-DD naming a real day"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return bad();
  }
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &y) ||
      !absl::SimpleAtoi(text.substr(5, 2), &m) ||
      !absl::SimpleAtoi(text.substr(8, 2), &d) || !IsRealDate(y, m, d)) {
    return bad();
  }
  return absl::CivilDay(y, m, d);
}

std::string FormatIsoDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace pqtrack
