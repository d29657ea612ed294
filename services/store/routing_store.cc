#include "services/store/routing_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/store/item_rows.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kLockRules{"rules_lock",
                               "SELECT pg_advisory_xact_lock(727178)"};
constexpr Statement kCountRules{
    "rules_count",
    "SELECT count(*) FROM routing_rules WHERE deleted_at IS NULL"};
constexpr Statement kShiftDown{
    "rules_shift_down",
    "UPDATE routing_rules SET position = position + 1"
    " WHERE deleted_at IS NULL AND position >= $1"};
constexpr Statement kShiftUp{"rules_shift_up",
                             "UPDATE routing_rules SET position = position - 1"
                             " WHERE deleted_at IS NULL AND position > $1"};
constexpr Statement kInsertRule{
    "rules_insert",
    R"sql(INSERT INTO routing_rules (position, name, kind, field, words,
                                     delegation, sender, addressee,
                                     lead_unit_id, coordinating_unit_ids,
                                     created_by, created_at)
          VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10::bigint[],
                  $11, $12)
          RETURNING id)sql"};
constexpr Statement kDeleteRule{
    "rules_delete",
    "UPDATE routing_rules SET deleted_at = $2"
    " WHERE id = $1 AND deleted_at IS NULL RETURNING position"};
constexpr Statement kLoadRules{
    "rules_load",
    R"sql(SELECT r.id, r.position, r.name, r.kind, r.field,
                 array_to_string(r.words, E'\x1f'), r.delegation, r.sender,
                 r.addressee, lu.code,
                 (SELECT array_to_string(array_agg(u.code ORDER BY c.ord),
                                         E'\x1f')
                    FROM unnest(r.coordinating_unit_ids) WITH ORDINALITY
                         AS c(uid, ord)
                    JOIN units u ON u.id = c.uid),
                 (extract(epoch FROM r.created_at) * 1000000)::bigint
            FROM routing_rules r JOIN units lu ON lu.id = r.lead_unit_id
           WHERE r.deleted_at IS NULL
           ORDER BY r.position)sql"};

}  // namespace

std::vector<core::RoutingRule> LoadRules(Tx& tx) {
  std::vector<core::RoutingRule> rules;
  for (const pqxx::row& r : tx.Run(kLoadRules)) {
    core::RoutingRule rule;
    rule.id = Int(r[0]);
    rule.position = static_cast<int>(Int(r[1]));
    rule.name = Text(r[2]);
    rule.kind = core::ParseEnum<core::ItemKind>(Text(r[3]))
                    .value_or(core::ItemKind::kUnspecified);
    rule.field = Text(r[4]);
    rule.words = ListOf(r[5]);
    rule.delegation = Text(r[6]);
    rule.sender = Text(r[7]);
    rule.addressee = Text(r[8]);
    rule.lead_unit_code = Text(r[9]);
    rule.coordinating_unit_codes = ListOf(r[10]);
    rules.push_back(std::move(rule));
  }
  return rules;
}

absl::StatusOr<core::RoutingRule> RoutingStore::CreateRule(
    const core::RoutingRule& rule, int64_t actor, absl::Time now) {
  return db_.Transact<core::RoutingRule>(
      [&](Tx& tx) -> absl::StatusOr<core::RoutingRule> {
        tx.Run(kLockRules);
        const int count = static_cast<int>(Int(tx.Run(kCountRules)[0][0]));
        int position = rule.position == 0 ? count + 1 : rule.position;
        if (position > count + 1) {
          return absl::InvalidArgumentError(
              absl::StrCat("rule.position: must be between 1 and ", count + 1,
                           " (or 0 for the end)"));
        }
        PQ_ASSIGN_OR_RETURN(
            const UnitRef lead,
            ResolveUnit(tx, "rule.lead_unit_code", rule.lead_unit_code,
                        std::nullopt, false));
        std::vector<int64_t> coordinating;
        for (const std::string& code : rule.coordinating_unit_codes) {
          PQ_ASSIGN_OR_RETURN(const UnitRef ref,
                              ResolveUnit(tx, "rule.coordinating_unit_codes",
                                          code, std::nullopt, false));
          coordinating.push_back(ref.id);
        }
        tx.Run(kShiftDown, position);
        std::optional<std::string> kind;
        if (rule.kind != core::ItemKind::kUnspecified) {
          kind = core::Name(rule.kind);
        }
        const int64_t id = Int(tx.Run(
            kInsertRule, position, rule.name, kind, rule.field, rule.words,
            rule.delegation, rule.sender, rule.addressee, lead.id,
            IdArray(coordinating), NullIfZero(actor), now)[0][0]);
        for (core::RoutingRule& r : LoadRules(tx)) {
          if (r.id == id) return r;
        }
        return absl::InternalError("the new rule vanished");
      });
}

absl::StatusOr<std::vector<core::RoutingRule>> RoutingStore::ListRules() {
  return db_.Transact<std::vector<core::RoutingRule>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::RoutingRule>> {
        return LoadRules(tx);
      });
}

absl::Status RoutingStore::DeleteRule(int64_t id, absl::Time now) {
  return db_.Transact([&](Tx& tx) -> absl::Status {
    tx.Run(kLockRules);
    const pqxx::result r = tx.Run(kDeleteRule, id, now);
    if (r.empty()) {
      return absl::NotFoundError(absl::StrCat("no active rule ", id));
    }
    tx.Run(kShiftUp, Int(r[0][0]));
    return absl::OkStatus();
  });
}

// Routes `item` (no lead unit yet) by the first matching rule whose units
// exist on the day received. Returns the rule's id and the event detail.
std::optional<core::RouteMatch> RouteByRules(Tx& tx, core::Item& item) {
  std::vector<core::RoutingRule> rules = LoadRules(tx);
  // Rules whose units no longer exist that day cannot route this item.
  std::vector<core::RoutingRule> usable;
  for (core::RoutingRule& r : rules) {
    bool ok =
        ResolveUnit(tx, "rule", r.lead_unit_code, item.received_on, false).ok();
    for (const std::string& c : r.coordinating_unit_codes) {
      ok = ok && ResolveUnit(tx, "rule", c, item.received_on, false).ok();
    }
    if (ok) usable.push_back(std::move(r));
  }
  std::optional<core::RouteMatch> match = core::Route(usable, item);
  if (match) {
    item.lead_unit_code = match->rule.lead_unit_code;
    item.coordinating_unit_codes = match->rule.coordinating_unit_codes;
  }
  return match;
}

}  // namespace pqtrack::store
