// Core validation: every rule, without I/O.
#include "services/core/validation.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pqtrack::core {
namespace {

using ::testing::HasSubstr;

const Day kToday(2024, 11, 2);

Item ValidPetition() {
  Item it;
  it.kind = ItemKind::kPetition;
  it.title = "Kiến nghị về tiền lương";
  it.received_on = Day(2024, 7, 20);
  it.details = PetitionDetails{1, {"Hà Nội"}, "Tiền lương"};
  return it;
}

std::string Check(const Item& it) {
  Violations v;
  ValidateItem(v, "item.", it, kToday);
  return std::string(v.ToStatus().message());
}

TEST(ValidationTest, ValidPetitionPasses) {
  EXPECT_EQ(Check(ValidPetition()), "");
}

TEST(ValidationTest, ViolationsAreInvalidArgumentAndListEveryField) {
  Item it = ValidPetition();
  it.title = "";
  it.received_on.reset();
  Violations v;
  ValidateItem(v, "item.", it, kToday);
  const absl::Status s = v.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("item.title: required"));
  EXPECT_THAT(s.message(), HasSubstr("item.received_on: required"));
}

TEST(ValidationTest, WhitespaceOnlyTitleIsMissing) {
  Item it = ValidPetition();
  it.title = "   ";
  EXPECT_THAT(Check(it), HasSubstr("item.title: required"));
}

TEST(ValidationTest, LengthsCountCharactersNotBytes) {
  Item it = ValidPetition();
  it.title = std::string();
  for (int i = 0; i < 500; ++i) it.title += "ữ";  // 3 bytes each
  EXPECT_EQ(Check(it), "");
  it.title += "a";
  EXPECT_THAT(
      Check(it),
      HasSubstr("item.title: must be at most 500 characters (got 501)"));
}

TEST(ValidationTest, BodyLimit) {
  Item it = ValidPetition();
  it.body = std::string(100001, 'x');
  EXPECT_THAT(Check(it), HasSubstr("item.body: must be at most 100000"));
}

TEST(ValidationTest, InvalidUtf8IsRejected) {
  Item it = ValidPetition();
  it.title = "bad \xC3\x28 text";
  EXPECT_THAT(Check(it), HasSubstr("item.title: must be valid UTF-8"));
  it.title = "overlong \xC0\xAF";
  EXPECT_THAT(Check(it), HasSubstr("item.title: must be valid UTF-8"));
  it.title = "surrogate \xED\xA0\x80";
  EXPECT_THAT(Check(it), HasSubstr("item.title: must be valid UTF-8"));
}

TEST(ValidationTest, NulCharacterIsRejected) {
  Item it = ValidPetition();
  it.body = std::string("a\0b", 3);
  EXPECT_THAT(Check(it), HasSubstr("item.body: must not contain a NUL"));
}

TEST(ValidationTest, NotARealDate) {
  Violations v;
  EXPECT_FALSE(CheckDate(v, "item.received_on", true, 2025, 2, 29, true));
  EXPECT_FALSE(CheckDate(v, "x", true, 2024, 13, 1, true));
  EXPECT_FALSE(CheckDate(v, "y", true, 0, 0, 0, true));
  EXPECT_TRUE(CheckDate(v, "z", true, 2024, 2, 29, true));
  EXPECT_THAT(v.ToStatus().message(),
              HasSubstr("item.received_on: 2025-2-29 is not a real calendar "
                        "date"));
  EXPECT_THAT(v.ToStatus().message(), HasSubstr("x: 2024-13-1"));
}

TEST(ValidationTest, MissingOptionalDateIsFine) {
  Violations v;
  EXPECT_FALSE(CheckDate(v, "due_on", false, 0, 0, 0, false));
  EXPECT_TRUE(v.empty());
  CheckDate(v, "asked_on", false, 0, 0, 0, true);
  EXPECT_THAT(v.ToStatus().message(), HasSubstr("asked_on: required"));
}

TEST(ValidationTest, EnumsMustBeSetAndKnown) {
  Violations v;
  EXPECT_EQ(CheckEnum<ItemKind>(v, "item.kind", 0), ItemKind::kUnspecified);
  EXPECT_EQ(CheckEnum<ItemKind>(v, "other", 99), ItemKind::kUnspecified);
  EXPECT_EQ(CheckEnum<ItemKind>(v, "fine", 2), ItemKind::kQuestion);
  EXPECT_THAT(v.ToStatus().message(),
              HasSubstr("item.kind: must be set (UNSPECIFIED is not allowed)"));
  EXPECT_THAT(v.ToStatus().message(),
              HasSubstr("other: 99 is not a known value"));
}

TEST(ValidationTest, ReceivedInTheFutureIsRejected) {
  Item it = ValidPetition();
  it.received_on = Day(2024, 11, 3);
  EXPECT_THAT(Check(it),
              HasSubstr("item.received_on: must not be after today"));
}

TEST(ValidationTest, DueBeforeReceivedIsRejected) {
  Item it = ValidPetition();
  it.due_on = Day(2024, 7, 19);
  EXPECT_THAT(Check(it),
              HasSubstr("item.due_on: must not be before received_on"));
}

TEST(ValidationTest, DetailsMustMatchKind) {
  Item it = ValidPetition();
  it.kind = ItemKind::kQuestion;
  EXPECT_THAT(Check(it), HasSubstr("item.details: required: the question "
                                   "details matching kind QUESTION"));
  it.details = std::monostate();
  it.kind = ItemKind::kTask;
  EXPECT_THAT(Check(it), HasSubstr("item.details: required"));
}

TEST(ValidationTest, PetitionRules) {
  Item it = ValidPetition();
  std::get<PetitionDetails>(it.details) = PetitionDetails{0, {}, ""};
  const std::string m = Check(it);
  EXPECT_THAT(m, HasSubstr("item.petition.batch_id: required"));
  EXPECT_THAT(m, HasSubstr("item.petition.delegations: at least one"));
  EXPECT_THAT(m, HasSubstr("item.petition.field: required"));
  std::get<PetitionDetails>(it.details) =
      PetitionDetails{1, {"Hà Nội", "Hà Nội"}, "x"};
  EXPECT_THAT(Check(it), HasSubstr("\"Hà Nội\" is listed twice"));
}

TEST(ValidationTest, QuestionRules) {
  Item it = ValidPetition();
  it.kind = ItemKind::kQuestion;
  QuestionDetails q;
  q.form = QuestionForm::kWritten;
  q.asked_on = Day(2024, 7, 21);  // after received
  it.details = q;
  const std::string m = Check(it);
  EXPECT_THAT(m, HasSubstr("item.session_id: required for a question"));
  EXPECT_THAT(m, HasSubstr("item.question.deputy_name: required"));
  EXPECT_THAT(m, HasSubstr("item.question.delegation: required"));
  EXPECT_THAT(m, HasSubstr("item.question.addressee: required"));
  EXPECT_THAT(m, HasSubstr("item.question.asked_on: must not be after "
                           "received_on"));
}

TEST(ValidationTest, DocumentRules) {
  Item it = ValidPetition();
  it.kind = ItemKind::kDocument;
  it.details = DocumentDetails{"", "", std::nullopt, false};
  it.lead_unit_code = "TL";
  const std::string m = Check(it);
  EXPECT_THAT(m, HasSubstr("item.document.sender: required"));
  EXPECT_THAT(m, HasSubstr("item.document.document_number: required"));
  EXPECT_THAT(m, HasSubstr("item.document.document_date: required"));
  EXPECT_THAT(m, HasSubstr("item.lead_unit_code: must be empty for a document "
                           "that requires no response"));
}

TEST(ValidationTest, TaskRules) {
  Item it = ValidPetition();
  it.kind = ItemKind::kTask;
  it.details = TaskDetails{"", "", Day(2024, 8, 1)};
  const std::string m = Check(it);
  EXPECT_THAT(m, HasSubstr("item.task.assigned_by: required"));
  EXPECT_THAT(m, HasSubstr("item.task.source_document: required"));
  EXPECT_THAT(m, HasSubstr("item.task.source_date: must not be after "
                           "received_on"));
}

TEST(ValidationTest, UnitReferencesOnItems) {
  Item it = ValidPetition();
  it.coordinating_unit_codes = {"TL"};
  EXPECT_THAT(Check(it), HasSubstr("item.coordinating_unit_codes: need a "
                                   "lead_unit_code"));
  it.lead_unit_code = "TL";
  EXPECT_THAT(Check(it), HasSubstr("\"TL\" is already the lead unit"));
  it.coordinating_unit_codes = {"CCVC", "CCVC", "bad code"};
  const std::string m = Check(it);
  EXPECT_THAT(m, HasSubstr("\"CCVC\" is listed twice"));
  EXPECT_THAT(m, HasSubstr("must be 1-32 characters from A-Z"));
}

TEST(ValidationTest, RequestIdAndPageSize) {
  Violations v;
  CheckRequestId(v, "request_id", "");
  CheckRequestId(v, "r2", "short");
  CheckRequestId(v, "r3", "has spaces in it");
  CheckRequestId(v, "ok", "3f1c2a9e-7d4b-4c1e-9a51-0b6f2e8d1c77");
  EXPECT_EQ(CheckPageSize(v, "page_size", 0), 50);
  EXPECT_EQ(CheckPageSize(v, "page_size", 500), 500);
  CheckPageSize(v, "p2", 501);
  CheckPageSize(v, "p3", -1);
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("request_id: required"));
  EXPECT_THAT(m, HasSubstr("r2: must be 8-100 characters"));
  EXPECT_THAT(m, HasSubstr("r3: must be 8-100 characters"));
  EXPECT_THAT(m, ::testing::Not(HasSubstr("ok:")));
  EXPECT_THAT(m, HasSubstr("p2: must be between 0 and 500 (got 501)"));
  EXPECT_THAT(m, HasSubstr("p3: must be between 0 and 500 (got -1)"));
}

TEST(ValidationTest, TermRules) {
  Violations v;
  ValidateTerm(v, "term.", Term{0, "xv", 0, 2021, 2020, {}});
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("term.code: must be 1-16 characters from A-Z"));
  EXPECT_THAT(m, HasSubstr("term.number: must be between 1 and 99"));
  EXPECT_THAT(m, HasSubstr("term.end_year: must not be before start_year"));
}

TEST(ValidationTest, SessionRules) {
  Violations v;
  Session s;
  s.opens_on = Day(2024, 6, 1);
  s.closes_on = Day(2024, 5, 1);
  ValidateSession(v, "", s);
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("term_code: required"));
  EXPECT_THAT(m, HasSubstr("number: must be between 1 and 99"));
  EXPECT_THAT(m, HasSubstr("closes_on: must not be before opens_on"));
}

TEST(ValidationTest, BatchRules) {
  Violations v;
  Batch b;
  b.received_on = Day(2025, 1, 1);
  ValidateBatch(v, "", b, kToday);
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("session_id: required"));
  EXPECT_THAT(m, HasSubstr("forwarding_body: required"));
  EXPECT_THAT(m, HasSubstr("document_number: required"));
  EXPECT_THAT(m, HasSubstr("received_on: must not be after today"));
}

TEST(ValidationTest, UnitRules) {
  Violations v;
  Unit u;
  u.code = "TL";
  u.kind = UnitKind::kDepartment;
  ValidateUnit(v, "unit.", u);
  u.kind = UnitKind::kMinistry;
  u.parent_code = "BNV";
  u.successor_code = "TL";
  u.valid_from = Day(2024, 1, 1);
  u.valid_to = Day(2023, 1, 1);
  ValidateUnit(v, "unit.", u);
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("unit.name_vi: required"));
  EXPECT_THAT(m, HasSubstr("unit.parent_code: required for a DEPARTMENT"));
  EXPECT_THAT(m, HasSubstr("unit.parent_code: must be empty for a MINISTRY"));
  EXPECT_THAT(m, HasSubstr("unit.successor_code: must not be the unit itself"));
  EXPECT_THAT(m, HasSubstr("unit.valid_to: must not be before valid_from"));
}

// A status stays short however many entries are wrong: the first ten are
// named, the rest counted.
TEST(ValidationTest, LongListsOfViolationsAreCut) {
  Violations v;
  for (int i = 0; i < 25; ++i) {
    v.Add(absl::StrCat("items[", i, "]"), "required");
  }
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("items[9]: required; and 15 more"));
  EXPECT_THAT(m, ::testing::Not(HasSubstr("items[10]")));
}

TEST(ValidationTest, UserRules) {
  Violations v;
  User u;
  u.login = "Bad Login";
  u.role = Role::kResponder;
  u.email = "nobody";
  ValidateUser(v, "user.", u);
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("user.login: must be 3-64 characters"));
  EXPECT_THAT(m, HasSubstr("user.display_name: required"));
  EXPECT_THAT(m, HasSubstr("user.unit_code: required for RESPONDER"));
  EXPECT_THAT(m, HasSubstr("user.email: must be an address"));
}

TEST(ValidationTest, FilterRules) {
  Violations v;
  ItemFilter f;
  f.received_from = Day(2024, 10, 31);
  f.received_to = Day(2024, 10, 1);
  f.session_id = -1;
  ValidateItemFilter(v, f);
  const std::string m(v.ToStatus().message());
  EXPECT_THAT(m, HasSubstr("received_to: must not be before received_from"));
  EXPECT_THAT(m, HasSubstr("session_id: must not be negative"));
}

}  // namespace
}  // namespace pqtrack::core
