#include "services/core/enums.h"

#include "gtest/gtest.h"
#include "services/core/item_rules.h"

namespace pqtrack::core {
namespace {

TEST(EnumsTest, NamesRoundTrip) {
  for (int i = 1; i <= 9; ++i) {
    const auto s = static_cast<ItemStatus>(i);
    EXPECT_EQ(ParseEnum<ItemStatus>(Name(s)), s) << Name(s);
  }
  EXPECT_EQ(ParseEnum<ItemStatus>("in-progress"), ItemStatus::kInProgress);
  EXPECT_EQ(ParseEnum<UnitKind>("external_agency"), UnitKind::kExternalAgency);
  EXPECT_EQ(ParseEnum<ItemKind>("UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseEnum<ItemKind>("letter"), std::nullopt);
  EXPECT_STREQ(Name(static_cast<ItemKind>(42)), "?");
}

TEST(EnumsTest, FromIntRejectsOutOfRange) {
  EXPECT_EQ(EnumFromInt<Role>(5), Role::kService);
  EXPECT_EQ(EnumFromInt<Role>(6), std::nullopt);
  EXPECT_EQ(EnumFromInt<Role>(-1), std::nullopt);
}

TEST(ItemRulesTest, InitialStatus) {
  Item it;
  it.kind = ItemKind::kPetition;
  it.details = PetitionDetails{};
  EXPECT_EQ(InitialStatus(it), ItemStatus::kReceived);
  it.lead_unit_code = "TL";
  EXPECT_EQ(InitialStatus(it), ItemStatus::kAssigned);
  it.kind = ItemKind::kDocument;
  it.lead_unit_code.clear();
  it.details = DocumentDetails{"UBND", "1/UBND", Day(2024, 1, 1), false};
  EXPECT_EQ(InitialStatus(it), ItemStatus::kNoResponseRequired);
}

TEST(ItemRulesTest, SenderOfEachKind) {
  Item it;
  it.kind = ItemKind::kPetition;
  it.details = PetitionDetails{};
  EXPECT_EQ(SenderOf(it, "Ban Dân nguyện"), "Ban Dân nguyện");
  it.kind = ItemKind::kQuestion;
  QuestionDetails q;
  q.deputy_name = "Nguyễn Văn A";
  it.details = q;
  EXPECT_EQ(SenderOf(it, ""), "Nguyễn Văn A");
  it.kind = ItemKind::kDocument;
  it.details = DocumentDetails{"UBND Hà Nội", "", std::nullopt, true};
  EXPECT_EQ(SenderOf(it, ""), "UBND Hà Nội");
  it.kind = ItemKind::kTask;
  it.details = TaskDetails{"Văn phòng Chính phủ", "", std::nullopt};
  EXPECT_EQ(SenderOf(it, ""), "Văn phòng Chính phủ");
}

}  // namespace
}  // namespace pqtrack::core
