// Provides UTF-8 checks and measures: validity, length in code points, and
// the width a string takes on a terminal (combining marks take none, East
// Asian wide characters two), so Vietnamese text lines up in tables.
#ifndef PQTRACK_SERVICES_COMMON_UTF8_H_
#define PQTRACK_SERVICES_COMMON_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace pqtrack {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing
// above U+10FFFF).
bool IsValidUtf8(absl::string_view s);

// Number of code points in `s`, which must be valid UTF-8.
size_t CodePointCount(absl::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that ends at a
// character boundary.
absl::string_view Utf8Prefix(absl::string_view s, size_t max_bytes);

// Columns `s` occupies on a terminal; invalid bytes count one column each.
int DisplayWidth(absl::string_view s);

// The longest prefix of `s` that fits in `width` columns; when it had to cut,
// the last column is "…".
std::string TruncateToWidth(absl::string_view s, int width);

}  // namespace pqtrack

#endif  // PQTRACK_SERVICES_COMMON_UTF8_H_
