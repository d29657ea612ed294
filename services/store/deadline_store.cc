#include "services/store/deadline_store.h"

#include <pqxx/pqxx>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/store/item_rows.h"
#include "services/store/rows.h"

namespace pqtrack::store {
namespace {

constexpr Statement kUpsertDay{
    "dl_upsert_day",
    "INSERT INTO calendar_days (day, kind, name, source, updated_at)"
    " VALUES ($1, $2, $3, $4, now())"
    " ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind,"
    " name = EXCLUDED.name, source = EXCLUDED.source, updated_at = now()"};
constexpr Statement kMarkYear{
    "dl_mark_year",
    "INSERT INTO calendar_years (year) VALUES ($1) ON CONFLICT DO NOTHING"};
constexpr Statement kDaysOfYear{
    "dl_days_of_year",
    "SELECT day, kind, name, source FROM calendar_days"
    " WHERE extract(year FROM day) = $1 ORDER BY day"};
constexpr Statement kYearLoaded{
    "dl_year_loaded",
    "SELECT EXISTS (SELECT 1 FROM calendar_years WHERE year = $1)"};
constexpr Statement kAllDays{
    "dl_all_days", "SELECT day, kind, name, source FROM calendar_days"};
constexpr Statement kAllYears{"dl_all_years",
                              "SELECT year FROM calendar_years"};
constexpr Statement kInsertRule{
    "dl_insert_rule",
    "INSERT INTO deadline_rules (kind, amount, count, anchor, legal_basis,"
    " valid_from, valid_to, created_by, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"};
constexpr Statement kRules{
    "dl_rules",
    "SELECT id, kind, amount, count, anchor, legal_basis, valid_from, valid_to"
    " FROM deadline_rules ORDER BY kind, valid_from NULLS FIRST, id"};
constexpr Statement kLeadDays{
    "dl_lead_days",
    "SELECT value FROM settings WHERE key = 'coordination_lead_working_days'"};
constexpr Statement kItemDue{
    "dl_item_due", PQTRACK_SCOPE_CTE
    "SELECT i.due_on, coalesce(i.due_source, ''), i.due_explanation,"
    " coalesce(i.due_rule_id, 0), i.due_calendar_incomplete"
    " FROM items i WHERE i.id = $3 AND " PQTRACK_VISIBLE};

core::CalendarDay DayFromRow(const pqxx::row& r) {
  core::CalendarDay d;
  d.date = *DayOf(r[0]);
  d.kind = Text(r[1]) == "WORKDAY" ? core::CalendarDayKind::kWorkday
                                   : core::CalendarDayKind::kHoliday;
  d.name = Text(r[2]);
  d.source = Text(r[3]);
  return d;
}

std::vector<core::DeadlineRule> ReadDeadlineRules(Tx& tx) {
  std::vector<core::DeadlineRule> rules;
  for (const pqxx::row& r : tx.Run(kRules)) {
    core::DeadlineRule rule;
    rule.id = Int(r[0]);
    rule.kind = core::ParseEnum<core::ItemKind>(Text(r[1]))
                    .value_or(core::ItemKind::kUnspecified);
    rule.amount = static_cast<int>(Int(r[2]));
    rule.count = Text(r[3]) == "WORKING" ? core::DayCount::kWorking
                                         : core::DayCount::kCalendar;
    const std::string anchor = Text(r[4]);
    rule.anchor = anchor == "ASKED"           ? core::Anchor::kAsked
                  : anchor == "DOCUMENT_DATE" ? core::Anchor::kDocumentDate
                                              : core::Anchor::kReceived;
    rule.legal_basis = Text(r[5]);
    rule.valid_from = DayOf(r[6]);
    rule.valid_to = DayOf(r[7]);
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

core::Calendar LoadCalendar(Tx& tx) {
  return *tx.Memo<core::Calendar>("calendar", [&] {
    std::vector<core::CalendarDay> days;
    for (const pqxx::row& r : tx.Run(kAllDays)) days.push_back(DayFromRow(r));
    std::set<int> years;
    for (const pqxx::row& r : tx.Run(kAllYears)) {
      years.insert(static_cast<int>(Int(r[0])));
    }
    return core::Calendar(days, std::move(years));
  });
}

std::vector<core::DeadlineRule> LoadDeadlineRules(Tx& tx) {
  return *tx.Memo<std::vector<core::DeadlineRule>>(
      "deadline_rules", [&] { return ReadDeadlineRules(tx); });
}

int CoordinationLeadDays(Tx& tx) {
  return *tx.Memo<int>("coordination_lead_days", [&] {
    const pqxx::result r = tx.Run(kLeadDays);
    int n = 3;
    if (!r.empty() && absl::SimpleAtoi(Text(r[0][0]), &n) && n >= 0) return n;
    return 3;
  });
}

absl::StatusOr<int> DeadlineStore::SetCalendarDays(
    const std::vector<core::CalendarDay>& days) {
  return db_.Transact<int>([&](Tx& tx) -> absl::StatusOr<int> {
    std::set<int> years;
    for (const core::CalendarDay& d : days) {
      tx.Run(kUpsertDay, d.date, std::string(core::Name(d.kind)), d.name,
             d.source);
      years.insert(static_cast<int>(d.date.year()));
    }
    for (int y : years) tx.Run(kMarkYear, y);
    return static_cast<int>(days.size());
  });
}

absl::StatusOr<DeadlineStore::Year> DeadlineStore::ListCalendarDays(int year) {
  return db_.Transact<Year>([&](Tx& tx) -> absl::StatusOr<Year> {
    Year out;
    for (const pqxx::row& r : tx.Run(kDaysOfYear, year)) {
      out.days.push_back(DayFromRow(r));
    }
    out.loaded = Bool(tx.Run(kYearLoaded, year)[0][0]);
    return out;
  });
}

absl::StatusOr<core::DeadlineRule> DeadlineStore::CreateRule(
    const core::DeadlineRule& rule, int64_t actor, absl::Time now) {
  return db_.Transact<core::DeadlineRule>(
      [&](Tx& tx) -> absl::StatusOr<core::DeadlineRule> {
        core::DeadlineRule out = rule;
        out.id = Int(tx.Run(kInsertRule, std::string(core::Name(rule.kind)),
                            rule.amount, std::string(core::Name(rule.count)),
                            std::string(core::Name(rule.anchor)),
                            rule.legal_basis, rule.valid_from, rule.valid_to,
                            NullIfZero(actor), now)[0][0]);
        return out;
      });
}

absl::StatusOr<std::vector<core::DeadlineRule>> DeadlineStore::ListRules() {
  return db_.Transact<std::vector<core::DeadlineRule>>(
      [&](Tx& tx) -> absl::StatusOr<std::vector<core::DeadlineRule>> {
        return LoadDeadlineRules(tx);
      });
}

absl::StatusOr<DeadlineStore::Computation> DeadlineStore::Compute(
    core::ItemKind kind, absl::CivilDay anchor, absl::CivilDay arrival) {
  return db_.Transact<Computation>([&](Tx& tx) -> absl::StatusOr<Computation> {
    const std::vector<core::DeadlineRule> rules = LoadDeadlineRules(tx);
    const core::DeadlineRule* rule = core::SelectRule(rules, kind, arrival);
    if (rule == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("no deadline rule for ", core::Name(kind),
                       " is in force on that day"));
    }
    return Computation{*rule,
                       core::ComputeDue(*rule, anchor, LoadCalendar(tx))};
  });
}

absl::StatusOr<DeadlineStore::Explanation> DeadlineStore::Explain(
    const std::optional<std::string>& scope_unit, int64_t item_id) {
  return db_.Transact<Explanation>([&](Tx& tx) -> absl::StatusOr<Explanation> {
    const pqxx::result r = tx.Run(kItemDue, scope_unit, Null{}, item_id);
    if (r.empty())
      return absl::NotFoundError(absl::StrCat("no item ", item_id));
    Explanation e;
    e.due = DayOf(r[0][0]);
    e.source = Text(r[0][1]);
    if (!Text(r[0][2]).empty()) e.steps = absl::StrSplit(Text(r[0][2]), '\n');
    const int64_t rule_id = Int(r[0][3]);
    for (core::DeadlineRule& rule : LoadDeadlineRules(tx)) {
      if (rule.id == rule_id) e.rule = std::move(rule);
    }
    e.calendar_incomplete = Bool(r[0][4]);
    return e;
  });
}

}  // namespace pqtrack::store
