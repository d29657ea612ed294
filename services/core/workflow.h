// Provides the reply workflow's status machine: which move each role may
// make from which status, what status follows, and the rules of an answer.
// The store tells it how the caller relates to the item (member of the lead
// unit, of a coordinating unit); it answers with the status to refuse with:
// PERMISSION_DENIED when the caller may never make this move on this item,
// FAILED_PRECONDITION naming the item's current status when the move is not
// possible from there.
#ifndef PQTRACK_SERVICES_CORE_WORKFLOW_H_
#define PQTRACK_SERVICES_CORE_WORKFLOW_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/core/types.h"
#include "services/core/validation.h"

namespace pqtrack::core {

enum class Move {
  kAssign,          // set or change lead and coordinating units (liaison)
  kTransfer,        // hand over to another unit inside the ministry
  kTransferOut,     // send out to an external agency; closes the item
  kSaveDraft,       // lead unit writes a draft reply
  kSubmitInput,     // a coordinating unit gives (or declines) its input
  kSubmitResponse,  // lead unit submits its latest draft to its leader
  kApprove,         // the lead unit's leader approves the submitted draft
  kReturn,          // ... or returns it with a comment
  kSend,            // the approved reply is sent: ANSWERED
  kWithdraw,        // a question is withdrawn
  kMerge,           // fold duplicates into one item
  kUnmerge,         // undo a merge
  kExtend,          // move the legal due date (the office); the last
};

const char* Describe(Move m);

// How the caller stands to the item (computed by the store).
struct Relation {
  // The caller's unit is the lead unit or one above it.
  bool lead_member = false;
  // The caller's unit is a coordinating unit or one above it.
  bool coordinating_member = false;
};

// The parts of an item the machine looks at.
struct WorkflowState {
  int64_t id = 0;
  ItemKind kind = ItemKind::kUnspecified;
  ItemStatus status = ItemStatus::kUnspecified;
  bool has_draft = false;
  bool approved = false;
  // An IN_RESOLUTION answer left a follow-up open.
  bool follow_up_open = false;
  // The leader returned the submitted draft for revision and it has not
  // been submitted again (see ReturnedAfter).
  bool returned = false;
};

// Statuses in which the answer is still being worked on
// (PQTRACK_AWAITING_ANSWER_STATUSES in core/statuses.h, from which the
// store's SQL is generated too): the alert ladder runs and duplicates are
// looked for among them.
bool IsAwaitingAnswer(ItemStatus status);

// Statuses in which nothing more is owed (ANSWERED with an open follow-up
// is not closed).
bool IsClosed(const WorkflowState& st);

// OK when `who` may make `move` on the item now.
absl::Status CheckMove(Move move, const Principal& who, const Relation& rel,
                       const WorkflowState& st);

// Every move CheckMove allows now, in the order of Move (what a client
// offers; the move itself still checks).
std::vector<Move> AllowedMoves(const Principal& who, const Relation& rel,
                               const WorkflowState& st);

// The status after a successful move. Assign and Transfer lead to ASSIGNED
// (an Assign that keeps the lead unit keeps the status); SubmitInput,
// Approve and Merge (of the target) keep it.
ItemStatus StatusAfter(Move move, const WorkflowState& st, bool lead_changed);

// Whether the item is "returned for revision" after a successful move that
// leaves it in status `after`: Return sets it; submitting again clears it,
// and so does any move that takes the item out of IN_PROGRESS (a transfer
// starts the new unit afresh); every other move keeps it.
bool ReturnedAfter(Move move, const WorkflowState& st, ItemStatus after);

// Whether an answer's text must be given (an imported answer) or may be
// left to the approved draft (a send: see SentText).
enum class AnswerText { kRequired, kFromDraft };

// Document number 1-100, signer 1-200, text 1-100,000 characters (or
// empty, with kFromDraft); sent on a day not after today and, when
// `received_on` is given, not before it; a detail belonging to the
// outcome; roadmap and expected completion (after the day sent) required
// for IN_RESOLUTION and refused otherwise.
void ValidateAnswer(Violations& v, absl::string_view prefix, const Answer& a,
                    std::optional<Day> received_on, Day today,
                    AnswerText text = AnswerText::kRequired);

// The text an answer goes out with: the approved draft's (number
// `draft_number`, text `draft_text`). A text given with the send must be
// exactly that; any other is FAILED_PRECONDITION, since what the leader
// approved is what is sent (save it as a new draft and have it approved).
absl::StatusOr<std::string> SentText(const std::string& given, int draft_number,
                                     const std::string& draft_text);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_WORKFLOW_H_
