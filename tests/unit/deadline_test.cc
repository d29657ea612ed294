// Legal deadline arithmetic on the shipped civil-service calendar.
#include "services/core/deadline.h"

#include <fstream>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/dates.h"

namespace pqtrack::core {
namespace {

using ::testing::HasSubstr;

// The calendar shipped in data/, read the way an administrator loads it.
Calendar Shipped() {
  std::ifstream in(PQTRACK_SOURCE_DIR "/data/vn-civil-service-calendar.csv");
  std::string line;
  std::getline(in, line);  // header
  std::vector<CalendarDay> days;
  while (std::getline(in, line)) {
    std::vector<std::string> f = absl::StrSplit(line, ',');
    CalendarDay d;
    d.date = *ParseIsoDate(f[0]);
    d.kind = f[1] == "holiday" ? CalendarDayKind::kHoliday
                               : CalendarDayKind::kWorkday;
    d.name = f[2];
    days.push_back(d);
  }
  return Calendar(days, {2024, 2025, 2026});
}

DeadlineRule Rule(int amount, DayCount count,
                  Anchor anchor = Anchor::kReceived) {
  DeadlineRule r;
  r.kind = ItemKind::kPetition;
  r.amount = amount;
  r.count = count;
  r.anchor = anchor;
  r.legal_basis = "QĐ 33/2017/QĐ-TTg";
  return r;
}

TEST(DeadlineTest, SundayMovesToMonday) {
  const DeadlineResult r =
      ComputeDue(Rule(60, DayCount::kCalendar), Day(2025, 10, 22), Shipped());
  EXPECT_EQ(r.due, Day(2025, 12, 22));
  EXPECT_FALSE(r.calendar_incomplete);
  ASSERT_GE(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[0],
            "received Wednesday 2025-10-22 (that day is not counted)");
  EXPECT_EQ(r.steps[1], "+60 calendar days = Sunday 2025-12-21");
  EXPECT_EQ(r.steps[2],
            "Sunday 2025-12-21 is a weekend day → the period ends at the end "
            "of Monday 2025-12-22");
}

TEST(DeadlineTest, AcrossTet2025) {
  // 60 days from 2024-12-02 end on Friday 2025-01-31, a Tết holiday; the
  // next working day is Monday 2025-02-03.
  const DeadlineResult r =
      ComputeDue(Rule(60, DayCount::kCalendar), Day(2024, 12, 2), Shipped());
  EXPECT_EQ(r.due, Day(2025, 2, 3));
  EXPECT_THAT(r.steps[2], HasSubstr("is a holiday (Lunar New Year"));
}

TEST(DeadlineTest, AcrossTet2026) {
  const DeadlineResult r =
      ComputeDue(Rule(60, DayCount::kCalendar), Day(2025, 12, 18), Shipped());
  EXPECT_EQ(r.due, Day(2026, 2, 23));
}

TEST(DeadlineTest, WorkingDaysSkipTet) {
  // From Wednesday 2025-01-22: 23, 24 Jan, then Tết (27-31 Jan) and
  // weekends, then 3-7 and 10-12 Feb.
  const DeadlineResult r =
      ComputeDue(Rule(10, DayCount::kWorking), Day(2025, 1, 22), Shipped());
  EXPECT_EQ(r.due, Day(2025, 2, 12));
  EXPECT_THAT(r.steps[1], HasSubstr("5 holiday(s) on weekdays skipped"));
}

TEST(DeadlineTest, MakeUpSaturdayIsAWorkingDay) {
  // 2025-04-26 is a Saturday worked in exchange for Friday 2025-05-02.
  const Calendar cal = Shipped();
  EXPECT_TRUE(cal.IsWorkingDay(Day(2025, 4, 26)));
  EXPECT_FALSE(cal.IsWorkingDay(Day(2025, 5, 2)));
  const DeadlineResult r =
      ComputeDue(Rule(60, DayCount::kCalendar), Day(2025, 2, 25), cal);
  EXPECT_EQ(r.due, Day(2025, 4, 26));
  EXPECT_THAT(r.steps.back(), HasSubstr("2025-04-26"));
  EXPECT_THAT(r.steps[2], HasSubstr("make-up working day"));
  // Counting working days through the swap: Thu 24, Fri 25, Sat 26 (worked),
  // Mon 28, Tue 29, then 30/4, 1/5 and 2/5 are holidays.
  const DeadlineResult w =
      ComputeDue(Rule(6, DayCount::kWorking), Day(2025, 4, 23), cal);
  EXPECT_EQ(w.due, Day(2025, 5, 5));
}

TEST(DeadlineTest, MonthAndYearEnds) {
  EXPECT_EQ(ComputeDue(Rule(20, DayCount::kCalendar, Anchor::kAsked),
                       Day(2024, 12, 31), Shipped())
                .due,
            Day(2025, 1, 20));
  // 2024-01-31 + 29 days = 2024-02-29 (leap year), a Thursday.
  EXPECT_EQ(
      ComputeDue(Rule(29, DayCount::kCalendar), Day(2024, 1, 31), Shipped())
          .due,
      Day(2024, 2, 29));
}

TEST(DeadlineTest, YearsTheCalendarDoesNotCoverAreFlagged) {
  const DeadlineResult r =
      ComputeDue(Rule(60, DayCount::kCalendar), Day(2026, 12, 1), Shipped());
  EXPECT_TRUE(r.calendar_incomplete);
  // +60 = Saturday 2027-01-30 → Monday 2027-02-01; 2027's Tết is unknown.
  EXPECT_EQ(r.due, Day(2027, 2, 1));
  EXPECT_THAT(r.steps[r.steps.size() - 2], HasSubstr("warning"));
}

TEST(DeadlineTest, RuleVersionsByArrivalDate) {
  DeadlineRule old_law = Rule(20, DayCount::kCalendar, Anchor::kAsked);
  old_law.id = 1;
  old_law.kind = ItemKind::kQuestion;
  old_law.valid_to = Day(2026, 2, 28);
  DeadlineRule new_law = old_law;
  new_law.id = 2;
  new_law.amount = 15;
  new_law.valid_from = Day(2026, 3, 1);
  new_law.valid_to.reset();
  const std::vector<DeadlineRule> rules = {old_law, new_law};
  EXPECT_EQ(SelectRule(rules, ItemKind::kQuestion, Day(2026, 2, 28))->id, 1);
  EXPECT_EQ(SelectRule(rules, ItemKind::kQuestion, Day(2026, 3, 1))->id, 2);
  EXPECT_EQ(SelectRule(rules, ItemKind::kPetition, Day(2026, 3, 1)), nullptr);
}

TEST(DeadlineTest, CoordinatorsDueEarlierInWorkingDays) {
  // Three working days before Monday 2025-02-03: Fri 2025-01-24 (Tết).
  EXPECT_EQ(SubtractWorkingDays(Day(2025, 2, 3), 3, Shipped()),
            Day(2025, 1, 22));
}

TEST(DeadlineTest, RuleValidation) {
  Violations v;
  DeadlineRule r;
  r.kind = ItemKind::kPetition;
  r.anchor = Anchor::kAsked;
  ValidateDeadlineRule(v, "rule.", r);
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("rule.amount: must be between 1 and 3650"));
  EXPECT_THAT(m, HasSubstr("rule.count: must be set"));
  EXPECT_THAT(m, HasSubstr("rule.anchor: ASKED applies to questions only"));
  EXPECT_THAT(m, HasSubstr("rule.legal_basis: required"));
}

}  // namespace
}  // namespace pqtrack::core
