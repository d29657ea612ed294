// Provides Fold(): text folded for diacritics-insensitive matching of
// Vietnamese — lower case, tone and vowel marks removed, đ as d — so that
// "tien luong" matches "Tiền Lương". Agrees with the database's pq_fold()
// on Vietnamese text.
#ifndef PQTRACK_SERVICES_CORE_FOLD_H_
#define PQTRACK_SERVICES_CORE_FOLD_H_

#include <string>

#include "absl/strings/string_view.h"

namespace pqtrack::core {

// Folds `text` (UTF-8); white space runs become one space, ends trimmed.
std::string Fold(absl::string_view text);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_FOLD_H_
