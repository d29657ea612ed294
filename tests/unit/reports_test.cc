#include "services/core/reports.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/core/enums.h"
#include "services/store/item_rows.h"

namespace pqtrack::core {
namespace {

using S = ItemStatus;

TEST(ReportsTest, OpenAsOfTheDay) {
  EXPECT_TRUE(IsOpenAsOf(S::kReceived, false));
  EXPECT_TRUE(IsOpenAsOf(S::kPendingApproval, false));
  // Recorded as answered, but the answer was sent later.
  EXPECT_TRUE(IsOpenAsOf(S::kAnswered, false));
  EXPECT_FALSE(IsOpenAsOf(S::kAnswered, true));
  EXPECT_FALSE(IsOpenAsOf(S::kInProgress, true));
  for (S closed : {S::kNoResponseRequired, S::kTransferredOut, S::kWithdrawn,
                   S::kDuplicate}) {
    EXPECT_FALSE(IsOpenAsOf(closed, false)) << Name(closed);
  }
}

// The store spells the statuses IsOpenAsOf lets through in SQL.
TEST(ReportsTest, OpenAsOfSqlSpellingMatchesCore) {
  const std::string sql = PQTRACK_SQL_OPEN_AS_OF_STATUSES;
  for (int s = 1; s <= static_cast<int>(S::kDuplicate); ++s) {
    const auto status = static_cast<S>(s);
    const std::string quoted = std::string("'") + Name(status) + "'";
    EXPECT_EQ(sql.find(quoted) != std::string::npos, IsOpenAsOf(status, false))
        << quoted;
  }
}

TEST(ReportsTest, PermilleRoundsHalfUp) {
  EXPECT_EQ(Permille(137, 149), 919);  // 91.946...%
  EXPECT_EQ(Permille(1, 16), 63);      // 6.25% -> 6.3%
  EXPECT_EQ(Permille(1, 3), 333);
  EXPECT_EQ(Permille(2, 3), 667);
  EXPECT_EQ(Permille(5, 5), 1000);
  EXPECT_EQ(Permille(0, 7), 0);
  EXPECT_EQ(Permille(3, 0), 0);
  EXPECT_EQ(Permille(2000000000, 2000000000), 1000);  // no overflow
}

TEST(ReportsTest, DueWeeksCoverSixteenWeeksAndAddUp) {
  // Saturday 2 November 2024: its week starts Monday 28 October, the
  // window on Monday 30 September and ends Sunday 19 January.
  const DueWeeks w = BucketDueWeeks(Day(2024, 11, 2), {{Day(2024, 9, 29), 1},
                                                       {Day(2024, 9, 30), 2},
                                                       {Day(2024, 11, 3), 1},
                                                       {Day(2024, 11, 4), 4},
                                                       {Day(2025, 1, 19), 1},
                                                       {Day(2025, 1, 20), 3},
                                                       {std::nullopt, 5}});
  ASSERT_EQ(w.weeks.size(), 16u);
  EXPECT_EQ(w.weeks[0].monday, Day(2024, 9, 30));
  EXPECT_EQ(w.weeks[15].monday, Day(2025, 1, 13));
  EXPECT_EQ(w.earlier, 1);
  EXPECT_EQ(w.weeks[0].open, 2);
  EXPECT_EQ(w.weeks[4].open, 1);  // Sunday 3 November: the as-of week
  EXPECT_EQ(w.weeks[5].open, 4);
  EXPECT_EQ(w.weeks[15].open, 1);
  EXPECT_EQ(w.later, 3);
  EXPECT_EQ(w.without_due_date, 5);
  int sum = w.earlier + w.later + w.without_due_date;
  for (const auto& week : w.weeks) sum += week.open;
  EXPECT_EQ(sum, w.total);
  EXPECT_EQ(w.total, 17);
  // On a Monday the window starts four Mondays before it.
  EXPECT_EQ(BucketDueWeeks(Day(2024, 10, 28), {}).weeks[0].monday,
            Day(2024, 9, 30));
}

TEST(ReportsTest, PeriodFiguresAddUpFromTheirRows) {
  const Day as_of(2024, 11, 2);
  const auto row = [](ItemKind kind, S status, bool answered, bool on_time,
                      std::optional<Day> due, int n) {
    PeriodRow r;
    r.kind = kind;
    r.in_period = true;
    r.status = status;
    r.unit_code = "TL";
    r.answered = answered;
    r.on_time = on_time;
    r.due_on = due;
    r.count = n;
    return r;
  };
  const ItemKind doc = ItemKind::kDocument;
  std::vector<PeriodRow> rows = {
      row(doc, S::kAnswered, true, true, std::nullopt, 5),
      row(doc, S::kAnswered, true, false, std::nullopt, 2),
      // Recorded as answered, answer dated later: open, and overdue.
      row(doc, S::kAnswered, false, false, Day(2024, 10, 20), 1),
      row(doc, S::kAssigned, false, false, Day(2024, 11, 2), 3),  // due today
      row(doc, S::kInProgress, false, false, std::nullopt, 1),
      row(doc, S::kTransferredOut, false, false, Day(2024, 10, 1), 4),
      row(ItemKind::kTask, S::kAssigned, false, false, Day(2024, 10, 1), 2),
      row(ItemKind::kTask, S::kAnswered, true, true, std::nullopt, 6),
      row(ItemKind::kQuestion, S::kDuplicate, false, false, std::nullopt, 1),
      row(ItemKind::kQuestion, S::kAnswered, true, true, std::nullopt, 1),
  };
  PeriodRow before = row(doc, S::kAssigned, false, false, Day(2024, 9, 1), 7);
  before.in_period = false;  // received before the period: open, not counted
  rows.push_back(before);
  PeriodRow note =
      row(doc, S::kNoResponseRequired, false, false, std::nullopt, 9);
  note.requires_response = false;
  note.unit_code = "";
  rows.push_back(note);
  PeriodRow petition =
      row(ItemKind::kPetition, S::kAnswered, true, true, std::nullopt, 3);
  petition.batch_id = 6;
  rows.push_back(petition);

  const PeriodTotals t = SumPeriod(rows, as_of);
  EXPECT_EQ(t.docs_received, 5 + 2 + 1 + 3 + 1 + 4 + 9);
  EXPECT_EQ(t.docs_needing, 12);  // not the transferred out, not the note
  EXPECT_EQ(t.docs_answered, 7);
  EXPECT_EQ(t.docs_on_time, 5);
  EXPECT_EQ(t.docs_overdue, 1);
  EXPECT_EQ(t.docs_not_yet_due, 4);
  EXPECT_EQ(t.docs_needing,
            t.docs_answered + t.docs_not_yet_due + t.docs_overdue);
  EXPECT_EQ(t.tasks_assigned, 8);
  EXPECT_EQ(t.tasks_completed, 6);
  EXPECT_EQ(t.questions_received, 1);
  EXPECT_EQ(t.questions_answered, 1);
  const PeriodTotals::Unit& tl = t.units.at("TL");
  EXPECT_EQ(tl.needing, 12 + 8);
  EXPECT_EQ(tl.answered, 7 + 6);
  EXPECT_EQ(tl.overdue, 1 + 2);
  EXPECT_EQ(t.units.count(""), 0u);
  EXPECT_EQ(t.per_batch.at(6), std::make_pair(3, 3));
  int open = 0;
  for (const auto& [due, n] : t.open_by_due) open += n;
  EXPECT_EQ(open, 1 + 3 + 1 + 2 + 7);  // the transferred out are not open
}

TEST(ReportsTest, PercentilesAreTheSmallestValueReachingTheShare) {
  EXPECT_EQ(Percentile({}, 50), 0);
  // As PostgreSQL's percentile_disc: of 3 and 5 the median is 3.
  EXPECT_EQ(Percentile({{3, 1}, {5, 1}}, 50), 3);
  EXPECT_EQ(Percentile({{3, 1}, {5, 1}}, 90), 5);
  // Ten items: 1 day (x4), 2 (x4), 9 (x1), 40 (x1).
  const std::map<int, int> days = {{1, 4}, {2, 4}, {9, 1}, {40, 1}};
  EXPECT_EQ(Percentile(days, 40), 1);
  EXPECT_EQ(Percentile(days, 50), 2);
  EXPECT_EQ(Percentile(days, 90), 9);
  EXPECT_EQ(Percentile(days, 91), 40);
  EXPECT_EQ(Percentile(days, 100), 40);
}

TEST(ReportsTest, TimelinessFiguresAddUpFromTheirRows) {
  std::vector<TimelinessRow> rows;
  const auto row = [&](const char* unit, ItemKind kind, std::optional<int> days,
                       bool on_time, std::optional<int> overdue, int count) {
    TimelinessRow r;
    r.unit_code = unit;
    r.kind = kind;
    r.days_to_answer = days;
    r.on_time = on_time;
    r.days_overdue = overdue;
    r.extensions = 1;
    r.count = count;
    rows.push_back(r);
  };
  row("TL", ItemKind::kDocument, 3, true, std::nullopt, 6);
  row("TL", ItemKind::kDocument, 20, false, std::nullopt, 4);
  row("TL", ItemKind::kDocument, std::nullopt, false, 7, 1);   // 1-7
  row("TL", ItemKind::kDocument, std::nullopt, false, 8, 2);   // 8-30
  row("TL", ItemKind::kDocument, std::nullopt, false, 91, 1);  // over 90
  row("TL", ItemKind::kDocument, std::nullopt, false, {}, 3);  // not yet due
  row("CCVC", ItemKind::kTask, 10, true, std::nullopt, 1);
  row("", ItemKind::kDocument, 1, true, std::nullopt, 2);  // no lead unit
  const TimelinessTotals t = SumTimeliness(rows);
  const TimelinessCounts& tl = t.rows.at({"TL", ItemKind::kDocument});
  EXPECT_EQ(tl.needing, 17);
  EXPECT_EQ(tl.answered, 10);
  EXPECT_EQ(tl.on_time, 6);
  EXPECT_EQ(tl.median_days, 3);  // 6 of 10 within 3 days
  EXPECT_EQ(tl.p90_days, 20);
  EXPECT_EQ(tl.overdue_1_7, 1);
  EXPECT_EQ(tl.overdue_8_30, 2);
  EXPECT_EQ(tl.overdue_31_90, 0);
  EXPECT_EQ(tl.overdue_over_90, 1);
  EXPECT_EQ(tl.extensions, 17);
  EXPECT_EQ(t.rows.size(), 2u);  // the row without a unit is in the total
  EXPECT_EQ(t.total.needing, 20);
  EXPECT_EQ(t.total.answered, 13);
  EXPECT_EQ(t.total.on_time, 9);
  EXPECT_EQ(t.total.median_days, 3);  // 1 (x2), 3 (x6), 10, 20 (x4)
  EXPECT_EQ(t.total.p90_days, 20);
}

TEST(ReportsTest, OutcomesAreCountedByTheirKindNotTheirSpelling) {
  OutcomeCounts c;
  SessionPetition p;
  c.Add(p);  // not answered: counted, nothing else
  p.answered = true;
  p.outcome = Outcome::kInResolution;
  p.detail = OutcomeDetail::kRoadmap;
  c.Add(p);
  EXPECT_TRUE(p.InResolution());
  p.outcome = Outcome::kResolved;
  p.detail = OutcomeDetail::kImplementation;
  c.Add(p);
  c.Add(p);
  p.outcome = Outcome::kExplained;
  p.detail = OutcomeDetail::kExplanation;
  c.Add(p);
  EXPECT_EQ(c.total, 5);
  EXPECT_EQ(c.answered, 4);
  EXPECT_EQ(c.resolved, 2);
  EXPECT_EQ(c.in_resolution, 1);
  EXPECT_EQ(c.explained, 1);
  EXPECT_EQ(c.answered, c.resolved + c.in_resolution + c.explained);
  EXPECT_EQ(c.details.at(OutcomeDetail::kImplementation), 2);
  EXPECT_EQ(c.details.at(OutcomeDetail::kRoadmap), 1);
  SessionPetition out;
  out.status = ItemStatus::kTransferredOut;
  EXPECT_TRUE(out.TransferredOut());
  EXPECT_FALSE(out.InResolution());
}

TEST(ReportsTest, SessionReportIsDueFortyDaysBeforeTheNextSession) {
  EXPECT_EQ(SessionReportDueOn(Day(2024, 10, 21)), Day(2024, 9, 11));
}

}  // namespace
}  // namespace pqtrack::core
