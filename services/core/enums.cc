#include "services/core/enums.h"

#include <array>
#include <string>

#include "absl/strings/ascii.h"

namespace pqtrack::core {
namespace {

template <typename E>
struct Names;

template <>
struct Names<ItemKind> {
  static constexpr std::array<std::string_view, 5> kNames = {
      "UNSPECIFIED", "PETITION", "QUESTION", "DOCUMENT", "TASK"};
};
template <>
struct Names<ItemStatus> {
  static constexpr std::array<std::string_view, 10> kNames = {
      "UNSPECIFIED",          "RECEIVED", "ASSIGNED",        "IN_PROGRESS",
      "PENDING_APPROVAL",     "ANSWERED", "TRANSFERRED_OUT", "WITHDRAWN",
      "NO_RESPONSE_REQUIRED", "DUPLICATE"};
};
template <>
struct Names<Role> {
  static constexpr std::array<std::string_view, 6> kNames = {
      "UNSPECIFIED", "ADMIN", "LIAISON", "LEADER", "RESPONDER", "SERVICE"};
};
template <>
struct Names<UnitKind> {
  static constexpr std::array<std::string_view, 7> kNames = {
      "UNSPECIFIED",  "MINISTRY", "DEPARTMENT",     "OFFICE",
      "INSPECTORATE", "DIVISION", "EXTERNAL_AGENCY"};
};
template <>
struct Names<SessionKind> {
  static constexpr std::array<std::string_view, 3> kNames = {
      "UNSPECIFIED", "REGULAR", "EXTRAORDINARY"};
};
template <>
struct Names<BatchPhase> {
  static constexpr std::array<std::string_view, 3> kNames = {
      "UNSPECIFIED", "BEFORE_SESSION", "AFTER_SESSION"};
};
template <>
struct Names<QuestionForm> {
  static constexpr std::array<std::string_view, 4> kNames = {
      "UNSPECIFIED", "WRITTEN", "FLOOR_REDIRECTED", "STANDING_COMMITTEE"};
};

template <>
struct Names<Outcome> {
  static constexpr std::array<std::string_view, 4> kNames = {
      "UNSPECIFIED", "RESOLVED", "IN_RESOLUTION", "EXPLAINED"};
};
template <>
struct Names<OutcomeDetail> {
  static constexpr std::array<std::string_view, 10> kNames = {
      "UNSPECIFIED",       "LEGAL_DOCUMENT",
      "INSPECTION",        "IMPLEMENTATION",
      "ROADMAP",           "SUBMITTED_TO_GOVERNMENT",
      "LACKING_RESOURCES", "OTHER_IN_RESOLUTION",
      "EXPLANATION",       "INFORMATION"};
};
template <>
struct Names<CoordinationState> {
  static constexpr std::array<std::string_view, 4> kNames = {
      "UNSPECIFIED", "OPEN", "INPUT_SUBMITTED", "DECLINED"};
};
template <>
struct Names<ClockRule> {
  static constexpr std::array<std::string_view, 4> kNames = {
      "UNSPECIFIED", "CONTINUE", "RESTART", "PAUSE"};
};

template <typename E>
const char* NameOf(E v) {
  const auto i = static_cast<size_t>(v);
  // Every name is a string literal, so data() is NUL-terminated.
  return i < Names<E>::kNames.size() ? Names<E>::kNames[i].data() : "?";
}

}  // namespace

const char* Name(ItemKind v) { return NameOf(v); }
const char* Name(ItemStatus v) { return NameOf(v); }
const char* Name(Role v) { return NameOf(v); }
const char* Name(UnitKind v) { return NameOf(v); }
const char* Name(SessionKind v) { return NameOf(v); }
const char* Name(BatchPhase v) { return NameOf(v); }
const char* Name(QuestionForm v) { return NameOf(v); }
const char* Name(Outcome v) { return NameOf(v); }
const char* Name(OutcomeDetail v) { return NameOf(v); }
const char* Name(CoordinationState v) { return NameOf(v); }
const char* Name(ClockRule v) { return NameOf(v); }

Outcome OutcomeOf(OutcomeDetail d) {
  switch (d) {
    case OutcomeDetail::kLegalDocument:
    case OutcomeDetail::kInspection:
    case OutcomeDetail::kImplementation:
      return Outcome::kResolved;
    case OutcomeDetail::kRoadmap:
    case OutcomeDetail::kSubmittedToGovernment:
    case OutcomeDetail::kLackingResources:
    case OutcomeDetail::kOtherInResolution:
      return Outcome::kInResolution;
    case OutcomeDetail::kExplanation:
    case OutcomeDetail::kInformation:
      return Outcome::kExplained;
    case OutcomeDetail::kUnspecified:
      break;
  }
  return Outcome::kUnspecified;
}

template <typename E>
std::optional<E> ParseEnum(std::string_view name) {
  std::string wanted(name);
  for (char& c : wanted) {
    c = c == '-' ? '_' : absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  for (size_t i = 1; i < Names<E>::kNames.size(); ++i) {
    if (Names<E>::kNames[i] == wanted) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <typename E>
std::optional<E> EnumFromInt(int value) {
  if (value < 0 || static_cast<size_t>(value) >= Names<E>::kNames.size()) {
    return std::nullopt;
  }
  return static_cast<E>(value);
}

#define PQTRACK_INSTANTIATE_ENUM(E)                         \
  template std::optional<E> ParseEnum<E>(std::string_view); \
  template std::optional<E> EnumFromInt<E>(int);
PQTRACK_INSTANTIATE_ENUM(ItemKind)
PQTRACK_INSTANTIATE_ENUM(ItemStatus)
PQTRACK_INSTANTIATE_ENUM(Role)
PQTRACK_INSTANTIATE_ENUM(UnitKind)
PQTRACK_INSTANTIATE_ENUM(SessionKind)
PQTRACK_INSTANTIATE_ENUM(BatchPhase)
PQTRACK_INSTANTIATE_ENUM(QuestionForm)
PQTRACK_INSTANTIATE_ENUM(Outcome)
PQTRACK_INSTANTIATE_ENUM(OutcomeDetail)
PQTRACK_INSTANTIATE_ENUM(CoordinationState)
PQTRACK_INSTANTIATE_ENUM(ClockRule)
#undef PQTRACK_INSTANTIATE_ENUM

}  // namespace pqtrack::core
