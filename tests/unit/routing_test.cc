#include "services/core/routing.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/core/fold.h"

namespace pqtrack::core {
namespace {

using ::testing::ElementsAre;

TEST(FoldTest, VietnameseWithoutDiacritics) {
  EXPECT_EQ(Fold("Tiền Lương"), "tien luong");
  EXPECT_EQ(Fold("ĐÀ NẴNG  Đắk   Lắk"), "da nang dak lak");
  EXPECT_EQ(Fold("Bộ Nội vụ"), "bo noi vu");
  EXPECT_EQ(Fold("ưu đãi người có công"), "uu dai nguoi co cong");
  // Decomposed form: o + combining circumflex + combining dot below.
  EXPECT_EQ(Fold("Bo\xCC\x82\xCC\xA3"), "bo");
  EXPECT_EQ(Fold("  padded\t"), "padded");
}

Item Petition(const std::string& title, const std::string& field,
              std::vector<std::string> delegations) {
  Item it;
  it.kind = ItemKind::kPetition;
  it.title = title;
  it.details = PetitionDetails{1, std::move(delegations), field};
  return it;
}

RoutingRule Rule(int64_t id, const std::string& lead) {
  RoutingRule r;
  r.id = id;
  r.position = static_cast<int>(id);
  r.name = "rule " + std::to_string(id);
  r.lead_unit_code = lead;
  return r;
}

TEST(RoutingTest, WordsMatchWithoutDiacritics) {
  RoutingRule r = Rule(1, "TL");
  r.words = {"tien luong"};
  const auto m = Route({r}, Petition("Kiến nghị về TIỀN LƯƠNG tối thiểu",
                                     "Lao động", {"Hà Nội"}));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->rule.lead_unit_code, "TL");
  EXPECT_THAT(m->reasons, ElementsAre("title or text contains \"tien luong\""));
  EXPECT_FALSE(Route({r}, Petition("Tiền thưởng", "x", {"Huế"})).has_value());
}

TEST(RoutingTest, FirstMatchInOrderWins) {
  RoutingRule specific = Rule(1, "TL");
  specific.kind = ItemKind::kPetition;
  specific.field = "tiền lương";
  specific.delegation = "ha noi";
  RoutingRule general = Rule(2, "VP");
  general.kind = ItemKind::kPetition;
  const Item hanoi = Petition("x", "Tiền Lương", {"Nghệ An", "Hà Nội"});
  const Item hue = Petition("x", "Tiền Lương", {"Huế"});
  EXPECT_EQ(Route({specific, general}, hanoi)->rule.id, 1);
  EXPECT_EQ(Route({specific, general}, hue)->rule.id, 2);
  EXPECT_EQ(Route({general, specific}, hanoi)->rule.id, 2);
  const auto m = Route({specific, general}, hanoi);
  EXPECT_THAT(m->reasons,
              ElementsAre("kind is PETITION", "field is \"Tiền Lương\"",
                          "delegation is \"ha noi\""));
}

TEST(RoutingTest, SenderAndAddressee) {
  RoutingRule by_sender = Rule(1, "CCHC");
  by_sender.sender = "van phong chinh phu";
  Item task;
  task.kind = ItemKind::kTask;
  task.title = "Báo cáo";
  task.details = TaskDetails{"Văn phòng Chính phủ", "1/TB", std::nullopt};
  EXPECT_TRUE(Route({by_sender}, task).has_value());

  RoutingRule by_addressee = Rule(2, "TCBC");
  by_addressee.addressee = "bo truong";
  Item q;
  q.kind = ItemKind::kQuestion;
  q.title = "Chất vấn";
  QuestionDetails qd;
  qd.addressee = "Bộ trưởng Bộ Nội vụ";
  qd.delegation = "Long An";
  q.details = qd;
  EXPECT_TRUE(Route({by_addressee}, q).has_value());
  EXPECT_FALSE(Route({by_sender}, q).has_value());
  EXPECT_FALSE(Route({}, q).has_value());
}

TEST(RoutingTest, RuleValidation) {
  Violations v;
  RoutingRule empty;
  ValidateRule(v, "rule.", empty);
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, ::testing::HasSubstr("rule.name: required"));
  EXPECT_THAT(m, ::testing::HasSubstr("rule.conditions: at least one"));
  EXPECT_THAT(m, ::testing::HasSubstr("rule.lead_unit_code: required"));
  Violations ok;
  RoutingRule r = Rule(1, "TL");
  r.words = {"tiền lương"};
  r.coordinating_unit_codes = {"CCVC"};
  ValidateRule(ok, "rule.", r);
  EXPECT_TRUE(ok.empty()) << ok.ToStatus();
}

}  // namespace
}  // namespace pqtrack::core
