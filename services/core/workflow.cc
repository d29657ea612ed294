#include "services/core/workflow.h"

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/core/statuses.h"

namespace pqtrack::core {
namespace {

bool Is(Role r, std::initializer_list<Role> roles) {
  for (Role x : roles) {
    if (r == x) return true;
  }
  return false;
}

absl::Status Refuse(const WorkflowState& st, Move m, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrCat(
      "item ", st.id, " is ", Name(st.status), ": cannot ", Describe(m),
      why.empty() ? "" : " (", why, why.empty() ? "" : ")"));
}

absl::Status Deny(const Principal& who, Move m, absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat(
      "role ", Name(who.role), " may not ", Describe(m), " here: ", why));
}

bool Open(const WorkflowState& st) { return !IsClosed(st); }

}  // namespace

const char* Describe(Move m) {
  switch (m) {
    case Move::kAssign:
      return "assign units";
    case Move::kTransfer:
      return "transfer to another unit";
    case Move::kTransferOut:
      return "transfer out to another agency";
    case Move::kSaveDraft:
      return "save a draft";
    case Move::kSubmitInput:
      return "submit coordination input";
    case Move::kSubmitResponse:
      return "submit the response for approval";
    case Move::kApprove:
      return "approve the response";
    case Move::kReturn:
      return "return the response";
    case Move::kSend:
      return "send the response";
    case Move::kWithdraw:
      return "withdraw the item";
    case Move::kMerge:
      return "merge items";
    case Move::kUnmerge:
      return "unmerge the item";
    case Move::kExtend:
      return "extend the deadline";
  }
  return "do this";
}

bool IsAwaitingAnswer(ItemStatus status) {
  return StatusIn(kAwaitingAnswerStatuses, status);
}

bool IsClosed(const WorkflowState& st) {
  switch (st.status) {
    case ItemStatus::kAnswered:
      return !st.follow_up_open;
    case ItemStatus::kTransferredOut:
    case ItemStatus::kWithdrawn:
    case ItemStatus::kNoResponseRequired:
    case ItemStatus::kDuplicate:
      return true;
    default:
      return false;
  }
}

absl::Status CheckMove(Move m, const Principal& who, const Relation& rel,
                       const WorkflowState& st) {
  const Role r = who.role;
  const bool office = Is(r, {Role::kAdmin, Role::kLiaison});
  const bool unit_staff = Is(r, {Role::kLeader, Role::kResponder});
  const ItemStatus s = st.status;
  switch (m) {
    case Move::kAssign:
      if (!office) return Deny(who, m, "the ministry office assigns units");
      if (s != ItemStatus::kReceived && s != ItemStatus::kAssigned &&
          s != ItemStatus::kInProgress) {
        return Refuse(st, m, "");
      }
      return absl::OkStatus();
    case Move::kTransfer:
    case Move::kTransferOut:
      if (!office && !(r == Role::kLeader && rel.lead_member)) {
        return Deny(who, m,
                    "the ministry office or the lead unit's leader transfers");
      }
      if (s != ItemStatus::kReceived && s != ItemStatus::kAssigned &&
          s != ItemStatus::kInProgress && s != ItemStatus::kPendingApproval) {
        return Refuse(st, m, "");
      }
      return absl::OkStatus();
    case Move::kSaveDraft:
      if (!unit_staff || !rel.lead_member) {
        return Deny(who, m, "only the lead unit drafts the reply");
      }
      if (s == ItemStatus::kAssigned || s == ItemStatus::kInProgress ||
          (s == ItemStatus::kAnswered && st.follow_up_open)) {
        return absl::OkStatus();
      }
      return Refuse(st, m,
                    s == ItemStatus::kPendingApproval
                        ? "the submitted draft must be returned first"
                        : "");
    case Move::kSubmitInput:
      if (!unit_staff || !rel.coordinating_member) {
        return Deny(who, m, "only a coordinating unit gives input");
      }
      if (s != ItemStatus::kAssigned && s != ItemStatus::kInProgress &&
          s != ItemStatus::kPendingApproval) {
        return Refuse(st, m, "");
      }
      return absl::OkStatus();
    case Move::kSubmitResponse:
      if (!unit_staff || !rel.lead_member) {
        return Deny(who, m, "only the lead unit submits its reply");
      }
      if (s != ItemStatus::kInProgress) return Refuse(st, m, "");
      if (!st.has_draft) return Refuse(st, m, "there is no draft");
      return absl::OkStatus();
    case Move::kApprove:
    case Move::kReturn:
      if (!unit_staff || !rel.lead_member) {
        return Deny(who, m, "only the lead unit's leader decides");
      }
      if (s != ItemStatus::kPendingApproval) return Refuse(st, m, "");
      if (r != Role::kLeader) {
        return Refuse(st, m,
                      "a RESPONDER cannot approve or return its own unit's "
                      "draft; the lead unit's LEADER does");
      }
      if (m == Move::kApprove && st.approved) {
        return Refuse(st, m, "it is approved already");
      }
      return absl::OkStatus();
    case Move::kSend:
      if (!office && !(unit_staff && rel.lead_member)) {
        return Deny(who, m, "the lead unit or the ministry office sends");
      }
      if (s != ItemStatus::kPendingApproval) return Refuse(st, m, "");
      if (!st.approved) return Refuse(st, m, "the response is not approved");
      return absl::OkStatus();
    case Move::kWithdraw:
      if (!office) return Deny(who, m, "the ministry office records this");
      if (st.kind != ItemKind::kQuestion) {
        return Refuse(st, m,
                      absl::StrCat("only questions can be withdrawn; this is "
                                   "a ",
                                   Name(st.kind)));
      }
      if (!Open(st)) return Refuse(st, m, "");
      return absl::OkStatus();
    case Move::kMerge:
      if (!office) return Deny(who, m, "the ministry office merges");
      if (!Open(st) || s == ItemStatus::kAnswered) return Refuse(st, m, "");
      return absl::OkStatus();
    case Move::kUnmerge:
      if (!office) return Deny(who, m, "the ministry office unmerges");
      if (s != ItemStatus::kDuplicate) return Refuse(st, m, "");
      return absl::OkStatus();
    case Move::kExtend:
      if (!office) return Deny(who, m, "the ministry office records this");
      if (!Open(st) || s == ItemStatus::kAnswered) return Refuse(st, m, "");
      return absl::OkStatus();
  }
  return absl::InternalError("unknown move");
}

std::vector<Move> AllowedMoves(const Principal& who, const Relation& rel,
                               const WorkflowState& st) {
  std::vector<Move> out;
  for (int m = 0; m <= static_cast<int>(Move::kExtend); ++m) {
    if (CheckMove(static_cast<Move>(m), who, rel, st).ok()) {
      out.push_back(static_cast<Move>(m));
    }
  }
  return out;
}

ItemStatus StatusAfter(Move m, const WorkflowState& st, bool lead_changed) {
  switch (m) {
    case Move::kAssign:
      return st.status == ItemStatus::kReceived || lead_changed
                 ? ItemStatus::kAssigned
                 : st.status;
    case Move::kTransfer:
      return ItemStatus::kAssigned;
    case Move::kTransferOut:
      return ItemStatus::kTransferredOut;
    case Move::kSaveDraft:
    case Move::kReturn:
      return ItemStatus::kInProgress;
    case Move::kSubmitResponse:
      return ItemStatus::kPendingApproval;
    case Move::kSend:
      return ItemStatus::kAnswered;
    case Move::kWithdraw:
      return ItemStatus::kWithdrawn;
    case Move::kMerge:
      return ItemStatus::kDuplicate;
    case Move::kSubmitInput:
    case Move::kApprove:
    case Move::kUnmerge:
    case Move::kExtend:
      return st.status;
  }
  return st.status;
}

bool ReturnedAfter(Move m, const WorkflowState& st, ItemStatus after) {
  if (m == Move::kReturn) return true;
  if (m == Move::kSubmitResponse) return false;
  return st.returned && after == ItemStatus::kInProgress;
}

void ValidateAnswer(Violations& v, absl::string_view p, const Answer& a,
                    std::optional<Day> received_on, Day today,
                    AnswerText text) {
  const auto f = [&](absl::string_view n) { return absl::StrCat(p, n); };
  CheckText(v, f("document_number"), a.document_number, {1, 100});
  CheckText(v, f("signer"), a.signer, {1, 200});
  CheckText(v, f("text"), a.text,
            {text == AnswerText::kRequired ? size_t{1} : size_t{0}, 100000});
  if (!a.sent_on) {
    v.Add(f("sent_on"), "required");
  } else if (received_on && *a.sent_on < *received_on) {
    v.Add(f("sent_on"), absl::StrCat("must not be before the item was "
                                     "received (",
                                     FormatIsoDate(*received_on), ")"));
  } else if (*a.sent_on > today) {
    v.Add(f("sent_on"), "must not be after today");
  }
  if (a.outcome != Outcome::kUnspecified &&
      a.detail != OutcomeDetail::kUnspecified &&
      OutcomeOf(a.detail) != a.outcome) {
    v.Add(f("outcome_detail"),
          absl::StrCat(Name(a.detail), " is not a kind of ", Name(a.outcome),
                       " (it belongs to ", Name(OutcomeOf(a.detail)), ")"));
  }
  CheckText(v, f("roadmap"), a.roadmap, {0, 10000});
  if (a.outcome == Outcome::kInResolution) {
    if (a.roadmap.empty()) v.Add(f("roadmap"), "required for IN_RESOLUTION");
    if (!a.expected_completion) {
      v.Add(f("expected_completion"), "required for IN_RESOLUTION");
    } else if (a.sent_on && *a.expected_completion <= *a.sent_on) {
      v.Add(f("expected_completion"), "must be after sent_on");
    }
  } else if (a.outcome != Outcome::kUnspecified) {
    if (!a.roadmap.empty()) {
      v.Add(f("roadmap"), "only for IN_RESOLUTION");
    }
    if (a.expected_completion) {
      v.Add(f("expected_completion"), "only for IN_RESOLUTION");
    }
  }
}

absl::StatusOr<std::string> SentText(const std::string& given, int draft_number,
                                     const std::string& draft_text) {
  if (given.empty() || given == draft_text) return draft_text;
  return absl::FailedPreconditionError(absl::StrCat(
      "text: differs from draft ", draft_number,
      ", the one approved; send without a text to send that draft, or save "
      "this text as a new draft and have it approved"));
}

}  // namespace pqtrack::core
