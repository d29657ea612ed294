// Provides the domain enums of pqtrack and their stable names. The integer
// values equal the wire values of the pqtrack.v1 enums; the names are what
// the database stores ("PETITION", "RECEIVED", ...) and what the CLI shows.
#ifndef PQTRACK_SERVICES_CORE_ENUMS_H_
#define PQTRACK_SERVICES_CORE_ENUMS_H_

#include <optional>
#include <string_view>

namespace pqtrack::core {

enum class ItemKind { kUnspecified, kPetition, kQuestion, kDocument, kTask };
enum class ItemStatus {
  kUnspecified,
  kReceived,
  kAssigned,
  kInProgress,
  kPendingApproval,
  kAnswered,
  kTransferredOut,
  kWithdrawn,
  kNoResponseRequired,
  kDuplicate,
};
enum class Role {
  kUnspecified,
  kAdmin,
  kLiaison,
  kLeader,
  kResponder,
  kService
};
enum class UnitKind {
  kUnspecified,
  kMinistry,
  kDepartment,
  kOffice,
  kInspectorate,
  kDivision,
  kExternalAgency,
};
enum class SessionKind { kUnspecified, kRegular, kExtraordinary };
enum class BatchPhase { kUnspecified, kBeforeSession, kAfterSession };
enum class QuestionForm {
  kUnspecified,
  kWritten,
  kFloorRedirected,
  kStandingCommittee,
};

// How an answer resolved the concern (the NA's monitoring classes).
enum class Outcome { kUnspecified, kResolved, kInResolution, kExplained };
// The sub-class of an outcome; each belongs to exactly one Outcome.
enum class OutcomeDetail {
  kUnspecified,
  kLegalDocument,          // RESOLVED by issuing a legal document
  kInspection,             // RESOLVED by inspection
  kImplementation,         // RESOLVED by implementation
  kRoadmap,                // IN_RESOLUTION with a roadmap
  kSubmittedToGovernment,  // IN_RESOLUTION, submitted to the Government
  kLackingResources,       // IN_RESOLUTION, lacking resources
  kOtherInResolution,      // IN_RESOLUTION, other
  kExplanation,            // EXPLAINED by an explanation
  kInformation,            // EXPLAINED by information provided
};
// A coordinating unit's own state.
enum class CoordinationState {
  kUnspecified,
  kOpen,
  kInputSubmitted,
  kDeclined
};
// What a transfer does to the legal clock.
enum class ClockRule { kUnspecified, kContinue, kRestart, kPause };

// Stable upper-case name of a value ("UNSPECIFIED" for the zero value, "?"
// for a value outside the enum).
const char* Name(ItemKind v);
const char* Name(ItemStatus v);
const char* Name(Role v);
const char* Name(UnitKind v);
const char* Name(SessionKind v);
const char* Name(BatchPhase v);
const char* Name(QuestionForm v);
const char* Name(Outcome v);
const char* Name(OutcomeDetail v);
const char* Name(CoordinationState v);
const char* Name(ClockRule v);

// The outcome class an outcome detail belongs to.
Outcome OutcomeOf(OutcomeDetail d);

// Parses a name as returned by Name() (case-insensitive, '-' taken as '_').
// Never returns the UNSPECIFIED value; nullopt for anything unknown.
template <typename E>
std::optional<E> ParseEnum(std::string_view name);

// Converts a wire integer; nullopt when it is outside the enum.
template <typename E>
std::optional<E> EnumFromInt(int value);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ENUMS_H_
