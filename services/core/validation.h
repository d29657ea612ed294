// Provides request validation: the rules every field of every request must
// follow (required, lengths in characters, valid UTF-8, real dates, enums
// not UNSPECIFIED, identifier patterns, cross-field rules). Violations are
// collected and reported together as one INVALID_ARGUMENT whose message names
// each field and the rule it breaks: "item.title: required; ...".
//
// References to stored objects (a session, a batch, a unit) are checked by
// the store in the transaction that uses them.
#ifndef PQTRACK_SERVICES_CORE_VALIDATION_H_
#define PQTRACK_SERVICES_CORE_VALIDATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/core/types.h"

namespace pqtrack::core {

// Collects violations. Not thread-safe; one per request.
class Violations {
 public:
  struct Entry {
    std::string field;
    std::string rule;
  };

  void Add(absl::string_view field, absl::string_view rule);
  bool empty() const { return items_.empty(); }
  // OK when there is no violation; otherwise INVALID_ARGUMENT listing them
  // in the order they were added, the first kShown of them ("; and N
  // more" for the rest).
  absl::Status ToStatus() const;
  static constexpr size_t kShown = 10;
  const std::vector<Entry>& entries() const { return items_; }

 private:
  std::vector<Entry> items_;
};

// Length bounds in Unicode code points. A field with min_chars > 0 is
// required.
struct TextRule {
  size_t min_chars = 0;
  size_t max_chars = 0;
};

// Checks valid UTF-8, no NUL character, and the length bounds.
void CheckText(Violations& v, absl::string_view field, absl::string_view value,
               TextRule rule);

// Converts a wire date. `present` false gives nullopt (and a "required"
// violation when `required`). A triple that is not a real day between 1900
// and 2999 is a violation.
std::optional<Day> CheckDate(Violations& v, absl::string_view field,
                             bool present, int year, int month, int day,
                             bool required);

// Checks that an enum holds a known, non-zero wire value and converts it.
template <typename E>
E CheckEnum(Violations& v, absl::string_view field, int wire_value);

// Unit codes: 1-32 characters from A-Z, 0-9, '-', '_' and '.'.
void CheckUnitCode(Violations& v, absl::string_view field,
                   absl::string_view code, bool required);

// Client request ids: 8-100 characters from A-Z, a-z, 0-9, '-', '_', '.', ':'.
void CheckRequestId(Violations& v, absl::string_view field,
                    absl::string_view id);

// Page sizes: 0 (the default, 50) to 500. Returns the effective size.
int CheckPageSize(Violations& v, absl::string_view field, int page_size);

// Whole-record rules. `prefix` is prepended to field names ("term.").
// `today` is the ministry's current date.
// A term code: 1-16 characters from A-Z and 0-9 ("XV").
void CheckTermCode(Violations& v, absl::string_view field,
                   absl::string_view code, bool required);
void ValidateTerm(Violations& v, absl::string_view prefix, const Term& t);
void ValidateSession(Violations& v, absl::string_view prefix, const Session& s);
void ValidateBatch(Violations& v, absl::string_view prefix, const Batch& b,
                   Day today);
void ValidateUnit(Violations& v, absl::string_view prefix, const Unit& u);
void ValidateUser(Violations& v, absl::string_view prefix, const User& u);
void ValidateItem(Violations& v, absl::string_view prefix, const Item& item,
                  Day today);
// `prefix` names the filter's fields ("filter.").
void ValidateItemFilter(Violations& v, const ItemFilter& f,
                        absl::string_view prefix = "");

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_VALIDATION_H_
