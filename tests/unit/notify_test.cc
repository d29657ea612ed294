#include "clients/notify/config.h"
#include "clients/notify/delivery.h"
#include "clients/notify/notifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/core/inbox.h"

namespace pqtrack {
namespace {

using ::testing::HasSubstr;

TEST(NotifyConfig, ReadsRoutesAndResolvesPaths) {
  auto c = notify::ParseConfig(R"(
subscriber = "notifier-main"
dead_letter = "dead.jsonl"
max_attempts = 4
[smtp]
url = "smtp://127.0.0.1:25"
from = "pqtrack@bnv.gov.vn"
[[route]]
units = ["TL"]
kinds = ["OVERDUE", "ESCALATED"]
webhook = "https://chat.example/hook"
email = ["a@b.vn"]
)",
                               "/etc/pqtrack");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->dead_letter, "/etc/pqtrack/dead.jsonl");
  EXPECT_EQ(c->max_attempts, 4);
  ASSERT_EQ(c->routes.size(), 1u);
  EXPECT_EQ(c->routes[0].kinds[1], "ESCALATED");
}

TEST(NotifyConfig, TheComposeExampleIsValid) {
  auto c = notify::LoadConfig(PQTRACK_SOURCE_DIR "/docker/notify.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->routes.size(), 3u);
  EXPECT_TRUE(c->routes[2].digest);
}

TEST(NotifyConfig, EveryMistakeIsNamed) {
  auto c = notify::ParseConfig(R"(
colour = "blue"
max_attempts = 0
subscriber = "Not Valid"
[[route]]
kinds = ["LATE"]
email = ["a@b.vn"]
digest = true
)",
                               "");
  ASSERT_FALSE(c.ok());
  const std::string m(c.status().message());
  EXPECT_THAT(m, HasSubstr("colour: unknown setting"));
  EXPECT_THAT(m, HasSubstr("max_attempts: must be a whole number from 1"));
  EXPECT_THAT(m, HasSubstr("subscriber: 1-100 characters"));
  EXPECT_THAT(m, HasSubstr("route[0].kinds: \"LATE\" is not one of"));
  EXPECT_THAT(m, HasSubstr("route[0].email: needs [smtp]"));
  EXPECT_FALSE(notify::ParseConfig("server = [", "").ok());
}

TEST(NotifyRoutes, UnitsMatchTheirSubtreeAndKindsByName) {
  const std::map<std::string, std::string> parents = {
      {"BNV", ""}, {"TL", "BNV"}, {"TL1", "TL"}, {"CCVC", "BNV"}};
  notify::Route route;
  route.units = {"TL"};
  route.kinds = {"OVERDUE"};
  v1::Alert a;
  a.set_unit_code("TL1");
  a.set_kind(v1::ALERT_KIND_OVERDUE);
  EXPECT_TRUE(notify::Matches(route, a, parents));
  a.set_unit_code("CCVC");
  EXPECT_FALSE(notify::Matches(route, a, parents));
  a.set_unit_code("TL");
  a.set_kind(v1::ALERT_KIND_ASSIGNED);
  EXPECT_FALSE(notify::Matches(route, a, parents));
}

// Messages are in Vietnamese by default, in English when configured.
TEST(NotifyText, VietnameseByDefaultEnglishBySetting) {
  v1::Alert a;
  a.set_kind(v1::ALERT_KIND_OVERDUE);
  a.set_item_id(12);
  a.set_unit_code("TL");
  a.mutable_due_on()->set_year(2024);
  a.mutable_due_on()->set_month(9);
  a.mutable_due_on()->set_day(18);
  a.set_days_left(-2);
  a.set_title("Về tiền lương");
  EXPECT_EQ(notify::AlertText(a, "vi"),
            "Quá hạn: hồ sơ số 12 (TL), hạn 18/09/2024, quá hạn 2 ngày: Về "
            "tiền lương");
  EXPECT_EQ(notify::AlertText(a, "en"),
            "Overdue: item 12 (TL), due 2024-09-18, 2 day(s) overdue: Về "
            "tiền lương");
  const std::string route = "[[route]]\nwebhook = \"http://127.0.0.1:9/\"\n";
  auto c = notify::ParseConfig(route, "");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->language, "vi");
  c = notify::ParseConfig("language = \"en\"\n" + route, "");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->language, "en");
  c = notify::ParseConfig("language = \"fr\"\n" + route, "");
  EXPECT_THAT(c.status().message(), ::testing::HasSubstr("language"));
}

TEST(NotifyMail, HeadersCarryTheKeyAndAnEncodedSubject) {
  const std::string m = notify::MailMessage(
      "p@b.vn", {"a@b.vn", "c@b.vn"}, "Quá hạn", "dòng 1\ndòng 2",
      "pqtrack-alert-7", absl::FromUnixSeconds(0));
  EXPECT_THAT(m, HasSubstr("Message-ID: <pqtrack-alert-7@pqtrack>\r\n"));
  EXPECT_THAT(m, HasSubstr("To: a@b.vn, c@b.vn\r\n"));
  EXPECT_THAT(m, HasSubstr("Subject: =?UTF-8?B?UXXDoSBo4bqhbg==?=\r\n"));
  EXPECT_THAT(m, HasSubstr("\r\n\r\ndòng 1\r\ndòng 2\r\n"));
}

TEST(Inbox, RolesDueDatesAndOrder) {
  using core::Day;
  core::Item lead;
  lead.id = 1;
  lead.status = core::ItemStatus::kInProgress;
  lead.lead_unit_code = "TL1";
  lead.due_on = Day(2024, 11, 20);
  core::Item coordinating = lead;
  coordinating.id = 2;
  coordinating.lead_unit_code = "CCVC";
  coordinating.due_on = Day(2024, 11, 30);
  core::Coordination co;
  co.unit_code = "TL";
  co.due_on = Day(2024, 11, 1);
  coordinating.coordination = {co};
  core::Item given = coordinating;
  given.id = 3;
  given.coordination[0].state = core::CoordinationState::kInputSubmitted;
  core::Item closed = lead;
  closed.id = 4;
  closed.status = core::ItemStatus::kAnswered;
  const auto inbox = core::BuildInbox({lead, coordinating, given, closed},
                                      {"TL", "TL1"}, Day(2024, 11, 2), 7);
  ASSERT_EQ(inbox.size(), 2u);
  EXPECT_EQ(inbox[0].item.id, 2);  // its own due date comes first
  EXPECT_FALSE(inbox[0].lead);
  EXPECT_EQ(inbox[0].days_left, -1);
  EXPECT_EQ(inbox[0].timeliness, core::Timeliness::kOverdue);
  EXPECT_TRUE(inbox[1].lead);
  EXPECT_EQ(inbox[1].timeliness, core::Timeliness::kOnTrack);
  EXPECT_EQ(core::TimelinessOf(Day(2024, 11, 9), Day(2024, 11, 2), 7),
            core::Timeliness::kDueSoon);
  // The due-soon days are the ladder's, not a constant of their own.
  EXPECT_EQ(core::TimelinessOf(Day(2024, 11, 9), Day(2024, 11, 2), 3),
            core::Timeliness::kOnTrack);
  EXPECT_EQ(core::TimelinessOf(std::nullopt, Day(2024, 11, 2), 7),
            core::Timeliness::kNoDeadline);
}

}  // namespace
}  // namespace pqtrack
