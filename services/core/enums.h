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

// Stable upper-case name of a value ("UNSPECIFIED" for the zero value, "?"
// for a value outside the enum).
const char* Name(ItemKind v);
const char* Name(ItemStatus v);
const char* Name(Role v);
const char* Name(UnitKind v);
const char* Name(SessionKind v);
const char* Name(BatchPhase v);
const char* Name(QuestionForm v);

// Parses a name as returned by Name() (case-insensitive, '-' taken as '_').
// Never returns the UNSPECIFIED value; nullopt for anything unknown.
template <typename E>
std::optional<E> ParseEnum(std::string_view name);

// Converts a wire integer; nullopt when it is outside the enum.
template <typename E>
std::optional<E> EnumFromInt(int value);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ENUMS_H_
