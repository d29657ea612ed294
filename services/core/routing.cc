#include "services/core/routing.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/core/fold.h"

namespace pqtrack::core {
namespace {

// Checks one rule; fills `reasons` and returns true when every condition it
// names holds.
bool Matches(const RoutingRule& r, const Item& item,
             std::vector<std::string>& reasons) {
  if (r.kind != ItemKind::kUnspecified) {
    if (item.kind != r.kind) return false;
    reasons.push_back(absl::StrCat("kind is ", Name(r.kind)));
  }
  const auto* pet = std::get_if<PetitionDetails>(&item.details);
  const auto* que = std::get_if<QuestionDetails>(&item.details);
  const auto* doc = std::get_if<DocumentDetails>(&item.details);
  const auto* task = std::get_if<TaskDetails>(&item.details);
  if (!r.field.empty()) {
    if (pet == nullptr || Fold(pet->field) != Fold(r.field)) return false;
    reasons.push_back(absl::StrCat("field is \"", pet->field, "\""));
  }
  if (!r.words.empty()) {
    const std::string text = Fold(absl::StrCat(item.title, " ", item.body));
    for (const std::string& w : r.words) {
      const std::string folded = Fold(w);
      if (!absl::StrContains(text, folded)) return false;
      reasons.push_back(
          absl::StrCat("title or text contains \"", folded, "\""));
    }
  }
  if (!r.delegation.empty()) {
    const std::string want = Fold(r.delegation);
    bool found = false;
    if (pet != nullptr) {
      for (const std::string& d : pet->delegations) found |= Fold(d) == want;
    }
    if (que != nullptr) found |= Fold(que->delegation) == want;
    if (!found) return false;
    reasons.push_back(absl::StrCat("delegation is \"", r.delegation, "\""));
  }
  if (!r.sender.empty()) {
    const std::string want = Fold(r.sender);
    const bool found = (doc != nullptr && Fold(doc->sender) == want) ||
                       (task != nullptr && Fold(task->assigned_by) == want);
    if (!found) return false;
    reasons.push_back(absl::StrCat("sender is \"", r.sender, "\""));
  }
  if (!r.addressee.empty()) {
    if (que == nullptr ||
        !absl::StrContains(Fold(que->addressee), Fold(r.addressee))) {
      return false;
    }
    reasons.push_back(
        absl::StrCat("addressee contains \"", Fold(r.addressee), "\""));
  }
  return true;
}

}  // namespace

std::optional<RouteMatch> Route(const std::vector<RoutingRule>& rules,
                                const Item& item) {
  for (const RoutingRule& r : rules) {
    std::vector<std::string> reasons;
    if (Matches(r, item, reasons)) return RouteMatch{r, std::move(reasons)};
  }
  return std::nullopt;
}

void ValidateRule(Violations& v, absl::string_view p, const RoutingRule& r) {
  const auto f = [&](absl::string_view name) { return absl::StrCat(p, name); };
  CheckText(v, f("name"), r.name, {1, 200});
  CheckText(v, f("field"), r.field, {0, 200});
  CheckText(v, f("delegation"), r.delegation, {0, 100});
  CheckText(v, f("sender"), r.sender, {0, 300});
  CheckText(v, f("addressee"), r.addressee, {0, 300});
  if (r.words.size() > 20) v.Add(f("words"), "at most 20 words");
  for (const std::string& w : r.words) CheckText(v, f("words"), w, {1, 100});
  if (r.kind == ItemKind::kUnspecified && r.field.empty() && r.words.empty() &&
      r.delegation.empty() && r.sender.empty() && r.addressee.empty()) {
    v.Add(f("conditions"),
          "at least one of kind, field, words, delegation, sender or "
          "addressee is required");
  }
  if (r.position < 0) v.Add(f("position"), "must not be negative");
  CheckUnitCode(v, f("lead_unit_code"), r.lead_unit_code, true);
  std::set<std::string> seen;
  for (const std::string& c : r.coordinating_unit_codes) {
    CheckUnitCode(v, f("coordinating_unit_codes"), c, true);
    if (!seen.insert(c).second || c == r.lead_unit_code) {
      v.Add(f("coordinating_unit_codes"),
            absl::StrCat("\"", c, "\" is repeated or is the lead unit"));
    }
  }
}

}  // namespace pqtrack::core
