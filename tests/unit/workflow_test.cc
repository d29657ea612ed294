// The status machine: every move from every status, for every role.
#include "services/core/workflow.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/core/inbox.h"
#include "services/core/statuses.h"
#include "services/store/item_rows.h"

namespace pqtrack::core {
namespace {

using ::testing::HasSubstr;
using S = ItemStatus;

Principal As(Role r) {
  Principal p;
  p.role = r;
  p.unit_code = "TL";
  return p;
}

const Relation kLead{true, false};
const Relation kCoordinating{false, true};
const Relation kNone{false, false};

WorkflowState State(S s, bool has_draft = true, bool approved = false) {
  WorkflowState st;
  st.id = 7;
  st.kind = ItemKind::kPetition;
  st.status = s;
  st.has_draft = has_draft;
  st.approved = approved;
  return st;
}

absl::StatusCode Code(Move m, Role r, const Relation& rel,
                      const WorkflowState& st) {
  return CheckMove(m, As(r), rel, st).code();
}

constexpr auto kOk = absl::StatusCode::kOk;
constexpr auto kDenied = absl::StatusCode::kPermissionDenied;
constexpr auto kPrecondition = absl::StatusCode::kFailedPrecondition;

const S kAll[] = {
    S::kReceived,        S::kAssigned,           S::kInProgress,
    S::kPendingApproval, S::kAnswered,           S::kTransferredOut,
    S::kWithdrawn,       S::kNoResponseRequired, S::kDuplicate};

// For each move: the statuses it is allowed from (for a caller who may
// make it).
struct Allowed {
  Move move;
  Role role;
  Relation rel;
  std::vector<S> from;
};

TEST(WorkflowTest, EveryMoveFromEveryStatus) {
  const std::vector<Allowed> table = {
      {Move::kAssign,
       Role::kLiaison,
       kNone,
       {S::kReceived, S::kAssigned, S::kInProgress}},
      {Move::kTransfer,
       Role::kLiaison,
       kNone,
       {S::kReceived, S::kAssigned, S::kInProgress, S::kPendingApproval}},
      {Move::kTransferOut,
       Role::kLeader,
       kLead,
       {S::kReceived, S::kAssigned, S::kInProgress, S::kPendingApproval}},
      {Move::kSaveDraft,
       Role::kResponder,
       kLead,
       {S::kAssigned, S::kInProgress}},
      {Move::kSubmitInput,
       Role::kResponder,
       kCoordinating,
       {S::kAssigned, S::kInProgress, S::kPendingApproval}},
      {Move::kSubmitResponse, Role::kResponder, kLead, {S::kInProgress}},
      {Move::kApprove, Role::kLeader, kLead, {S::kPendingApproval}},
      {Move::kReturn, Role::kLeader, kLead, {S::kPendingApproval}},
      {Move::kWithdraw, Role::kLiaison, kNone, {}},  // petitions: never
      {Move::kMerge,
       Role::kLiaison,
       kNone,
       {S::kReceived, S::kAssigned, S::kInProgress, S::kPendingApproval}},
      {Move::kUnmerge, Role::kAdmin, kNone, {S::kDuplicate}},
      {Move::kExtend,
       Role::kLiaison,
       kNone,
       {S::kReceived, S::kAssigned, S::kInProgress, S::kPendingApproval}},
  };
  for (const Allowed& a : table) {
    for (S s : kAll) {
      const bool allowed =
          std::find(a.from.begin(), a.from.end(), s) != a.from.end();
      const absl::Status st = CheckMove(a.move, As(a.role), a.rel, State(s));
      EXPECT_EQ(st.code(), allowed ? kOk : kPrecondition)
          << Describe(a.move) << " from " << Name(s) << ": " << st;
      if (!allowed) {
        EXPECT_THAT(std::string(st.message()),
                    HasSubstr(absl::StrCat("item 7 is ", Name(s))));
      }
    }
  }
}

TEST(WorkflowTest, SendNeedsApproval) {
  EXPECT_EQ(Code(Move::kSend, Role::kLiaison, kNone,
                 State(S::kPendingApproval, true, true)),
            kOk);
  const absl::Status not_approved = CheckMove(
      Move::kSend, As(Role::kLiaison), kNone, State(S::kPendingApproval));
  EXPECT_EQ(not_approved.code(), kPrecondition);
  EXPECT_THAT(not_approved.message(), HasSubstr("not approved"));
  const absl::Status twice =
      CheckMove(Move::kSend, As(Role::kLiaison), kNone, State(S::kAnswered));
  EXPECT_EQ(twice.code(), kPrecondition);
  EXPECT_THAT(twice.message(), HasSubstr("item 7 is ANSWERED"));
}

TEST(WorkflowTest, RespondersCannotApproveTheirOwnUnitsDraft) {
  const absl::Status s = CheckMove(Move::kApprove, As(Role::kResponder), kLead,
                                   State(S::kPendingApproval));
  EXPECT_EQ(s.code(), kPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("item 7 is PENDING_APPROVAL"));
  EXPECT_THAT(s.message(), HasSubstr("a RESPONDER cannot approve"));
  EXPECT_EQ(
      Code(Move::kReturn, Role::kResponder, kLead, State(S::kPendingApproval)),
      kPrecondition);
  // Another unit's leader may not decide at all.
  EXPECT_EQ(Code(Move::kApprove, Role::kLeader, kCoordinating,
                 State(S::kPendingApproval)),
            kDenied);
  EXPECT_EQ(Code(Move::kApprove, Role::kLeader, kLead,
                 State(S::kPendingApproval, true, true)),
            kPrecondition);  // approved already
}

TEST(WorkflowTest, RightsPerStep) {
  const WorkflowState assigned = State(S::kAssigned);
  // Drafting belongs to the lead unit's staff.
  EXPECT_EQ(Code(Move::kSaveDraft, Role::kLeader, kLead, assigned), kOk);
  EXPECT_EQ(Code(Move::kSaveDraft, Role::kResponder, kCoordinating, assigned),
            kDenied);
  EXPECT_EQ(Code(Move::kSaveDraft, Role::kLiaison, kNone, assigned), kDenied);
  // Coordination input belongs to the coordinating units.
  EXPECT_EQ(Code(Move::kSubmitInput, Role::kResponder, kLead, assigned),
            kDenied);
  EXPECT_EQ(Code(Move::kSubmitInput, Role::kLeader, kCoordinating, assigned),
            kOk);
  // Assigning and withdrawing belong to the ministry office.
  EXPECT_EQ(Code(Move::kAssign, Role::kLeader, kLead, assigned), kDenied);
  EXPECT_EQ(Code(Move::kAssign, Role::kAdmin, kNone, assigned), kOk);
  EXPECT_EQ(Code(Move::kMerge, Role::kResponder, kLead, assigned), kDenied);
  // Transfers: the office, or the lead unit's leader.
  EXPECT_EQ(Code(Move::kTransfer, Role::kLeader, kLead, assigned), kOk);
  EXPECT_EQ(Code(Move::kTransfer, Role::kResponder, kLead, assigned), kDenied);
  EXPECT_EQ(Code(Move::kTransfer, Role::kLeader, kCoordinating, assigned),
            kDenied);
  // Sending: the lead unit or the office.
  const WorkflowState approved = State(S::kPendingApproval, true, true);
  EXPECT_EQ(Code(Move::kSend, Role::kResponder, kLead, approved), kOk);
  EXPECT_EQ(Code(Move::kSend, Role::kResponder, kCoordinating, approved),
            kDenied);
  // The notifier does nothing here.
  EXPECT_EQ(Code(Move::kSaveDraft, Role::kService, kNone, assigned), kDenied);
}

TEST(WorkflowTest, SubmitNeedsADraft) {
  const absl::Status s =
      CheckMove(Move::kSubmitResponse, As(Role::kResponder), kLead,
                State(S::kInProgress, /*has_draft=*/false));
  EXPECT_EQ(s.code(), kPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("there is no draft"));
}

TEST(WorkflowTest, QuestionsCanBeWithdrawnWhileOpen) {
  WorkflowState q = State(S::kAssigned);
  q.kind = ItemKind::kQuestion;
  EXPECT_EQ(Code(Move::kWithdraw, Role::kLiaison, kNone, q), kOk);
  q.status = S::kAnswered;
  EXPECT_EQ(Code(Move::kWithdraw, Role::kLiaison, kNone, q), kPrecondition);
  const absl::Status petition = CheckMove(Move::kWithdraw, As(Role::kLiaison),
                                          kNone, State(S::kAssigned));
  EXPECT_THAT(petition.message(), HasSubstr("only questions"));
}

TEST(WorkflowTest, FollowUpReopensDrafting) {
  WorkflowState st = State(S::kAnswered);
  EXPECT_TRUE(IsClosed(st));
  st.follow_up_open = true;
  EXPECT_FALSE(IsClosed(st));
  EXPECT_EQ(Code(Move::kSaveDraft, Role::kResponder, kLead, st), kOk);
}

TEST(WorkflowTest, StatusAfterEachMove) {
  const WorkflowState received = State(S::kReceived);
  const WorkflowState in_progress = State(S::kInProgress);
  EXPECT_EQ(StatusAfter(Move::kAssign, received, false), S::kAssigned);
  EXPECT_EQ(StatusAfter(Move::kAssign, in_progress, false), S::kInProgress);
  EXPECT_EQ(StatusAfter(Move::kAssign, in_progress, true), S::kAssigned);
  EXPECT_EQ(StatusAfter(Move::kTransferOut, in_progress, true),
            S::kTransferredOut);
  EXPECT_EQ(StatusAfter(Move::kSaveDraft, State(S::kAssigned), false),
            S::kInProgress);
  EXPECT_EQ(StatusAfter(Move::kSubmitResponse, in_progress, false),
            S::kPendingApproval);
  EXPECT_EQ(StatusAfter(Move::kReturn, State(S::kPendingApproval), false),
            S::kInProgress);
  EXPECT_EQ(StatusAfter(Move::kApprove, State(S::kPendingApproval), false),
            S::kPendingApproval);
  EXPECT_EQ(StatusAfter(Move::kSend, State(S::kPendingApproval), false),
            S::kAnswered);
}

TEST(WorkflowTest, ReturnedUntilSubmittedAgainOrTakenAway) {
  WorkflowState returned = State(S::kInProgress);
  returned.returned = true;
  EXPECT_TRUE(
      ReturnedAfter(Move::kReturn, State(S::kPendingApproval), S::kInProgress));
  // Reworking the draft, coordination and extensions keep it.
  EXPECT_TRUE(ReturnedAfter(Move::kSaveDraft, returned, S::kInProgress));
  EXPECT_TRUE(ReturnedAfter(Move::kSubmitInput, returned, S::kInProgress));
  EXPECT_TRUE(ReturnedAfter(Move::kExtend, returned, S::kInProgress));
  // Submitting again clears it, and so does leaving IN_PROGRESS.
  EXPECT_FALSE(
      ReturnedAfter(Move::kSubmitResponse, returned, S::kPendingApproval));
  EXPECT_FALSE(ReturnedAfter(Move::kTransfer, returned, S::kAssigned));
  EXPECT_FALSE(ReturnedAfter(Move::kAssign, returned, S::kAssigned));
  EXPECT_FALSE(ReturnedAfter(Move::kWithdraw, returned, S::kWithdrawn));
  // Never set by anything but a return.
  EXPECT_FALSE(
      ReturnedAfter(Move::kSaveDraft, State(S::kAssigned), S::kInProgress));
}

// What goes out is the approved draft: no text, or the same text, sends
// it; another is refused, and a send may leave the text to the draft while
// an import may not.
TEST(WorkflowTest, TheApprovedDraftIsWhatIsSent) {
  EXPECT_EQ(*SentText("", 2, "Dự thảo 2"), "Dự thảo 2");
  EXPECT_EQ(*SentText("Dự thảo 2", 2, "Dự thảo 2"), "Dự thảo 2");
  const auto other = SentText("Khác", 2, "Dự thảo 2");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(), HasSubstr("differs from draft 2"));
  Answer a;
  a.document_number = "1/BNV";
  a.signer = "Thứ trưởng";
  a.sent_on = Day(2024, 9, 1);
  a.outcome = Outcome::kExplained;
  a.detail = OutcomeDetail::kExplanation;
  Violations send, import;
  ValidateAnswer(send, "", a, std::nullopt, Day(2024, 11, 2),
                 AnswerText::kFromDraft);
  EXPECT_TRUE(send.empty()) << send.ToStatus();
  ValidateAnswer(import, "", a, std::nullopt, Day(2024, 11, 2));
  EXPECT_THAT(import.ToStatus().message(), HasSubstr("text: required"));
}

TEST(WorkflowTest, AnswerRules) {
  const Day received(2024, 7, 20), today(2024, 11, 2);
  Answer a;
  a.document_number = "123/BNV-TL";
  a.signer = "Thứ trưởng";
  a.sent_on = Day(2024, 9, 1);
  a.text = "Trả lời";
  a.outcome = Outcome::kInResolution;
  a.detail = OutcomeDetail::kRoadmap;
  Violations v;
  ValidateAnswer(v, "", a, received, today);
  EXPECT_THAT(v.ToStatus().message(),
              HasSubstr("roadmap: required for IN_RESOLUTION"));
  EXPECT_THAT(v.ToStatus().message(),
              HasSubstr("expected_completion: required for IN_RESOLUTION"));
  a.roadmap = "Trình Chính phủ quý I/2025";
  a.expected_completion = Day(2025, 3, 31);
  Violations ok;
  ValidateAnswer(ok, "", a, received, today);
  EXPECT_TRUE(ok.empty()) << ok.ToStatus();

  a.detail = OutcomeDetail::kExplanation;
  a.sent_on = Day(2024, 7, 1);
  Violations bad;
  ValidateAnswer(bad, "", a, received, today);
  EXPECT_THAT(bad.ToStatus().message(),
              HasSubstr("outcome_detail: EXPLANATION is not a kind of "
                        "IN_RESOLUTION"));
  EXPECT_THAT(bad.ToStatus().message(),
              HasSubstr("sent_on: must not be before the item was received"));
  a.outcome = Outcome::kExplained;
  a.sent_on = Day(2024, 9, 1);
  Violations extra;
  ValidateAnswer(extra, "", a, received, today);
  EXPECT_THAT(extra.ToStatus().message(),
              HasSubstr("roadmap: only for IN_RESOLUTION"));
  EXPECT_EQ(OutcomeOf(OutcomeDetail::kLegalDocument), Outcome::kResolved);
}

}  // namespace
}  // namespace pqtrack::core

namespace pqtrack::core {
namespace {

// Every status a list of core/statuses.h names is a real one: a misspelt
// name would match no item, in C++ and SQL alike.
TEST(StatusSetsTest, NameRealStatuses) {
  const auto check = [](const auto& set) {
    for (std::string_view name : set) {
      EXPECT_TRUE(ParseEnum<ItemStatus>(name).has_value()) << name;
    }
  };
  check(kAwaitingAnswerStatuses);
  check(kInboxStatuses);
  check(kOpenAsOfStatuses);
}

// The SQL generated for core::IsAwaitingAnswer's list agrees with it.
TEST(AwaitingAnswerTest, SqlSpellingMatchesCore) {
  const std::string sql = PQTRACK_SQL_AWAITING_ANSWER;
  for (int s = 1; s <= static_cast<int>(ItemStatus::kDuplicate); ++s) {
    const auto status = static_cast<ItemStatus>(s);
    const std::string quoted = std::string("'") + Name(status) + "'";
    EXPECT_EQ(sql.find(quoted) != std::string::npos, IsAwaitingAnswer(status))
        << quoted;
  }
}

// The same for the inbox's statuses.
TEST(InboxStatusTest, SqlSpellingMatchesCore) {
  const std::string sql = PQTRACK_SQL_INBOX_STATUSES;
  for (int s = 1; s <= static_cast<int>(ItemStatus::kDuplicate); ++s) {
    const auto status = static_cast<ItemStatus>(s);
    const std::string quoted = std::string("'") + Name(status) + "'";
    EXPECT_EQ(sql.find(quoted) != std::string::npos, IsInboxStatus(status))
        << quoted;
  }
}

}  // namespace
}  // namespace pqtrack::core
