#include "services/core/access.h"

#include "gtest/gtest.h"

namespace pqtrack::core {
namespace {

Principal As(Role r) {
  Principal p;
  p.role = r;
  p.unit_code = "TL";
  return p;
}

TEST(AccessTest, RightsPerRole) {
  struct Case {
    Action action;
    bool admin, liaison, leader, responder, service;
  };
  const Case cases[] = {
      {Action::kReadAssembly, true, true, true, true, true},
      {Action::kManageAssembly, true, true, false, false, false},
      {Action::kReadUnits, true, true, true, true, true},
      {Action::kManageUnits, true, false, false, false, false},
      {Action::kRecordItem, true, true, false, false, false},
      {Action::kReadItems, true, true, true, true, false},
      {Action::kManageUsers, true, false, false, false, false},
      {Action::kOwnTokens, true, true, true, true, true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Authorize(As(Role::kAdmin), c.action).ok(), c.admin);
    EXPECT_EQ(Authorize(As(Role::kLiaison), c.action).ok(), c.liaison);
    EXPECT_EQ(Authorize(As(Role::kLeader), c.action).ok(), c.leader);
    EXPECT_EQ(Authorize(As(Role::kResponder), c.action).ok(), c.responder);
    EXPECT_EQ(Authorize(As(Role::kService), c.action).ok(), c.service);
  }
  const absl::Status s = Authorize(As(Role::kResponder), Action::kRecordItem);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "role RESPONDER may not record items");
  EXPECT_FALSE(Authorize(Principal(), Action::kReadUnits).ok());
}

TEST(AccessTest, OnlyAdminAndLiaisonSeeTheWholeMinistry) {
  EXPECT_TRUE(SeesWholeMinistry(As(Role::kAdmin)));
  EXPECT_TRUE(SeesWholeMinistry(As(Role::kLiaison)));
  EXPECT_FALSE(SeesWholeMinistry(As(Role::kLeader)));
  EXPECT_FALSE(SeesWholeMinistry(As(Role::kResponder)));
  EXPECT_FALSE(SeesWholeMinistry(As(Role::kService)));
}

}  // namespace
}  // namespace pqtrack::core
