// Provides routing rules: which lead and coordinating units an item goes to.
// A rule matches on any of kind, field, words in the title and text, the
// delegation or sender, and a question's addressee — all it names must
// hold, each compared without diacritics or case. Rules are tried in
// position order and the first match wins.
#ifndef PQTRACK_SERVICES_CORE_ROUTING_H_
#define PQTRACK_SERVICES_CORE_ROUTING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/core/types.h"
#include "services/core/validation.h"

namespace pqtrack::core {

struct RoutingRule {
  int64_t id = 0;
  // Order among rules: lower first. Unique among active rules.
  int position = 0;
  std::string name;
  // Conditions; an empty one does not constrain.
  ItemKind kind = ItemKind::kUnspecified;
  std::string field;               // equal to the petition's field
  std::vector<std::string> words;  // each found in the title or body
  std::string delegation;          // one of the petition's delegations, or
                                   // the question's delegation
  std::string sender;              // the document's sender or the task's
                                   // assigning authority
  std::string addressee;           // found in the question's addressee
  // Where a matching item goes.
  std::string lead_unit_code;
  std::vector<std::string> coordinating_unit_codes;
};

struct RouteMatch {
  RoutingRule rule;
  // Why it matched, one line per condition, e.g. "title or text contains
  // \"tien luong\"".
  std::vector<std::string> reasons;
};

// The first rule of `rules` (already in position order) that matches
// `item`, or nullopt.
std::optional<RouteMatch> Route(const std::vector<RoutingRule>& rules,
                                const Item& item);

// Rules a new rule must follow: a name (1-200 characters), at least one
// condition, at most 20 words of 1-100 characters, a lead unit code, no
// repeated or lead unit among the coordinating ones.
void ValidateRule(Violations& v, absl::string_view prefix,
                  const RoutingRule& rule);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ROUTING_H_
