#include "services/common/field_violations.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace pqtrack {
namespace {

// Private to this process: never sent as it is.
constexpr char kPayloadUrl[] = "pqtrack.field_violations";

// Each string as "<length>:<bytes>".
void Put(std::string* out, absl::string_view s) {
  absl::StrAppend(out, s.size(), ":", s);
}

bool Take(absl::string_view* in, std::string* out) {
  const size_t colon = in->find(':');
  size_t n = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(in->substr(0, colon), &n) ||
      in->size() - colon - 1 < n) {
    return false;
  }
  *out = std::string(in->substr(colon + 1, n));
  in->remove_prefix(colon + 1 + n);
  return true;
}

}  // namespace

void SetFieldViolations(absl::Status* status,
                        const std::vector<FieldViolation>& violations) {
  std::string encoded;
  for (size_t i = 0; i < violations.size() && i < kMaxFieldViolations; ++i) {
    Put(&encoded, violations[i].field);
    Put(&encoded, violations[i].description);
  }
  status->SetPayload(kPayloadUrl, absl::Cord(encoded));
}

std::vector<FieldViolation> GetFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  const absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return out;
  const std::string flat(*payload);
  absl::string_view in = flat;
  FieldViolation v;
  while (!in.empty() && Take(&in, &v.field) && Take(&in, &v.description)) {
    out.push_back(v);
  }
  return out;
}

}  // namespace pqtrack
