// UpdateItem: a liaison officer corrects what was recorded wrong. Checked:
// the event with before, after and reason; the version check; precise
// refusals; a due date that follows a corrected anchor, or stays when it was
// given; the ladder planned again with one alert for a due date corrected
// into the past; and reports as of a day before the correction unchanged.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/dates.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::HasSubstr;

absl::Time Hanoi(int y, int m, int d, int h) {
  return absl::FromCivil(absl::CivilHour(y, m, d, h), MinistryTimeZone());
}

class CorrectionTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
    liaison_ = UserToken("lien.lac", v1::ROLE_LIAISON, "");
  }

  // A document of TL received on `received`, due on `due` when given.
  v1::Item Document(const std::string& rid, v1::Date received,
                    std::optional<v1::Date> due = std::nullopt) {
    v1::RecordItemRequest req;
    req.set_request_id(rid);
    v1::Item* it = req.mutable_item();
    it->set_kind(v1::ITEM_KIND_DOCUMENT);
    it->set_title("Công văn về phụ cấp công vụ");
    *it->mutable_received_on() = received;
    if (due) *it->mutable_due_on() = *due;
    it->set_lead_unit_code("TL");
    it->mutable_document()->set_sender("UBND tỉnh Nam Định");
    it->mutable_document()->set_document_number("312/UBND-NV");
    *it->mutable_document()->mutable_document_date() = received;
    it->mutable_document()->set_requires_response(true);
    v1::RecordItemResponse resp;
    const grpc::Status st = Record(req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.item();
  }

  // Corrects `it` as `token`: the `paths` of `values`.
  grpc::Status Correct(const v1::Item& it, const v1::Item& values,
                       const std::vector<std::string>& paths,
                       v1::Item* out = nullptr,
                       const std::string& reason = "Nhập sai khi tiếp nhận",
                       std::string token = "") {
    v1::UpdateItemRequest req;
    req.set_id(it.id());
    req.set_version(it.version());
    *req.mutable_item() = values;
    for (const std::string& p : paths) req.mutable_update_mask()->add_paths(p);
    req.set_reason(reason);
    v1::UpdateItemResponse resp;
    const grpc::Status st = items_->UpdateItem(
        As(token.empty() ? liaison_ : token).get(), req, &resp);
    if (st.ok() && out != nullptr) *out = resp.item();
    return st;
  }

  std::string liaison_;
};

TEST_F(CorrectionTest, ACorrectionIsAnEventWithBeforeAfterAndReason) {
  const v1::Item it = Document("req-corr-0001", D(2024, 10, 28));
  v1::Item values;
  values.set_title("Công văn về chế độ phụ cấp công vụ");
  values.mutable_document()->set_document_number("321/UBND-NV");
  v1::Item corrected;
  ASSERT_TRUE(
      Correct(it, values, {"title", "document.document_number"}, &corrected)
          .ok());
  EXPECT_EQ(corrected.version(), it.version() + 1);
  EXPECT_EQ(corrected.title(), "Công văn về chế độ phụ cấp công vụ");
  EXPECT_EQ(corrected.document().document_number(), "321/UBND-NV");
  // Fields outside the mask keep their values.
  EXPECT_EQ(corrected.document().sender(), "UBND tỉnh Nam Định");
  EXPECT_EQ(corrected.status(), v1::ITEM_STATUS_ASSIGNED);
  EXPECT_EQ(Get(it.id()).title(), corrected.title());

  v1::GetItemHistoryRequest hreq;
  hreq.set_id(it.id());
  v1::GetItemHistoryResponse history;
  ASSERT_TRUE(items_->GetItemHistory(As(kAdmin).get(), hreq, &history).ok());
  ASSERT_EQ(history.events_size(), 2);
  const v1::Event& e = history.events(1);
  EXPECT_EQ(e.kind(), "CORRECTED");
  EXPECT_EQ(e.actor_login(), "lien.lac");
  EXPECT_THAT(e.before_json(), HasSubstr("312/UBND-NV"));
  EXPECT_THAT(e.after_json(), HasSubstr("321/UBND-NV"));
  EXPECT_THAT(e.detail_json(), HasSubstr("Nhập sai khi tiếp nhận"));
  EXPECT_THAT(e.detail_json(), HasSubstr("document.document_number"));

  // The audit chain takes it like any event.
  v1::VerifyAuditChainResponse audit;
  ASSERT_TRUE(admin_->VerifyAuditChain(As(kAdmin).get(), {}, &audit).ok());
  EXPECT_TRUE(audit.intact()) << audit.problem();
}

TEST_F(CorrectionTest, RefusalsArePreciseAndChangeNothing) {
  const v1::Item it = Document("req-corr-0002", D(2024, 10, 28));
  v1::Item values;
  values.set_title("Tiêu đề mới");
  // A stale version.
  v1::Item stale = it;
  stale.set_version(it.version() + 5);
  EXPECT_EQ(Correct(stale, values, {"title"}).error_code(), grpc::ABORTED);
  // Unknown paths, another kind's, nothing named, twice, no reason.
  grpc::Status st = Correct(it, values, {"status"});
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(),
              HasSubstr("update_mask: \"status\" cannot be corrected on a "
                        "DOCUMENT"));
  st = Correct(it, values, {"petition.field"});
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("document.sender"));
  EXPECT_EQ(Correct(it, values, {}).error_code(), grpc::INVALID_ARGUMENT);
  st = Correct(it, values, {"title", "title"});
  EXPECT_THAT(st.error_message(), HasSubstr("\"title\" twice"));
  st = Correct(it, values, {"title"}, nullptr, "");
  EXPECT_THAT(st.error_message(), HasSubstr("reason"));
  // The corrected item must pass RecordItem's rules.
  v1::Item empty;
  st = Correct(it, empty, {"title"});
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("item.title"));
  v1::Item future;
  *future.mutable_received_on() = D(2024, 12, 1);
  st = Correct(it, future, {"received_on"});
  EXPECT_THAT(st.error_message(), HasSubstr("item.received_on"));
  // Only the office corrects.
  const std::string responder = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
  EXPECT_EQ(
      Correct(it, values, {"title"}, nullptr, "x", responder).error_code(),
      grpc::PERMISSION_DENIED);
  // A reference another item of the same sender has.
  v1::RecordItemRequest other;
  other.set_request_id("req-corr-0003");
  other.mutable_item()->CopyFrom(it);
  other.mutable_item()->set_external_ref("NĐ-7");
  other.mutable_item()->clear_id();
  ASSERT_TRUE(Record(other).ok());
  v1::Item ref;
  ref.set_external_ref("NĐ-7");
  EXPECT_EQ(Correct(it, ref, {"external_ref"}).error_code(),
            grpc::ALREADY_EXISTS);
  const v1::Item after = Get(it.id());
  EXPECT_EQ(after.version(), it.version());
  EXPECT_EQ(after.title(), it.title());
}

TEST_F(CorrectionTest, ARuleDueDateFollowsACorrectedAnchorAGivenOneStays) {
  // A petition's 60 days run from the day received.
  v1::RecordItemRequest req = Petition("req-corr-0004", "TL");
  v1::RecordItemResponse recorded;
  ASSERT_TRUE(Record(req, &recorded).ok());
  const v1::Item pet = recorded.item();
  ASSERT_EQ(pet.due_on().month(), 9);  // 20 July + 60 days
  v1::Item values;
  *values.mutable_received_on() = D(2024, 7, 25);
  v1::Item moved;
  ASSERT_TRUE(Correct(pet, values, {"received_on"}, &moved).ok());
  EXPECT_EQ(moved.received_on().day(), 25);
  EXPECT_EQ(moved.due_on().month(), 9);
  EXPECT_EQ(moved.due_on().day(), 23);  // 25 July + 60 days

  // A document due on a date it gave keeps it when its dates are corrected.
  const v1::Item doc =
      Document("req-corr-0005", D(2024, 10, 28), D(2024, 11, 20));
  values.Clear();
  *values.mutable_received_on() = D(2024, 10, 29);
  v1::Item kept;
  ASSERT_TRUE(Correct(doc, values, {"received_on"}, &kept).ok());
  EXPECT_EQ(kept.due_on().day(), 20);
  // Setting it is a given date; clearing it hands it to the rule (30 days
  // from the document's date for a document).
  values.Clear();
  *values.mutable_due_on() = D(2024, 11, 25);
  v1::Item given;
  ASSERT_TRUE(Correct(kept, values, {"due_on"}, &given).ok());
  EXPECT_EQ(given.due_on().day(), 25);
  values.Clear();
  v1::Item by_rule;
  ASSERT_TRUE(Correct(given, values, {"due_on"}, &by_rule).ok());
  EXPECT_TRUE(by_rule.has_due_on());
  EXPECT_NE(by_rule.due_on().day(), 25);
  v1::ExplainDeadlineRequest explain;
  explain.set_item_id(doc.id());
  v1::ExplainDeadlineResponse why;
  auto calendar = v1::CalendarService::NewStub(channel_);
  ASSERT_TRUE(calendar->ExplainDeadline(As(kAdmin).get(), explain, &why).ok());
  EXPECT_EQ(why.source(), "RULE");
  EXPECT_THAT(absl::StrJoin(why.steps(), "\n"),
              HasSubstr("corrected on 2024-11-02: Nhập sai khi tiếp nhận"));
}

// A due date corrected into the past re-plans the ladder: of the levels
// already past only the current one fires, once.
TEST_F(CorrectionTest, ADueDateCorrectedIntoThePastFiresOneAlert) {
  const v1::Item doc =
      Document("req-corr-0006", D(2024, 10, 28), D(2024, 11, 29));
  ASSERT_EQ(Fire(Hanoi(2024, 11, 2, 9)), 0);
  v1::Item values;
  *values.mutable_due_on() = D(2024, 10, 30);  // three days ago
  ASSERT_TRUE(Correct(doc, values, {"due_on"}).ok());
  EXPECT_EQ(Fire(Hanoi(2024, 11, 2, 9)), 1);
  EXPECT_EQ(Fire(Hanoi(2024, 11, 2, 10)), 0);
  v1::ListAlertsRequest list;
  list.set_limit(100);
  v1::ListAlertsResponse alerts;
  auto stub = v1::AlertService::NewStub(channel_);
  ASSERT_TRUE(stub->ListAlerts(As(kAdmin).get(), list, &alerts).ok());
  std::vector<std::string> kinds;
  for (const auto& a : alerts.alerts()) {
    if (a.item_id() == doc.id()) kinds.push_back(v1::AlertKind_Name(a.kind()));
  }
  // ASSIGNED on recording; then OVERDUE (31 October) is the current level:
  // the escalation is three working days after the due date, on 4 November.
  EXPECT_THAT(kinds, ::testing::ElementsAre("ALERT_KIND_ASSIGNED",
                                            "ALERT_KIND_OVERDUE"));
  EXPECT_EQ(Fire(Hanoi(2024, 11, 4, 8)), 1);  // and the escalation follows
}

// Reports read the state as it was recorded by the day asked: a correction
// shows from its moment on, not before.
TEST_F(CorrectionTest, ReportsAsOfADayBeforeTheCorrectionAreUnchanged) {
  clock_.Set(Hanoi(2024, 10, 20, 9));
  const v1::Item doc =
      Document("req-corr-0007", D(2024, 10, 20), D(2024, 11, 10));
  clock_.Set(kNow);
  v1::Item values;
  *values.mutable_due_on() = D(2024, 10, 25);
  ASSERT_TRUE(Correct(doc, values, {"due_on"}).ok());
  const auto overdue = [&](v1::Date as_of) {
    v1::PeriodReportRequest req;
    *req.mutable_from() = D(2024, 10, 1);
    *req.mutable_to() = D(2024, 10, 31);
    *req.mutable_as_of() = as_of;
    v1::PeriodReportResponse resp;
    const grpc::Status st =
        reports_->PeriodReport(As(kAdmin).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.documents().overdue();
  };
  EXPECT_EQ(overdue(D(2024, 10, 31)), 0);  // due 10 November then
  EXPECT_EQ(overdue(D(2024, 11, 2)), 1);   // due 25 October since

  // A petition's field, corrected: the session report groups it under the
  // old field as of a day before, under the new one since.
  clock_.Set(Hanoi(2024, 10, 20, 9));
  v1::RecordItemResponse pet;
  ASSERT_TRUE(Record(Petition("req-corr-0011", "TL"), &pet).ok());
  clock_.Set(kNow);
  v1::Item field;
  field.mutable_petition()->set_field("Bảo hiểm xã hội");
  ASSERT_TRUE(Correct(pet.item(), field, {"petition.field"}).ok());
  const auto fields = [&](v1::Date as_of) {
    v1::SessionReportRequest req;
    req.set_session_id(session_id_);
    *req.mutable_as_of() = as_of;
    v1::SessionReportResponse resp;
    const grpc::Status st =
        reports_->SessionReport(As(kAdmin).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> keys;
    for (const auto& f : resp.fields()) keys.push_back(f.key());
    return keys;
  };
  EXPECT_THAT(fields(D(2024, 10, 31)), ::testing::ElementsAre("Tiền lương"));
  EXPECT_THAT(fields(D(2024, 11, 2)),
              ::testing::ElementsAre("Bảo hiểm xã hội"));
}

// A corrected received date moves the coordinating units at the default
// date with the lead's due date (a date of their own stays), and is refused
// when the item's unit did not exist on it.
TEST_F(CorrectionTest, CoordinatorsFollowAndUnitsMustHaveExisted) {
  const auto record = [&](const std::string& rid, v1::Date received) {
    v1::RecordItemRequest req = Petition(rid, "TL");
    *req.mutable_item()->mutable_received_on() = received;
    req.mutable_item()->add_coordinating_unit_codes("CCVC");
    v1::RecordItemResponse resp;
    EXPECT_TRUE(Record(req, &resp).ok());
    return resp.item();
  };
  const auto due_of = [](const v1::Item& it, const std::string& unit) {
    for (const auto& c : it.coordination()) {
      if (c.unit_code() == unit && c.due_on().year() != 0) {
        return absl::StrFormat("%04d-%02d-%02d", c.due_on().year(),
                               c.due_on().month(), c.due_on().day());
      }
    }
    return std::string("none");
  };
  v1::Item pet = record("req-corr-0008", D(2024, 7, 20));
  const std::string old_default = due_of(pet, "CCVC");
  ASSERT_NE(old_default, "none");
  v1::AssignItemRequest assign;
  assign.set_item_id(pet.id());
  assign.set_version(pet.version());
  assign.set_lead_unit_code("TL");
  assign.add_coordinating_units()->set_unit_code("CCVC");
  auto* own = assign.add_coordinating_units();
  own->set_unit_code("TL1");
  *own->mutable_due_on() = D(2024, 8, 30);
  v1::AssignItemResponse assigned;
  ASSERT_TRUE(workflow_->AssignItem(As(kAdmin).get(), assign, &assigned).ok());
  pet = assigned.item();
  ASSERT_EQ(due_of(pet, "CCVC"), old_default);

  v1::Item values;
  *values.mutable_received_on() = D(2024, 7, 25);
  v1::Item moved;
  ASSERT_TRUE(Correct(pet, values, {"received_on"}, &moved).ok());
  // As if it had been recorded on the right day.
  EXPECT_EQ(due_of(moved, "CCVC"),
            due_of(record("req-corr-0009", D(2024, 7, 25)), "CCVC"));
  EXPECT_NE(due_of(moved, "CCVC"), old_default);
  EXPECT_EQ(due_of(moved, "TL1"), "2024-08-30");

  // A unit set up on 18 July cannot have received an item on the 15th.
  v1::CreateUnitRequest unit;
  unit.mutable_unit()->set_code("MOI");
  unit.mutable_unit()->set_name_vi("Vụ mới");
  unit.mutable_unit()->set_parent_code("BNV");
  unit.mutable_unit()->set_kind(v1::UNIT_KIND_DEPARTMENT);
  *unit.mutable_unit()->mutable_valid_from() = D(2024, 7, 18);
  v1::CreateUnitResponse created;
  ASSERT_TRUE(units_->CreateUnit(As(kAdmin).get(), unit, &created).ok());
  v1::RecordItemRequest req = Petition("req-corr-0010", "MOI");
  v1::RecordItemResponse recorded;
  ASSERT_TRUE(Record(req, &recorded).ok());
  values.Clear();
  *values.mutable_received_on() = D(2024, 7, 15);
  const grpc::Status st = Correct(recorded.item(), values, {"received_on"});
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(),
              HasSubstr("item.received_on: unit \"MOI\" did not exist on "
                        "2024-07-15"));
  *values.mutable_received_on() = D(2024, 7, 19);
  EXPECT_TRUE(Correct(recorded.item(), values, {"received_on"}).ok());
}

}  // namespace
}  // namespace pqtrack::api
