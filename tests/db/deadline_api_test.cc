// The calendar, deadline rules, the calculator, explained due dates and
// extensions over the in-process channel on a real PostgreSQL.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::HasSubstr;

class DeadlineTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
    calendar_ = v1::CalendarService::NewStub(channel_);
  }

  v1::Item RecordOn(const std::string& rid, v1::Date received,
                    const std::string& coord = "") {
    v1::RecordItemRequest req = Petition(rid, "TL");
    *req.mutable_item()->mutable_received_on() = received;
    if (!coord.empty()) req.mutable_item()->add_coordinating_unit_codes(coord);
    v1::RecordItemResponse resp;
    const grpc::Status st = Record(req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.item();
  }

  std::unique_ptr<v1::CalendarService::Stub> calendar_;
};

TEST_F(DeadlineTest, RecordedPetitionIsDueAfterTheNationalDayHolidays) {
  // 2024-07-04 + 60 days = Monday 2024-09-02, National Day; 09-03 too.
  const v1::Item it = RecordOn("req-00000001", D(2024, 7, 4), "CCVC");
  EXPECT_EQ(it.due_on().month(), 9);
  EXPECT_EQ(it.due_on().day(), 4);
  // The coordinating unit is due 3 working days earlier: 28 August.
  ASSERT_EQ(it.coordination_size(), 1);
  EXPECT_EQ(it.coordination(0).due_on().day(), 28);

  v1::ExplainDeadlineRequest explain;
  explain.set_item_id(it.id());
  v1::ExplainDeadlineResponse why;
  ASSERT_TRUE(calendar_->ExplainDeadline(As(kAdmin).get(), explain, &why).ok());
  EXPECT_EQ(why.source(), "RULE");
  EXPECT_EQ(why.rule().amount(), 60);
  EXPECT_THAT(why.steps(1), HasSubstr("+60 calendar days = Monday 2024-09-02"));
  EXPECT_THAT(why.steps(2), HasSubstr("a holiday (National Day"));
  EXPECT_THAT(why.steps(2), HasSubstr("Wednesday 2024-09-04"));
}

TEST_F(DeadlineTest, AssignedCoordinatorsDefaultToThreeWorkingDaysEarlier) {
  v1::Item it = RecordOn("req-00000001", D(2024, 7, 4));
  v1::AssignItemRequest req;
  req.set_item_id(it.id());
  req.set_version(it.version());
  req.set_lead_unit_code("TL");
  req.add_coordinating_units()->set_unit_code("CCVC");
  auto* dated = req.add_coordinating_units();
  dated->set_unit_code("TL1");
  *dated->mutable_due_on() = D(2024, 8, 15);
  v1::AssignItemResponse resp;
  ASSERT_TRUE(workflow_->AssignItem(As(kAdmin).get(), req, &resp).ok());
  ASSERT_EQ(resp.item().coordination_size(), 2);
  EXPECT_EQ(resp.item().coordination(0).unit_code(), "CCVC");
  EXPECT_EQ(resp.item().coordination(0).due_on().day(), 28);  // 28 August
  EXPECT_EQ(resp.item().coordination(1).due_on().day(), 15);  // as given
}

TEST_F(DeadlineTest, CalculatorAcrossTetAndRuleVersions) {
  v1::ComputeDeadlineRequest req;
  req.set_kind(v1::ITEM_KIND_PETITION);
  *req.mutable_anchor_date() = D(2024, 12, 2);
  v1::ComputeDeadlineResponse resp;
  ASSERT_TRUE(calendar_->ComputeDeadline(As(kAdmin).get(), req, &resp).ok());
  EXPECT_EQ(resp.due_on().year(), 2025);
  EXPECT_EQ(resp.due_on().month(), 2);
  EXPECT_EQ(resp.due_on().day(), 3);
  EXPECT_FALSE(resp.calendar_incomplete());

  // A new rule version for petitions arriving from 2024-08-01.
  v1::SetDeadlineRuleRequest rule;
  rule.mutable_rule()->set_kind(v1::ITEM_KIND_PETITION);
  rule.mutable_rule()->set_amount(30);
  rule.mutable_rule()->set_count(v1::DAY_COUNT_CALENDAR);
  rule.mutable_rule()->set_anchor(v1::DEADLINE_ANCHOR_RECEIVED);
  rule.mutable_rule()->set_legal_basis("Văn bản mới");
  *rule.mutable_rule()->mutable_valid_from() = D(2024, 8, 1);
  v1::SetDeadlineRuleResponse added;
  EXPECT_EQ(calendar_
                ->SetDeadlineRule(
                    As(UserToken("liaison", v1::ROLE_LIAISON, "")).get(), rule,
                    &added)
                .error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(calendar_->SetDeadlineRule(As(kAdmin).get(), rule, &added).ok());
  EXPECT_EQ(RecordOn("req-00000001", D(2024, 7, 31)).due_on().month(), 9);
  const v1::Item newer = RecordOn("req-00000002", D(2024, 8, 5));
  EXPECT_EQ(newer.due_on().month(), 9);
  EXPECT_EQ(newer.due_on().day(), 4);  // 4 Sep: 30 days, a Wednesday

  req.set_kind(v1::ITEM_KIND_UNSPECIFIED);
  EXPECT_EQ(
      calendar_->ComputeDeadline(As(kAdmin).get(), req, &resp).error_code(),
      grpc::INVALID_ARGUMENT);
}

TEST_F(DeadlineTest, CalendarDaysCanBeLoadedAndChangeLaterDueDates) {
  v1::ListCalendarDaysRequest list;
  list.set_year(2027);
  v1::ListCalendarDaysResponse year;
  ASSERT_TRUE(calendar_->ListCalendarDays(As(kAdmin).get(), list, &year).ok());
  EXPECT_FALSE(year.year_loaded());

  v1::ComputeDeadlineRequest req;
  req.set_kind(v1::ITEM_KIND_DOCUMENT);  // 10 working days
  *req.mutable_anchor_date() = D(2027, 2, 3);
  v1::ComputeDeadlineResponse before;
  ASSERT_TRUE(calendar_->ComputeDeadline(As(kAdmin).get(), req, &before).ok());
  EXPECT_TRUE(before.calendar_incomplete());

  v1::SetCalendarDaysRequest set;
  for (int day = 5; day <= 12; ++day) {
    auto* d = set.add_days();
    *d->mutable_date() = D(2027, 2, day);
    d->set_kind(v1::CALENDAR_DAY_KIND_HOLIDAY);
    d->set_name("Tết 2027");
  }
  v1::SetCalendarDaysResponse written;
  ASSERT_TRUE(calendar_->SetCalendarDays(As(kAdmin).get(), set, &written).ok());
  EXPECT_EQ(written.days_written(), 8);
  v1::ComputeDeadlineResponse after;
  ASSERT_TRUE(calendar_->ComputeDeadline(As(kAdmin).get(), req, &after).ok());
  EXPECT_FALSE(after.calendar_incomplete());
  EXPECT_GT(after.due_on().day() + 31 * after.due_on().month(),
            before.due_on().day() + 31 * before.due_on().month());

  set.add_days()->set_name("");
  EXPECT_EQ(
      calendar_->SetCalendarDays(As(kAdmin).get(), set, &written).error_code(),
      grpc::INVALID_ARGUMENT);
}

TEST_F(DeadlineTest, ExtensionIsRecordedAndExplained) {
  v1::Item it = RecordOn("req-00000001", D(2024, 7, 4));
  v1::ExtendDeadlineRequest req;
  req.set_item_id(it.id());
  req.set_version(it.version());
  *req.mutable_new_due_on() = D(2024, 10, 15);
  req.set_reason("Chờ ý kiến Bộ Tài chính");
  req.set_approved_by("Thứ trưởng Nguyễn Văn X");
  v1::ExtendDeadlineResponse resp;
  ASSERT_TRUE(workflow_->ExtendDeadline(As(kAdmin).get(), req, &resp).ok());
  EXPECT_EQ(resp.item().due_on().month(), 10);
  v1::ExplainDeadlineRequest explain;
  explain.set_item_id(it.id());
  v1::ExplainDeadlineResponse why;
  ASSERT_TRUE(calendar_->ExplainDeadline(As(kAdmin).get(), explain, &why).ok());
  EXPECT_EQ(why.source(), "EXTENDED");
  EXPECT_THAT(why.steps(why.steps_size() - 1),
              HasSubstr("from 2024-09-04 to 2024-10-15, approved by Thứ "
                        "trưởng Nguyễn Văn X"));
  req.set_version(resp.item().version());
  *req.mutable_new_due_on() = D(2024, 7, 1);
  EXPECT_EQ(
      workflow_->ExtendDeadline(As(kAdmin).get(), req, &resp).error_code(),
      grpc::INVALID_ARGUMENT);
}

TEST_F(DeadlineTest, TransfersRestartOrPauseTheClock) {
  // Restart: 60 days again from the transfer day (2024-11-02), ending on
  // New Year's Day 2025, a holiday, so Thursday 2025-01-02.
  v1::Item it = RecordOn("req-00000001", D(2024, 7, 4));
  v1::TransferItemRequest t;
  t.set_item_id(it.id());
  t.set_version(it.version());
  t.set_to_unit_code("CCVC");
  t.set_reason("Chuyển đơn vị chủ trì");
  t.set_clock(v1::CLOCK_RULE_RESTART);
  v1::TransferItemResponse moved;
  ASSERT_TRUE(workflow_->TransferItem(As(kAdmin).get(), t, &moved).ok());
  EXPECT_EQ(moved.item().due_on().year(), 2025);
  EXPECT_EQ(moved.item().due_on().month(), 1);
  EXPECT_EQ(moved.item().due_on().day(), 2);

  // Pause: nothing fires while paused; assigning again moves the due date
  // by the days the clock stood still.
  v1::Item other = RecordOn("req-00000002", D(2024, 10, 30));  // due 12-30
  t.set_item_id(other.id());
  t.set_version(other.version());
  t.set_clock(v1::CLOCK_RULE_PAUSE);
  ASSERT_TRUE(workflow_->TransferItem(As(kAdmin).get(), t, &moved).ok());
  // Far in the future: only the restarted item's ladder fires (6 levels);
  // the paused one's is held.
  auto fired = services_->deps().alerts.FireDue(
      absl::FromCivil(absl::CivilDay(2030, 1, 1), absl::UTCTimeZone()));
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_EQ(*fired, 6);
  clock_.Advance(absl::Hours(24 * 10));
  v1::AssignItemRequest assign;
  assign.set_item_id(other.id());
  assign.set_version(moved.item().version());
  assign.set_lead_unit_code("TL");
  v1::AssignItemResponse resumed;
  ASSERT_TRUE(workflow_->AssignItem(As(kAdmin).get(), assign, &resumed).ok());
  EXPECT_EQ(resumed.item().due_on().year(), 2025);
  EXPECT_EQ(resumed.item().due_on().month(), 1);
  EXPECT_EQ(resumed.item().due_on().day(), 9);  // 2024-12-30 + 10 days
  v1::ExplainDeadlineRequest explain;
  explain.set_item_id(other.id());
  v1::ExplainDeadlineResponse why;
  ASSERT_TRUE(calendar_->ExplainDeadline(As(kAdmin).get(), explain, &why).ok());
  EXPECT_THAT(why.steps(why.steps_size() - 1),
              HasSubstr("clock paused from 2024-11-02 to 2024-11-12 (10 "
                        "days)"));
}

}  // namespace
}  // namespace pqtrack::api
