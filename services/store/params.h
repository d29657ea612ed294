// Provides Params, the argument list of a prepared statement, and the text
// encodings pqtrack uses on the wire to PostgreSQL (dates as YYYY-MM-DD,
// instants as RFC 3339 in UTC, arrays as array literals). Not thread-safe.
#ifndef PQTRACK_SERVICES_STORE_PARAMS_H_
#define PQTRACK_SERVICES_STORE_PARAMS_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace pqtrack::store {

// Marker for an SQL NULL argument.
struct Null {};

class Params {
 public:
  Params() = default;
  template <typename... Args>
  explicit Params(const Args&... args) {
    (Add(args), ...);
  }

  void Add(Null);
  void Add(std::string_view s);
  void Add(const std::string& s) { Add(std::string_view(s)); }
  void Add(const char* s) { Add(std::string_view(s)); }
  void Add(int64_t v);
  void Add(int v) { Add(static_cast<int64_t>(v)); }
  void Add(bool v);
  void Add(absl::CivilDay d);
  void Add(absl::Time t);
  // A text[] argument.
  void Add(const std::vector<std::string>& array);
  template <typename T>
  void Add(const std::optional<T>& v) {
    if (v) {
      Add(*v);
    } else {
      Add(Null{});
    }
  }

  // Pointers for libpq: one per argument, nullptr for NULL. Valid while this
  // object lives and is not changed.
  std::vector<const char*> Pointers() const;

 private:
  std::deque<std::string> values_;
  std::vector<bool> null_;
};

// A text value that is NULL when empty.
std::optional<std::string> NullIfEmpty(std::string_view s);
// An id that is NULL when zero (or negative).
std::optional<int64_t> NullIfZero(int64_t id);

// Encodes a PostgreSQL array literal of text values.
std::string ArrayLiteral(const std::vector<std::string>& values);

// Separator used when arrays are read back with array_to_string(..., E'\x1f').
inline constexpr char kArraySeparator = '\x1f';

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_PARAMS_H_
