// Provides the domain records of pqtrack: terms, sessions, batches, units,
// items and their kind-specific details, users, tokens, the calling
// principal, and the item filter. Plain values; no behaviour.
#ifndef PQTRACK_SERVICES_CORE_TYPES_H_
#define PQTRACK_SERVICES_CORE_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/core/enums.h"

namespace pqtrack::core {

using Day = absl::CivilDay;

struct Term {
  int64_t id = 0;
  std::string code;
  int number = 0;
  int start_year = 0;
  int end_year = 0;
  absl::Time create_time;
};

struct Session {
  int64_t id = 0;
  int64_t term_id = 0;
  std::string term_code;
  int number = 0;
  SessionKind kind = SessionKind::kUnspecified;
  std::optional<Day> opens_on;
  std::optional<Day> closes_on;
  std::string note;
};

struct Batch {
  int64_t id = 0;
  int64_t session_id = 0;
  BatchPhase phase = BatchPhase::kUnspecified;
  std::string forwarding_body;
  std::string document_number;
  std::optional<Day> received_on;
  std::string note;
  int64_t item_count = 0;
};

struct Unit {
  std::string code;
  std::string name_vi;
  std::string name_en;
  std::string parent_code;
  UnitKind kind = UnitKind::kUnspecified;
  std::optional<Day> valid_from;
  std::optional<Day> valid_to;
  std::string successor_code;
  int depth = 0;
};

struct PetitionDetails {
  int64_t batch_id = 0;
  std::vector<std::string> delegations;
  std::string field;
};

struct QuestionDetails {
  std::string deputy_name;
  std::string delegation;
  std::string addressee;
  QuestionForm form = QuestionForm::kUnspecified;
  std::optional<Day> asked_on;
};

struct DocumentDetails {
  std::string sender;
  std::string document_number;
  std::optional<Day> document_date;
  bool requires_response = false;
};

struct TaskDetails {
  std::string assigned_by;
  std::string source_document;
  std::optional<Day> source_date;
};

using ItemDetails = std::variant<std::monostate, PetitionDetails,
                                 QuestionDetails, DocumentDetails, TaskDetails>;

// A coordinating unit of an item, with its own due date and state.
struct Coordination {
  std::string unit_code;
  std::optional<Day> due_on;
  CoordinationState state = CoordinationState::kOpen;
  // The input given, or the reason for declining.
  std::string text;
  std::optional<absl::Time> input_time;
};

// The answer sent for an item.
struct Answer {
  std::string document_number;
  std::string signer;
  std::optional<Day> sent_on;
  std::string text;
  Outcome outcome = Outcome::kUnspecified;
  OutcomeDetail detail = OutcomeDetail::kUnspecified;
  std::string roadmap;
  std::optional<Day> expected_completion;
};

// An answer as sent, with who recorded it and when.
struct SentAnswer {
  Answer answer;
  // The approved draft it was sent from (0 if none).
  int draft_number = 0;
  std::string sender_login;
  absl::Time record_time;
};

struct Item {
  int64_t id = 0;
  ItemKind kind = ItemKind::kUnspecified;
  std::string external_ref;
  std::string title;
  std::string body;
  std::optional<Day> received_on;
  int64_t session_id = 0;
  std::optional<Day> due_on;
  ItemStatus status = ItemStatus::kUnspecified;
  std::string lead_unit_code;
  std::vector<std::string> coordinating_unit_codes;
  int64_t version = 0;
  absl::Time create_time;
  absl::Time update_time;
  ItemDetails details;
  // Workflow state (read-only for clients).
  std::vector<Coordination> coordination;
  int64_t merged_into = 0;
  std::vector<int64_t> merged_item_ids;
  // This petition's delegations and those of the petitions merged into it.
  std::vector<std::string> all_delegations;
  std::optional<Day> follow_up_on;
  bool approved = false;
  int draft_count = 0;
  std::string transferred_to_code;
  int64_t routed_by_rule_id = 0;
  // Returned for revision and not submitted again (core::ReturnedAfter).
  bool returned = false;
  // The latest answer sent; filled where a whole item is read (LoadItem),
  // not in lists.
  std::optional<SentAnswer> answer;
};

// An item like another one, with its trigram similarity in (0, 1].
struct SimilarItem {
  int64_t id = 0;
  std::string title;
  ItemStatus status = ItemStatus::kUnspecified;
  double score = 0;
};

// One entry of an item's history.
struct Event {
  int64_t id = 0;
  absl::Time time;
  std::string actor_login;
  std::string kind;
  std::string before_json;
  std::string after_json;
  std::string detail_json;
};

// One saved draft reply.
struct Draft {
  int number = 0;
  std::string text;
  std::string author_login;
  absl::Time create_time;
};

// The result of checking the event hash chain.
struct AuditReport {
  bool intact = true;
  int64_t events_checked = 0;
  int64_t first_broken_event_id = 0;
  std::string problem;
};

struct User {
  int64_t id = 0;
  std::string login;
  std::string display_name;
  Role role = Role::kUnspecified;
  std::string unit_code;
  std::string email;
  absl::Time create_time;
};

struct Token {
  int64_t id = 0;
  std::string user_login;
  std::string label;
  absl::Time create_time;
  std::optional<absl::Time> expire_time;
  std::optional<absl::Time> revoke_time;
  std::optional<absl::Time> last_use_time;
};

// Who is calling: the user behind a valid token.
struct Principal {
  int64_t user_id = 0;
  std::string login;
  Role role = Role::kUnspecified;
  std::string unit_code;  // may be empty for ADMIN, LIAISON and SERVICE
  int64_t token_id = 0;
};

// Filters of ListItems; unset members do not filter.
struct ItemFilter {
  ItemKind kind = ItemKind::kUnspecified;
  int64_t session_id = 0;
  int64_t batch_id = 0;
  std::string lead_unit_code;
  std::vector<ItemStatus> statuses;
  std::optional<Day> received_from;
  std::optional<Day> received_to;
  std::optional<Day> due_before;
};

// A page request: at most `size` rows after the row with id `after_id`
// (0 = from the start), in descending id order for items and ascending
// order elsewhere.
struct PageRequest {
  int size = 50;
  int64_t after_id = 0;
};

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_TYPES_H_
