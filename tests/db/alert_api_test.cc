// The alert ladder with explicit times: each level fires once per item and
// deadline version, a moved due date re-plans, an answered item goes
// silent, two schedulers on one database fire each alert once.
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/dates.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::ElementsAre;

absl::Time Hanoi(int y, int m, int d, int h) {
  return absl::FromCivil(absl::CivilHour(y, m, d, h), MinistryTimeZone());
}

class AlertTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
    alerts_ = v1::AlertService::NewStub(channel_);
    // Due Wednesday 2024-09-04 (60 days, past the National Day holidays),
    // recorded the day it arrived: its whole ladder is ahead. The clock
    // stays there; the tests fire levels at explicit times.
    clock_.Set(Hanoi(2024, 7, 4, 9));
    v1::RecordItemRequest req = Petition("req-00000001", "TL");
    *req.mutable_item()->mutable_received_on() = D(2024, 7, 4);
    v1::RecordItemResponse resp;
    ASSERT_TRUE(Record(req, &resp).ok());
    item_ = resp.item();
  }

  std::vector<std::string> Levels(const std::string& token, int64_t after = 0) {
    v1::ListAlertsRequest req;
    req.set_after_cursor(after);
    v1::ListAlertsResponse resp;
    EXPECT_TRUE(alerts_->ListAlerts(As(token).get(), req, &resp).ok());
    std::vector<std::string> out;
    for (const auto& a : resp.alerts()) {
      out.push_back(a.level().empty() ? v1::AlertKind_Name(a.kind()).substr(11)
                                      : a.level());
    }
    return out;
  }

  // Moves item_'s due date to `to` (an extension the office approved).
  grpc::Status Extend(const v1::Date& to) {
    v1::ExtendDeadlineRequest extend;
    extend.set_item_id(item_.id());
    extend.set_version(item_.version());
    *extend.mutable_new_due_on() = to;
    extend.set_reason("Chờ ý kiến Bộ Tài chính");
    extend.set_approved_by("Thứ trưởng");
    v1::ExtendDeadlineResponse extended;
    return workflow_->ExtendDeadline(As(kAdmin).get(), extend, &extended);
  }

  // Every alert the administrator may see, oldest first.
  std::vector<v1::Alert> ListAll() {
    v1::ListAlertsRequest req;
    req.set_limit(1000);
    v1::ListAlertsResponse resp;
    EXPECT_TRUE(alerts_->ListAlerts(As(kAdmin).get(), req, &resp).ok());
    return {resp.alerts().begin(), resp.alerts().end()};
  }

  // Drafts, submits, approves and sends an answer to `it` (led by TL) with
  // `outcome`, sent today; `expected` is the completion date of an
  // IN_RESOLUTION one.
  v1::Item SendAnswer(const v1::Item& it, v1::Outcome outcome,
                      const v1::Date& expected) {
    if (responder_.empty()) {
      responder_ = UserToken("tl.soan", v1::ROLE_RESPONDER, "TL");
      leader_ = UserToken("tl.duyet", v1::ROLE_LEADER, "TL");
    }
    v1::SaveDraftRequest draft;
    draft.set_item_id(it.id());
    draft.set_version(it.version());
    draft.set_text("Bộ Nội vụ trả lời như sau");
    v1::SaveDraftResponse drafted;
    EXPECT_TRUE(
        workflow_->SaveDraft(As(responder_).get(), draft, &drafted).ok());
    v1::SubmitResponseRequest submit;
    submit.set_item_id(it.id());
    submit.set_version(drafted.item().version());
    v1::SubmitResponseResponse submitted;
    EXPECT_TRUE(
        workflow_->SubmitResponse(As(responder_).get(), submit, &submitted)
            .ok());
    v1::ApproveResponseRequest approve;
    approve.set_item_id(it.id());
    approve.set_version(submitted.item().version());
    v1::ApproveResponseResponse approved;
    EXPECT_TRUE(
        workflow_->ApproveResponse(As(leader_).get(), approve, &approved).ok());
    v1::SendResponseRequest send;
    send.set_item_id(it.id());
    send.set_version(approved.item().version());
    send.set_document_number(absl::StrCat(it.version(), "/BNV-TL"));
    send.set_signer("Thứ trưởng");
    const absl::CivilDay today =
        absl::ToCivilDay(clock_.Now(), MinistryTimeZone());
    *send.mutable_sent_on() =
        D(static_cast<int>(today.year()), today.month(), today.day());
    send.set_outcome(outcome);
    if (outcome == v1::OUTCOME_IN_RESOLUTION) {
      send.set_outcome_detail(v1::OUTCOME_DETAIL_ROADMAP);
      send.set_roadmap("Trình Chính phủ sửa Nghị định");
      *send.mutable_expected_completion() = expected;
    } else {
      send.set_outcome_detail(v1::OUTCOME_DETAIL_LEGAL_DOCUMENT);
    }
    v1::SendResponseResponse sent;
    const grpc::Status st =
        workflow_->SendResponse(As(responder_).get(), send, &sent);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return sent.item();
  }

  std::unique_ptr<v1::AlertService::Stub> alerts_;
  v1::Item item_;
  std::string responder_, leader_;
};

TEST_F(AlertTest, EachLevelFiresOnceAndAMovedDeadlineReplans) {
  EXPECT_THAT(Levels(kAdmin), ElementsAre("ASSIGNED"));
  EXPECT_EQ(Fire(Hanoi(2024, 8, 28, 7)), 0);  // an hour early
  EXPECT_EQ(Fire(Hanoi(2024, 8, 28, 8)), 1);
  EXPECT_EQ(Fire(Hanoi(2024, 8, 28, 8)), 0);  // never twice
  EXPECT_THAT(Levels(kAdmin), ElementsAre("ASSIGNED", "DUE_SOON_7"));

  ASSERT_TRUE(Extend(D(2024, 9, 30)).ok());
  // The old ladder (3 and 1 days before 4 September...) is gone.
  EXPECT_EQ(Fire(Hanoi(2024, 9, 10, 8)), 0);
  EXPECT_EQ(Fire(Hanoi(2024, 9, 23, 8)), 1);
  EXPECT_THAT(Levels(kAdmin),
              ElementsAre("ASSIGNED", "DUE_SOON_7", "DUE_SOON_7"));
}

// The alerts of item `id`, as levels (event alerts by kind).
std::vector<std::string> LevelsOf(const std::vector<v1::Alert>& alerts,
                                  int64_t id) {
  std::vector<std::string> out;
  for (const v1::Alert& a : alerts) {
    if (a.item_id() != id) continue;
    out.push_back(a.level().empty() ? v1::AlertKind_Name(a.kind()).substr(11)
                                    : a.level());
  }
  return out;
}

// Recorded on 1 December with a due date of 20 November: of its six
// levels, all past, only the current one (ESCALATED) fires, once.
TEST_F(AlertTest, RecordingIntoThePastFiresOnlyTheCurrentLevel) {
  clock_.Set(Hanoi(2024, 12, 1, 9));
  ASSERT_EQ(Fire(Hanoi(2024, 12, 1, 9)), 6);  // item_'s ladder, planned early
  v1::RecordItemRequest req;
  req.set_request_id("req-backdated");
  v1::Item* it = req.mutable_item();
  it->set_kind(v1::ITEM_KIND_DOCUMENT);
  it->set_title("Công văn đến muộn");
  *it->mutable_received_on() = D(2024, 11, 15);
  *it->mutable_due_on() = D(2024, 11, 20);
  it->set_lead_unit_code("TL");
  it->mutable_document()->set_sender("UBND tỉnh Nam Định");
  it->mutable_document()->set_document_number("321/UBND-NV");
  *it->mutable_document()->mutable_document_date() = D(2024, 11, 14);
  it->mutable_document()->set_requires_response(true);
  v1::RecordItemResponse recorded;
  ASSERT_TRUE(Record(req, &recorded).ok());
  EXPECT_EQ(Fire(Hanoi(2024, 12, 1, 9)), 1);
  EXPECT_EQ(Fire(Hanoi(2025, 6, 1, 9)), 0);
  EXPECT_THAT(LevelsOf(ListAll(), recorded.item().id()),
              ElementsAre("ASSIGNED", "ESCALATED"));
  // The passed levels are on record as skipped, not lost.
  pqxx::connection c(db_->url());
  pqxx::work w(c);
  EXPECT_EQ(w.exec_params1("SELECT string_agg(level, ',' ORDER BY fire_at)"
                           " FROM alert_schedule WHERE item_id = $1 AND skipped"
                           " AND cancelled_at IS NOT NULL AND fired_at IS NULL",
                           recorded.item().id())[0]
                .as<std::string>(),
            "DUE_SOON_7,DUE_SOON_3,DUE_SOON_1,DUE_TODAY,OVERDUE");
}

// Extended on 20 August to 22 August: DUE_SOON_7 and DUE_SOON_3 of the new
// date have passed; only DUE_SOON_3 fires now, and the later levels still
// fire at their times.
TEST_F(AlertTest, ExtendingIntoThePastFiresOnlyTheCurrentLevel) {
  clock_.Set(Hanoi(2024, 8, 20, 9));
  ASSERT_EQ(Fire(Hanoi(2024, 8, 20, 9)), 0);
  ASSERT_TRUE(Extend(D(2024, 8, 22)).ok());
  EXPECT_EQ(Fire(Hanoi(2024, 8, 20, 9)), 1);
  EXPECT_EQ(Fire(Hanoi(2024, 8, 20, 9)), 0);
  EXPECT_THAT(Levels(kAdmin), ElementsAre("ASSIGNED", "DUE_SOON_3"));
  EXPECT_EQ(Fire(Hanoi(2024, 8, 21, 8)), 1);
  EXPECT_THAT(Levels(kAdmin),
              ElementsAre("ASSIGNED", "DUE_SOON_3", "DUE_SOON_1"));
}

// An IN_RESOLUTION answer keeps the item followed up: a ladder on the
// roadmap's expected completion, which a final answer stops.
TEST_F(AlertTest, AnInResolutionAnswerPlansALadderOnItsRoadmapDate) {
  clock_.Set(Hanoi(2024, 8, 21, 9));
  const v1::Item answered =
      SendAnswer(item_, v1::OUTCOME_IN_RESOLUTION, D(2025, 3, 31));
  ASSERT_EQ(answered.status(), v1::ITEM_STATUS_ANSWERED);
  EXPECT_EQ(Fire(Hanoi(2025, 3, 23, 8)), 0);  // nothing of the old date
  EXPECT_EQ(Fire(Hanoi(2025, 3, 24, 8)), 1);
  const std::vector<v1::Alert> all = ListAll();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back().level(), "DUE_SOON_7");
  EXPECT_EQ(all.back().due_on().year(), 2025);
  EXPECT_EQ(all.back().due_on().month(), 3);
  EXPECT_EQ(all.back().due_on().day(), 31);
  // Answered again, resolved: the follow-up ladder goes silent.
  clock_.Set(Hanoi(2025, 3, 25, 9));
  const v1::Item resolved = SendAnswer(answered, v1::OUTCOME_RESOLVED, {});
  EXPECT_FALSE(resolved.has_follow_up_on());
  EXPECT_EQ(Fire(Hanoi(2025, 12, 31, 8)), 0);
}

// The inbox's DUE_SOON reads the ladder's first level from the settings.
TEST_F(AlertTest, InboxDueSoonFollowsTheLadderSettings) {
  clock_.Set(Hanoi(2024, 8, 30, 9));  // five days before 4 September
  const auto timeliness = [&] {
    v1::ListInboxRequest req;
    req.set_unit_code("TL");
    v1::ListInboxResponse resp;
    EXPECT_TRUE(workflow_->ListInbox(As(kAdmin).get(), req, &resp).ok());
    EXPECT_EQ(resp.entries_size(), 1);
    return resp.entries_size() == 1 ? resp.entries(0).timeliness()
                                    : v1::TIMELINESS_UNSPECIFIED;
  };
  EXPECT_EQ(timeliness(), v1::TIMELINESS_DUE_SOON);
  {
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    w.exec("UPDATE settings SET value = '3,1' WHERE key = 'alert_days_before'");
    w.commit();
  }
  EXPECT_EQ(timeliness(), v1::TIMELINESS_ON_TRACK);
}

TEST_F(AlertTest, TwoSchedulersOnOneDatabaseFireEachAlertOnce) {
  auto second_db = store::Db::Connect({db_->url(), 4});
  ASSERT_TRUE(second_db.ok());
  store::AlertStore replica(second_db->get());
  int a = 0, b = 0;
  std::thread t1([&] { a = Fire(Hanoi(2024, 9, 20, 8)); });
  std::thread t2([&] { b = *replica.FireDue(Hanoi(2024, 9, 20, 8)); });
  t1.join();
  t2.join();
  EXPECT_EQ(a + b, 6);  // 7, 3, 1 days before, due today, overdue, escalated
  EXPECT_THAT(Levels(kAdmin),
              ElementsAre("ASSIGNED", "DUE_SOON_7", "DUE_SOON_3", "DUE_SOON_1",
                          "DUE_TODAY", "OVERDUE", "ESCALATED"));
}

TEST_F(AlertTest, AnsweredItemsGoSilentAndScopesApply) {
  const std::string responder = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
  const std::string leader = UserToken("tl.lead", v1::ROLE_LEADER, "TL");
  const std::string other = UserToken("ccvc.resp", v1::ROLE_RESPONDER, "CCVC");
  const std::string notifier = UserToken("notifier", v1::ROLE_SERVICE, "");
  const v1::Item it = item_;
  v1::SaveDraftRequest draft;
  draft.set_item_id(it.id());
  draft.set_version(it.version());
  draft.set_text("Dự thảo");
  v1::SaveDraftResponse drafted;
  ASSERT_TRUE(workflow_->SaveDraft(As(responder).get(), draft, &drafted).ok());
  v1::SubmitResponseRequest submit;
  submit.set_item_id(it.id());
  submit.set_version(drafted.item().version());
  v1::SubmitResponseResponse submitted;
  ASSERT_TRUE(
      workflow_->SubmitResponse(As(responder).get(), submit, &submitted).ok());
  v1::ReturnResponseRequest ret;
  ret.set_item_id(it.id());
  ret.set_version(submitted.item().version());
  ret.set_comment("Sửa lại");
  v1::ReturnResponseResponse returned;
  ASSERT_TRUE(workflow_->ReturnResponse(As(leader).get(), ret, &returned).ok());
  EXPECT_THAT(Levels(responder),
              ElementsAre("ASSIGNED", "SUBMITTED_FOR_APPROVAL",
                          "RETURNED_FOR_REVISION"));
  EXPECT_TRUE(Levels(other).empty());
  EXPECT_EQ(Levels(notifier).size(), 3u);

  // Answer it: nothing of the ladder fires any more.
  ASSERT_TRUE(workflow_
                  ->SaveDraft(
                      As(responder).get(),
                      [&] {
                        v1::SaveDraftRequest r = draft;
                        r.set_version(returned.item().version());
                        return r;
                      }(),
                      &drafted)
                  .ok());
  submit.set_version(drafted.item().version());
  ASSERT_TRUE(
      workflow_->SubmitResponse(As(responder).get(), submit, &submitted).ok());
  v1::ApproveResponseRequest approve;
  approve.set_item_id(it.id());
  approve.set_version(submitted.item().version());
  v1::ApproveResponseResponse approved;
  ASSERT_TRUE(
      workflow_->ApproveResponse(As(leader).get(), approve, &approved).ok());
  v1::SendResponseRequest send;
  send.set_item_id(it.id());
  send.set_version(approved.item().version());
  send.set_document_number("1/BNV");
  send.set_signer("Thứ trưởng");
  *send.mutable_sent_on() = D(2024, 8, 20);
  clock_.Set(Hanoi(2024, 8, 21, 9));
  send.set_outcome(v1::OUTCOME_EXPLAINED);
  send.set_outcome_detail(v1::OUTCOME_DETAIL_EXPLANATION);
  v1::SendResponseResponse sent;
  ASSERT_TRUE(workflow_->SendResponse(As(responder).get(), send, &sent).ok());
  EXPECT_EQ(Fire(Hanoi(2024, 12, 31, 8)), 0);
  EXPECT_THAT(
      Levels(kAdmin),
      ElementsAre("ASSIGNED", "SUBMITTED_FOR_APPROVAL", "RETURNED_FOR_REVISION",
                  "SUBMITTED_FOR_APPROVAL", "ANSWERED"));

  // Subscribers resume from their acknowledged cursor, which never goes back.
  v1::AckAlertsRequest ack;
  ack.set_subscriber("notifier-main");
  ack.set_cursor(4);
  v1::AckAlertsResponse acked;
  ASSERT_TRUE(alerts_->AckAlerts(As(notifier).get(), ack, &acked).ok());
  ack.set_cursor(1);
  ASSERT_TRUE(alerts_->AckAlerts(As(notifier).get(), ack, &acked).ok());
  EXPECT_EQ(acked.acked_cursor(), 4);
  v1::ListAlertsRequest list;
  list.set_subscriber("notifier-main");
  list.set_after_cursor(4);
  v1::ListAlertsResponse listed;
  ASSERT_TRUE(alerts_->ListAlerts(As(notifier).get(), list, &listed).ok());
  EXPECT_EQ(listed.acked_cursor(), 4);
  ASSERT_EQ(listed.alerts_size(), 1);
  EXPECT_EQ(listed.alerts(0).kind(), v1::ALERT_KIND_ANSWERED);
  ack.set_subscriber("Bad Name");
  EXPECT_EQ(alerts_->AckAlerts(As(notifier).get(), ack, &acked).error_code(),
            grpc::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace pqtrack::api

namespace pqtrack::api {
namespace {

class WatchTest : public AlertTest {
 public:
  struct Stream {
    std::unique_ptr<grpc::ClientContext> ctx;
    std::unique_ptr<grpc::ClientReader<v1::WatchAlertsResponse>> reader;
  };
  Stream Watch(const std::string& token, const v1::WatchAlertsRequest& req) {
    Stream s;
    s.ctx = As(token);
    // A lost alert must fail the test, not hang it.
    s.ctx->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(60));
    s.reader = alerts_->WatchAlerts(s.ctx.get(), req);
    return s;
  }
  Stream Watch(const std::string& token, int64_t after, int heartbeat = 0) {
    v1::WatchAlertsRequest req;
    req.set_after_cursor(after);
    req.set_heartbeat_seconds(heartbeat);
    return Watch(token, req);
  }

 protected:
  // Reads the next alert, skipping heartbeats.
  v1::Alert Next(Stream& s) {
    v1::WatchAlertsResponse r;
    while (s.reader->Read(&r)) {
      if (r.has_alert()) return r.alert();
    }
    ADD_FAILURE() << "stream ended: " << s.reader->Finish().error_message();
    return {};
  }
};

TEST_F(WatchTest, ReplayThenLiveThenResumeWithoutGapOrRepeat) {
  Stream s = Watch(kAdmin, 0);
  v1::Alert a = Next(s);
  EXPECT_EQ(a.kind(), v1::ALERT_KIND_ASSIGNED);  // replayed
  const int64_t first = a.id();
  ASSERT_EQ(Fire(Hanoi(2024, 8, 28, 8)), 1);  // live
  a = Next(s);
  EXPECT_EQ(a.level(), "DUE_SOON_7");
  EXPECT_GT(a.id(), first);
  const int64_t seen = a.id();
  s.ctx->TryCancel();
  v1::WatchAlertsResponse ignored;
  while (s.reader->Read(&ignored)) {
  }
  s.reader->Finish();

  // While disconnected, three more fire; resuming from the last cursor
  // gets exactly those, then live ones.
  ASSERT_EQ(Fire(Hanoi(2024, 9, 4, 8)), 3);
  Stream again = Watch(kAdmin, seen);
  std::vector<std::string> levels;
  int64_t last = seen;
  for (int i = 0; i < 3; ++i) {
    a = Next(again);
    EXPECT_GT(a.id(), last);
    last = a.id();
    levels.push_back(a.level());
  }
  EXPECT_THAT(levels, ElementsAre("DUE_SOON_3", "DUE_SOON_1", "DUE_TODAY"));
  ASSERT_EQ(Fire(Hanoi(2024, 9, 5, 0)), 1);
  a = Next(again);
  EXPECT_EQ(a.level(), "OVERDUE");
  EXPECT_GT(a.id(), last);
}

TEST_F(WatchTest, FromNowSkipsTheReplayAndSaysWhereItStarted) {
  ASSERT_THAT(Levels(kAdmin), ElementsAre("ASSIGNED"));
  v1::ListAlertsResponse before;
  ASSERT_TRUE(alerts_->ListAlerts(As(kAdmin).get(), {}, &before).ok());
  const int64_t assigned = before.alerts(0).id();

  v1::WatchAlertsRequest req;
  req.set_from_now(true);
  Stream live = Watch(kAdmin, req);
  v1::WatchAlertsResponse r;
  ASSERT_TRUE(live.reader->Read(&r));
  ASSERT_TRUE(r.has_heartbeat()) << r.DebugString();  // no replay
  EXPECT_EQ(r.heartbeat().last_cursor(), assigned);
  ASSERT_EQ(Fire(Hanoi(2024, 8, 28, 8)), 1);
  const v1::Alert a = Next(live);
  EXPECT_EQ(a.level(), "DUE_SOON_7");
  EXPECT_GT(a.id(), assigned);

  // A cursor and from_now contradict each other.
  req.set_after_cursor(assigned);
  Stream bad = Watch(kAdmin, req);
  while (bad.reader->Read(&r)) {
  }
  const grpc::Status st = bad.reader->Finish();
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(),
              ::testing::HasSubstr("after_cursor: must be 0 with from_now"));
}

TEST_F(WatchTest, ScopedWatcherGetsHeartbeatsButNotOtherUnitsAlerts) {
  const std::string other = UserToken("ccvc.resp", v1::ROLE_RESPONDER, "CCVC");
  Stream s = Watch(other, 0, /*heartbeat=*/1);
  v1::WatchAlertsResponse r;
  ASSERT_TRUE(s.reader->Read(&r));  // the replay (empty for CCVC) is done
  ASSERT_TRUE(r.has_heartbeat()) << r.DebugString();
  ASSERT_EQ(Fire(Hanoi(2024, 8, 28, 8)), 1);  // TL's: not for CCVC
  clock_.Advance(absl::Seconds(2));
  ASSERT_TRUE(s.reader->Read(&r));
  EXPECT_TRUE(r.has_heartbeat()) << r.DebugString();
  EXPECT_GE(r.heartbeat().last_cursor(), 2);
  s.ctx->TryCancel();
  while (s.reader->Read(&r)) {
  }
  s.reader->Finish();
}

TEST_F(WatchTest, ChangesReachTheItemsLeadAndCoordinatingUnitsOnly) {
  const std::string tl = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
  const std::string ccvc = UserToken("ccvc.resp", v1::ROLE_RESPONDER, "CCVC");
  CreateUnit("VP", "BNV", v1::UNIT_KIND_DEPARTMENT);
  const std::string vp = UserToken("vp.resp", v1::ROLE_RESPONDER, "VP");
  const auto watch = [&](const std::string& token, bool changes) {
    v1::WatchAlertsRequest req;
    req.set_from_now(true);
    req.set_changes(changes);
    req.set_heartbeat_seconds(1);
    Stream s = Watch(token, req);
    v1::WatchAlertsResponse r;
    EXPECT_TRUE(s.reader->Read(&r) && r.has_heartbeat()) << r.DebugString();
    return s;
  };
  // The next change of a stream, skipping heartbeats and alerts.
  const auto next_change = [](Stream& s) {
    v1::WatchAlertsResponse r;
    while (s.reader->Read(&r)) {
      if (r.has_change()) return r.change();
    }
    ADD_FAILURE() << "stream ended: " << s.reader->Finish().error_message();
    return v1::ItemChange();
  };
  Stream lead = watch(tl, true), coord = watch(ccvc, true);
  Stream other = watch(vp, true), plain = watch(tl, false);

  // CCVC becomes a coordinating unit: both units hear of it.
  v1::AssignItemRequest assign;
  assign.set_item_id(item_.id());
  assign.set_version(item_.version());
  assign.set_lead_unit_code("TL");
  assign.add_coordinating_units()->set_unit_code("CCVC");
  v1::AssignItemResponse assigned;
  ASSERT_TRUE(workflow_->AssignItem(As(kAdmin).get(), assign, &assigned).ok());
  v1::ItemChange c = next_change(lead);
  EXPECT_EQ(c.item_id(), item_.id());
  EXPECT_EQ(c.event_kind(), "ASSIGNED");
  EXPECT_EQ(next_change(coord).event_kind(), "ASSIGNED");

  // A draft raises no alert, but it is a change of both units' item.
  v1::SaveDraftRequest draft;
  draft.set_item_id(item_.id());
  draft.set_version(assigned.item().version());
  draft.set_text("Dự thảo");
  v1::SaveDraftResponse drafted;
  ASSERT_TRUE(workflow_->SaveDraft(As(tl).get(), draft, &drafted).ok());
  EXPECT_EQ(next_change(lead).event_kind(), "DRAFT_SAVED");
  EXPECT_EQ(next_change(coord).event_kind(), "DRAFT_SAVED");

  // Both changes were handed out before this heartbeat: VP got neither,
  // and a stream that did not ask for changes got only the alert.
  clock_.Advance(absl::Seconds(2));
  v1::WatchAlertsResponse r;
  ASSERT_TRUE(other.reader->Read(&r));
  EXPECT_TRUE(r.has_heartbeat()) << r.DebugString();
  ASSERT_TRUE(plain.reader->Read(&r));
  EXPECT_EQ(r.alert().kind(), v1::ALERT_KIND_ASSIGNED) << r.DebugString();
  ASSERT_TRUE(plain.reader->Read(&r));
  EXPECT_TRUE(r.has_heartbeat()) << r.DebugString();
  for (Stream* s : {&lead, &coord, &other, &plain}) {
    s->ctx->TryCancel();
    while (s->reader->Read(&r)) {
    }
    s->reader->Finish();
  }
}

TEST_F(WatchTest, BadRequestAndShutdownEndTheStream) {
  Stream bad = Watch("", 0);
  v1::WatchAlertsResponse r;
  EXPECT_FALSE(bad.reader->Read(&r));
  EXPECT_EQ(bad.reader->Finish().error_code(), grpc::UNAUTHENTICATED);

  Stream s = Watch(kAdmin, 0);
  EXPECT_EQ(Next(s).kind(), v1::ALERT_KIND_ASSIGNED);
  services_->StopStreams();
  while (s.reader->Read(&r)) {
  }
  EXPECT_EQ(s.reader->Finish().error_code(), grpc::UNAVAILABLE);
}

// Reads a stream on its own thread until `target` alerts arrived (or
// `stop_after` for a watcher that leaves early), checking that heartbeats
// never claim a cursor past what was delivered.
class StreamReader {
 public:
  // `after`: the cursor the stream resumed from.
  StreamReader(WatchTest::Stream* s, int64_t after, size_t stop_after)
      : s_(*s),
        after_(after),
        stop_after_(stop_after),
        thread_([this] { Run(); }) {}
  ~StreamReader() { Join(); }
  void SetTarget(size_t n) {
    absl::MutexLock lock(&mu_);
    target_ = n;
  }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  std::vector<int64_t> ids() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }
  int bad_heartbeats() {
    absl::MutexLock lock(&mu_);
    return bad_heartbeats_;
  }

 private:
  void Run() {
    v1::WatchAlertsResponse r;
    while (s_.reader->Read(&r)) {
      absl::MutexLock lock(&mu_);
      const int64_t last = ids_.empty() ? after_ : ids_.back();
      if (r.has_alert()) {
        ids_.push_back(r.alert().id());
      } else if (r.heartbeat().last_cursor() > last) {
        ++bad_heartbeats_;
      }
      if (ids_.size() >= std::min(target_, stop_after_)) break;
    }
  }

  WatchTest::Stream& s_;
  const int64_t after_;
  const size_t stop_after_;
  absl::Mutex mu_;
  size_t target_ ABSL_GUARDED_BY(mu_) = SIZE_MAX;
  std::vector<int64_t> ids_ ABSL_GUARDED_BY(mu_);
  int bad_heartbeats_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

TEST_F(WatchTest, ConcurrentWritersAndFiringLoseAndRepeatNoAlert) {
  // Watcher A stays connected; watcher B leaves after 40 alerts and resumes
  // from its last cursor while the writers and the scheduler go on.
  Stream a = Watch(kAdmin, 0, /*heartbeat=*/1);
  Stream b = Watch(kAdmin, 0, /*heartbeat=*/1);
  StreamReader live(&a, 0, SIZE_MAX);
  auto leaving = std::make_unique<StreamReader>(&b, 0, 40);

  constexpr int kWriters = 4, kEach = 40;
  std::atomic<int> writers_left{kWriters};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        v1::RecordItemRequest req =
            Petition(absl::StrCat("req-w", w, "-", i), "TL");
        *req.mutable_item()->mutable_received_on() = D(2024, 7, 4);
        const grpc::Status st = Record(req);
        EXPECT_TRUE(st.ok()) << st.error_message();
      }
      --writers_left;
    });
  }
  // The scheduler fires every ladder already due while the writes go on.
  std::thread firing([&] {
    while (writers_left > 0) Fire(Hanoi(2024, 9, 20, 8));
  });
  leaving->Join();
  std::vector<int64_t> b_ids = leaving->ids();
  ASSERT_EQ(b_ids.size(), 40u);
  b.ctx->TryCancel();
  v1::WatchAlertsResponse ignored;
  while (b.reader->Read(&ignored)) {
  }
  b.reader->Finish();
  Stream resumed = Watch(kAdmin, b_ids.back(), /*heartbeat=*/1);
  StreamReader rest(&resumed, b_ids.back(), SIZE_MAX);

  for (std::thread& t : writers) t.join();
  firing.join();
  Fire(Hanoi(2024, 9, 20, 8));
  ASSERT_TRUE(services_->deps().log.Seal(kNow).ok());

  // What the server holds: one ASSIGNED and six ladder alerts per item
  // (the fixture's own item included), numbered 1..N without a gap.
  constexpr size_t kTotal = (kWriters * kEach + 1) * 7;
  store::AlertFilter all;
  all.limit = 100000;
  auto held = services_->deps().alerts.ListAlerts(std::nullopt, all);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), kTotal);
  std::vector<int64_t> expected;
  for (const store::Alert& x : *held) expected.push_back(x.id);
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(expected[i], static_cast<int64_t>(i + 1));
  }

  live.SetTarget(kTotal);
  rest.SetTarget(kTotal - b_ids.size());
  // Heartbeats (every second of the fake clock) wake readers that already
  // have everything.
  for (int i = 0; i < 3; ++i) clock_.Advance(absl::Seconds(2));
  live.Join();
  rest.Join();
  EXPECT_EQ(live.ids(), expected);
  std::vector<int64_t> joined = b_ids;
  for (int64_t id : rest.ids()) joined.push_back(id);
  EXPECT_EQ(joined, expected);
  EXPECT_EQ(live.bad_heartbeats(), 0);
  EXPECT_EQ(rest.bad_heartbeats(), 0);
  for (Stream* s : {&a, &resumed}) {
    s->ctx->TryCancel();
    while (s->reader->Read(&ignored)) {
    }
    s->reader->Finish();
  }
}

// Collects what a hub delivers; Wait blocks until `n` alerts arrived (or a
// minute passed: a lost alert fails the test instead of hanging it).
class CollectingSink : public alerts::AlertSink {
 public:
  void Deliver(const std::vector<store::Alert>& alerts) override {
    absl::MutexLock lock(&mu_);
    for (const auto& a : alerts) ids_.push_back(a.id);
  }
  void Heartbeat(int64_t, absl::Time) override {}
  void Changed(const std::vector<store::Change>&) override {}
  void Close(const absl::Status&) override {}
  std::vector<int64_t> Wait(size_t n) {
    absl::MutexLock lock(&mu_);
    const auto enough = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return ids_.size() >= n;
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(60));
    return ids_;
  }

 private:
  absl::Mutex mu_;
  std::vector<int64_t> ids_ ABSL_GUARDED_BY(mu_);
};

TEST_F(WatchTest, WatchersOnTwoReplicasSeeAnAlertFiredOnce) {
  // A second "server": its own pool, alert store and hub on the same
  // database.
  auto second_db = store::Db::Connect({db_->url(), 4});
  ASSERT_TRUE(second_db.ok());
  store::AlertStore second_store(second_db->get());
  alerts::AlertHub second_hub(db_->url(), &second_store, &clock_);
  second_hub.Start();
  CollectingSink on_first, on_second;
  alerts::Subscription sub;
  services_->hub().Subscribe(&on_first, sub);
  second_hub.Subscribe(&on_second, sub);
  EXPECT_EQ(on_first.Wait(1).size(), 1u);  // ASSIGNED, replayed
  EXPECT_EQ(on_second.Wait(1).size(), 1u);
  // Both schedulers race; one fires.
  int a = 0, b = 0;
  std::thread t1([&] { a = Fire(Hanoi(2024, 8, 28, 8)); });
  std::thread t2([&] { b = *second_store.FireDue(Hanoi(2024, 8, 28, 8)); });
  t1.join();
  t2.join();
  EXPECT_EQ(a + b, 1);
  const std::vector<int64_t> first = on_first.Wait(2);
  const std::vector<int64_t> second = on_second.Wait(2);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.size(), 2u);
  services_->hub().Unsubscribe(&on_first);
  second_hub.Unsubscribe(&on_second);
  second_hub.Stop();
}

TEST_F(WatchTest, ManyWatchersSplitAcrossFanOutThreadsGetEveryAlertOnce) {
  // More live subscribers than one thread serves alone, handed out by
  // three threads whatever this machine's cores; some filter by kind.
  auto second_db = store::Db::Connect({db_->url(), 4});
  ASSERT_TRUE(second_db.ok());
  store::AlertStore second_store(second_db->get());
  alerts::AlertHub hub(db_->url(), &second_store, &clock_, 3);
  hub.Start();
  constexpr int kAll = 900, kDueSoonOnly = 300;
  std::vector<std::unique_ptr<CollectingSink>> all(kAll),
      due_soon(kDueSoonOnly);
  alerts::Subscription every;
  alerts::Subscription filtered;
  filtered.kinds = {core::AlertKind::kDueSoon};
  for (auto& s : all) {
    s = std::make_unique<CollectingSink>();
    hub.Subscribe(s.get(), every);
  }
  for (auto& s : due_soon) {
    s = std::make_unique<CollectingSink>();
    hub.Subscribe(s.get(), filtered);
  }
  for (auto& s : all) ASSERT_EQ(s->Wait(1).size(), 1u);  // ASSIGNED, replayed
  ASSERT_EQ(Fire(Hanoi(2024, 8, 28, 8)), 1);             // DUE_SOON_7, live
  const int more = Fire(Hanoi(2024, 9, 20, 8));          // the rest at once
  ASSERT_GE(more, 3);
  v1::ListAlertsRequest req;
  v1::ListAlertsResponse listed;
  ASSERT_TRUE(alerts_->ListAlerts(As(kAdmin).get(), req, &listed).ok());
  std::vector<int64_t> expected, expected_due_soon;
  for (const v1::Alert& a : listed.alerts()) {
    expected.push_back(a.id());
    if (a.kind() == v1::ALERT_KIND_DUE_SOON)
      expected_due_soon.push_back(a.id());
  }
  ASSERT_EQ(expected.size(), static_cast<size_t>(2 + more));
  ASSERT_GE(expected_due_soon.size(), 2u);
  for (auto& s : all) EXPECT_EQ(s->Wait(expected.size()), expected);
  for (auto& s : due_soon) {
    EXPECT_EQ(s->Wait(expected_due_soon.size()), expected_due_soon);
  }
  for (auto& s : all) hub.Unsubscribe(s.get());
  for (auto& s : due_soon) hub.Unsubscribe(s.get());
  hub.Stop();
}

}  // namespace
}  // namespace pqtrack::api
