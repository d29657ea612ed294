#include "services/core/alerts.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pqtrack/v1/alert.pb.h"
#include "services/common/dates.h"

namespace pqtrack::core {
namespace {

absl::Time Local(int y, int m, int d, int h) {
  return absl::FromCivil(absl::CivilHour(y, m, d, h), MinistryTimeZone());
}

TEST(AlertKindTest, NamesAreTheWiresAndEventsRaiseTheirAlerts) {
  EXPECT_EQ(static_cast<int>(kLastAlertKind), v1::AlertKind_MAX);
  for (int k = 1; k <= static_cast<int>(kLastAlertKind); ++k) {
    const auto kind = static_cast<AlertKind>(k);
    EXPECT_EQ(absl::StrCat("ALERT_KIND_", Name(kind)),
              v1::AlertKind_Name(static_cast<v1::AlertKind>(k)));
    EXPECT_EQ(AlertKindNamed(Name(kind)), kind);
  }
  EXPECT_EQ(AlertKindNamed("NOPE"), AlertKind::kUnspecified);
  EXPECT_EQ(EventAlert("ASSIGNED"), AlertKind::kAssigned);
  EXPECT_EQ(EventAlert("TRANSFERRED_OUT"), AlertKind::kTransferred);
  EXPECT_EQ(EventAlert("RETURNED"), AlertKind::kReturnedForRevision);
  EXPECT_EQ(EventAlert("SUBMITTED"), AlertKind::kSubmittedForApproval);
  EXPECT_EQ(EventAlert("ANSWERED"), AlertKind::kAnswered);
  EXPECT_EQ(EventAlert("DRAFT_SAVED"), AlertKind::kUnspecified);
  EXPECT_EQ(EventAlert("APPROVED"), AlertKind::kUnspecified);
}

TEST(AlertLadderTest, DefaultLadderAroundTet) {
  CalendarDay tet{Day(2025, 1, 27), CalendarDayKind::kHoliday, "Tết", ""};
  std::vector<CalendarDay> days;
  for (int d = 27; d <= 31; ++d) {
    tet.date = Day(2025, 1, d);
    days.push_back(tet);
  }
  const Calendar cal(days, {2025});
  const auto plan = PlanLadder(Day(2025, 1, 24), Ladder(), cal);
  ASSERT_EQ(plan.size(), 6u);
  EXPECT_EQ(plan[0].level, "DUE_SOON_7");
  EXPECT_EQ(plan[0].fire_at, Local(2025, 1, 17, 8));
  EXPECT_EQ(plan[1].level, "DUE_SOON_3");
  EXPECT_EQ(plan[2].level, "DUE_SOON_1");
  EXPECT_EQ(plan[2].days_left, 1);
  EXPECT_EQ(plan[3].level, "DUE_TODAY");
  EXPECT_EQ(plan[3].fire_at, Local(2025, 1, 24, 8));
  EXPECT_EQ(plan[4].level, "OVERDUE");
  EXPECT_EQ(plan[4].fire_at, Local(2025, 1, 25, 0));
  // Three working days after Friday 24 January skip the weekend and Tết:
  // 3, 4 and 5 February.
  EXPECT_EQ(plan[5].level, "ESCALATED");
  EXPECT_EQ(plan[5].fire_at, Local(2025, 2, 5, 8));
}

TEST(AlertLadderTest, LadderIsData) {
  Ladder l;
  l.days_before = {1, 5, 5};
  l.overdue = false;
  l.escalate_after_working_days = 0;
  const auto plan = PlanLadder(Day(2024, 11, 20), l, Calendar({}, {}));
  std::vector<std::string> levels;
  for (const auto& a : plan) levels.push_back(a.level);
  EXPECT_THAT(levels,
              ::testing::ElementsAre("DUE_SOON_5", "DUE_SOON_1", "DUE_TODAY"));
}

// The levels of `plan` that fire (not skipped).
std::vector<std::string> Firing(const std::vector<PlannedAlert>& plan) {
  std::vector<std::string> out;
  for (const auto& a : plan) {
    if (!a.skipped) out.push_back(a.level);
  }
  return out;
}

TEST(SkipPassedLevelsTest, OnlyTheCurrentLevelOfAPastLadderFires) {
  const Calendar cal({}, {});
  // Recorded on 1 December, due on 20 November: all six have passed, and
  // ESCALATED (25 November) is the current one.
  auto plan = PlanLadder(Day(2024, 11, 20), Ladder(), cal);
  SkipPassedLevels(plan, Local(2024, 12, 1, 10), PassedLevels::kFireCurrent);
  EXPECT_THAT(Firing(plan), ::testing::ElementsAre("ESCALATED"));
  // Between the levels: the current one fires, the later ones stay.
  plan = PlanLadder(Day(2024, 11, 20), Ladder(), cal);
  SkipPassedLevels(plan, Local(2024, 11, 18, 9), PassedLevels::kFireCurrent);
  EXPECT_THAT(Firing(plan),
              ::testing::ElementsAre("DUE_SOON_3", "DUE_SOON_1", "DUE_TODAY",
                                     "OVERDUE", "ESCALATED"));
  // Exactly at a level's time, that level is the current one.
  plan = PlanLadder(Day(2024, 11, 20), Ladder(), cal);
  SkipPassedLevels(plan, Local(2024, 11, 19, 8), PassedLevels::kFireCurrent);
  EXPECT_THAT(Firing(plan), ::testing::ElementsAre("DUE_SOON_1", "DUE_TODAY",
                                                   "OVERDUE", "ESCALATED"));
  // Nothing passed: nothing skipped.
  plan = PlanLadder(Day(2024, 11, 20), Ladder(), cal);
  SkipPassedLevels(plan, Local(2024, 11, 1, 9), PassedLevels::kFireCurrent);
  EXPECT_EQ(Firing(plan).size(), 6u);
  // An import skips every passed level.
  plan = PlanLadder(Day(2024, 11, 20), Ladder(), cal);
  SkipPassedLevels(plan, Local(2024, 11, 18, 9), PassedLevels::kSkipAll);
  EXPECT_THAT(Firing(plan), ::testing::ElementsAre("DUE_SOON_1", "DUE_TODAY",
                                                   "OVERDUE", "ESCALATED"));
}

TEST(LadderFactsTest, DueSoonDaysAndLadderDueAndRuns) {
  EXPECT_EQ(DueSoonDays(Ladder()), 7);
  Ladder l;
  l.days_before = {2, 5};
  EXPECT_EQ(DueSoonDays(l), 5);
  l.days_before.clear();
  EXPECT_EQ(DueSoonDays(l), 0);
  EXPECT_EQ(LadderDue(Day(2024, 9, 4), std::nullopt), Day(2024, 9, 4));
  EXPECT_EQ(LadderDue(Day(2024, 9, 4), Day(2025, 3, 31)), Day(2025, 3, 31));
  EXPECT_TRUE(LadderRuns(ItemStatus::kAssigned, true, false));
  EXPECT_FALSE(LadderRuns(ItemStatus::kAssigned, false, false));  // paused
  EXPECT_FALSE(LadderRuns(ItemStatus::kAnswered, true, false));
  EXPECT_TRUE(LadderRuns(ItemStatus::kAnswered, true, true));  // follow-up
  EXPECT_TRUE(LadderRuns(ItemStatus::kInProgress, true, true));
  EXPECT_FALSE(LadderRuns(ItemStatus::kWithdrawn, true, true));
}

}  // namespace
}  // namespace pqtrack::core
