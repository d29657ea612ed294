#include "services/core/deadline.h"

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"

namespace pqtrack::core {
namespace {

const char* WeekdayName(Day d) {
  switch (absl::GetWeekday(d)) {
    case absl::Weekday::monday:
      return "Monday";
    case absl::Weekday::tuesday:
      return "Tuesday";
    case absl::Weekday::wednesday:
      return "Wednesday";
    case absl::Weekday::thursday:
      return "Thursday";
    case absl::Weekday::friday:
      return "Friday";
    case absl::Weekday::saturday:
      return "Saturday";
    case absl::Weekday::sunday:
      return "Sunday";
  }
  return "";
}

std::string Describe(Day d) {
  return absl::StrCat(WeekdayName(d), " ", FormatIsoDate(d));
}

bool IsWeekend(Day d) {
  const absl::Weekday w = absl::GetWeekday(d);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

const char* AnchorWord(Anchor a) {
  switch (a) {
    case Anchor::kReceived:
      return "received";
    case Anchor::kAsked:
      return "asked";
    case Anchor::kDocumentDate:
      return "dated";
    case Anchor::kUnspecified:
      break;
  }
  return "anchor";
}

}  // namespace

const char* Name(CalendarDayKind v) {
  switch (v) {
    case CalendarDayKind::kHoliday:
      return "HOLIDAY";
    case CalendarDayKind::kWorkday:
      return "WORKDAY";
    case CalendarDayKind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

const char* Name(DayCount v) {
  switch (v) {
    case DayCount::kCalendar:
      return "CALENDAR";
    case DayCount::kWorking:
      return "WORKING";
    case DayCount::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

const char* Name(Anchor v) {
  switch (v) {
    case Anchor::kReceived:
      return "RECEIVED";
    case Anchor::kAsked:
      return "ASKED";
    case Anchor::kDocumentDate:
      return "DOCUMENT_DATE";
    case Anchor::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

Calendar::Calendar(const std::vector<CalendarDay>& days,
                   std::set<int> covered_years)
    : covered_(std::move(covered_years)) {
  for (const CalendarDay& d : days) days_[d.date] = d;
}

const CalendarDay* Calendar::Find(Day d) const {
  const auto it = days_.find(d);
  return it == days_.end() ? nullptr : &it->second;
}

bool Calendar::IsWorkingDay(Day d) const {
  if (const CalendarDay* e = Find(d)) {
    return e->kind == CalendarDayKind::kWorkday;
  }
  return !IsWeekend(d);
}

std::string Calendar::WhyNotWorking(Day d) const {
  if (const CalendarDay* e = Find(d);
      e != nullptr && e->kind == CalendarDayKind::kHoliday) {
    return absl::StrCat("a holiday (", e->name, ")");
  }
  return "a weekend day";
}

DeadlineResult ComputeDue(const DeadlineRule& rule, Day anchor_day,
                          const Calendar& calendar) {
  DeadlineResult r;
  r.steps.push_back(absl::StrCat(AnchorWord(rule.anchor), " ",
                                 Describe(anchor_day),
                                 " (that day is not counted)"));
  Day d = anchor_day;
  bool incomplete = !calendar.Covers(static_cast<int>(anchor_day.year()));
  if (rule.count == DayCount::kWorking) {
    int skipped = 0;
    for (int counted = 0; counted < rule.amount;) {
      d += 1;
      incomplete |= !calendar.Covers(static_cast<int>(d.year()));
      if (calendar.IsWorkingDay(d)) {
        ++counted;
      } else if (!IsWeekend(d)) {
        ++skipped;
      }
    }
    r.steps.push_back(absl::StrCat(
        "+", rule.amount, " working days = ", Describe(d),
        skipped > 0
            ? absl::StrCat(" (", skipped, " holiday(s) on weekdays skipped)")
            : ""));
  } else {
    d += rule.amount;
    incomplete |= !calendar.Covers(static_cast<int>(d.year()));
    r.steps.push_back(
        absl::StrCat("+", rule.amount, " calendar days = ", Describe(d)));
    if (!calendar.IsWorkingDay(d)) {
      Day next = d;
      do {
        next += 1;
        incomplete |= !calendar.Covers(static_cast<int>(next.year()));
      } while (!calendar.IsWorkingDay(next));
      r.steps.push_back(
          absl::StrCat(Describe(d), " is ", calendar.WhyNotWorking(d),
                       " → the period ends at the end of ", Describe(next)));
      d = next;
    }
  }
  if (const CalendarDay* e = calendar.Find(d);
      e != nullptr && e->kind == CalendarDayKind::kWorkday) {
    r.steps.push_back(
        absl::StrCat(Describe(d), " is a make-up working day (", e->name, ")"));
  }
  r.due = d;
  r.calendar_incomplete = incomplete;
  if (incomplete) {
    r.steps.push_back(
        "warning: the calendar does not cover every year counted; holidays "
        "of those years are not known yet and only weekends were skipped");
  }
  r.steps.push_back(absl::StrCat("due by the end of ", Describe(d), " (",
                                 rule.legal_basis, ")"));
  return r;
}

const DeadlineRule* SelectRule(const std::vector<DeadlineRule>& rules,
                               ItemKind kind, Day arrival) {
  const DeadlineRule* best = nullptr;
  for (const DeadlineRule& r : rules) {
    if (r.kind != kind) continue;
    if (r.valid_from && arrival < *r.valid_from) continue;
    if (r.valid_to && arrival > *r.valid_to) continue;
    if (best == nullptr ||
        r.valid_from.value_or(Day(1900, 1, 1)) >
            best->valid_from.value_or(Day(1900, 1, 1)) ||
        (r.valid_from == best->valid_from && r.id > best->id)) {
      best = &r;
    }
  }
  return best;
}

Day SubtractWorkingDays(Day d, int n, const Calendar& calendar) {
  for (int counted = 0; counted < n;) {
    d -= 1;
    if (calendar.IsWorkingDay(d)) ++counted;
  }
  return d;
}

std::optional<Day> AnchorDay(const Item& item, Anchor anchor) {
  switch (anchor) {
    case Anchor::kReceived:
      return item.received_on;
    case Anchor::kAsked:
      if (const auto* q = std::get_if<QuestionDetails>(&item.details)) {
        return q->asked_on;
      }
      return std::nullopt;
    case Anchor::kDocumentDate:
      if (const auto* d = std::get_if<DocumentDetails>(&item.details)) {
        return d->document_date;
      }
      if (const auto* t = std::get_if<TaskDetails>(&item.details)) {
        return t->source_date;
      }
      return std::nullopt;
    case Anchor::kUnspecified:
      break;
  }
  return std::nullopt;
}

ItemDue PlanDue(const Item& item, ItemStatus initial_status,
                const std::vector<DeadlineRule>& rules,
                const Calendar& calendar) {
  ItemDue out;
  if (initial_status == ItemStatus::kNoResponseRequired) return out;
  if (item.due_on) {
    out.due = item.due_on;
    out.source = "GIVEN";
    out.steps.push_back(
        absl::StrCat("due date given when recorded: ", Describe(*item.due_on)));
    return out;
  }
  if (!item.received_on) return out;
  const DeadlineRule* rule = SelectRule(rules, item.kind, *item.received_on);
  if (rule == nullptr) {
    out.steps.push_back(absl::StrCat("no deadline rule for ", Name(item.kind),
                                     " was in force on ",
                                     FormatIsoDate(*item.received_on)));
    return out;
  }
  std::optional<Day> anchor = AnchorDay(item, rule->anchor);
  DeadlineResult r;
  if (anchor) {
    r = ComputeDue(*rule, *anchor, calendar);
  } else {
    DeadlineRule from_receipt = *rule;
    from_receipt.anchor = Anchor::kReceived;
    r = ComputeDue(from_receipt, *item.received_on, calendar);
    r.steps.insert(r.steps.begin(),
                   absl::StrCat("the item has no ", AnchorWord(rule->anchor),
                                " date: counted from the day received"));
  }
  out.due = r.due;
  out.source = "RULE";
  out.rule_id = rule->id;
  out.steps = std::move(r.steps);
  out.calendar_incomplete = r.calendar_incomplete;
  return out;
}

std::optional<ItemDue> CorrectedDue(const Item& corrected, ItemStatus status,
                                    std::string_view source_before,
                                    bool due_corrected,
                                    const std::vector<DeadlineRule>& rules,
                                    const Calendar& calendar) {
  if (due_corrected && corrected.due_on) {
    ItemDue out;
    out.due = corrected.due_on;
    out.source = "GIVEN";
    out.steps.push_back(
        absl::StrCat("due date corrected to ", Describe(*corrected.due_on)));
    return out;
  }
  if (!due_corrected && source_before != "RULE" && !source_before.empty()) {
    return std::nullopt;
  }
  Item by_rule = corrected;
  by_rule.due_on.reset();
  return PlanDue(by_rule, status, rules, calendar);
}

Day CoordinatorDue(Day lead_due, Day received_on, int lead_working_days,
                   const Calendar& calendar) {
  const Day d = SubtractWorkingDays(lead_due, lead_working_days, calendar);
  return d < received_on ? received_on : d;
}

void ValidateDeadlineRule(Violations& v, absl::string_view p,
                          const DeadlineRule& r) {
  const auto f = [&](absl::string_view n) { return absl::StrCat(p, n); };
  if (r.kind == ItemKind::kUnspecified) v.Add(f("kind"), "must be set");
  if (r.amount < 1 || r.amount > 3650) {
    v.Add(f("amount"), "must be between 1 and 3650 days");
  }
  if (r.count == DayCount::kUnspecified) v.Add(f("count"), "must be set");
  if (r.anchor == Anchor::kUnspecified) v.Add(f("anchor"), "must be set");
  if (r.anchor == Anchor::kAsked && r.kind != ItemKind::kQuestion &&
      r.kind != ItemKind::kUnspecified) {
    v.Add(f("anchor"), "ASKED applies to questions only");
  }
  if (r.anchor == Anchor::kDocumentDate && r.kind != ItemKind::kDocument &&
      r.kind != ItemKind::kTask && r.kind != ItemKind::kUnspecified) {
    v.Add(f("anchor"), "DOCUMENT_DATE applies to documents and tasks only");
  }
  CheckText(v, f("legal_basis"), r.legal_basis, {1, 500});
  if (r.valid_from && r.valid_to && *r.valid_to < *r.valid_from) {
    v.Add(f("valid_to"), "must not be before valid_from");
  }
}

}  // namespace pqtrack::core
