// Routing, the reply workflow, merges, search, history and the audit chain
// over the in-process channel on a real PostgreSQL.
#include <algorithm>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/common/dates.h"
#include "services/core/inbox.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class WorkflowTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
    CreateUnit("PC", "BNV", v1::UNIT_KIND_DEPARTMENT);
    CreateUnit("EXT", "", v1::UNIT_KIND_EXTERNAL_AGENCY);
    liaison_ = UserToken("liaison", v1::ROLE_LIAISON, "");
    leader_ = UserToken("tl.leader", v1::ROLE_LEADER, "TL");
    responder_ = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
    coordinator_ = UserToken("ccvc.resp", v1::ROLE_RESPONDER, "CCVC");
  }

  void CreateRule(const std::string& name, std::vector<std::string> words,
                  const std::string& lead, const std::string& coord,
                  int position = 0) {
    v1::CreateRuleRequest req;
    req.mutable_rule()->set_name(name);
    req.mutable_rule()->set_position(position);
    for (auto& w : words) req.mutable_rule()->add_words(w);
    req.mutable_rule()->set_lead_unit_code(lead);
    if (!coord.empty()) req.mutable_rule()->add_coordinating_unit_codes(coord);
    v1::CreateRuleResponse resp;
    const grpc::Status st = routing_->CreateRule(As(kAdmin).get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  v1::Item RecordPetition(const std::string& rid, const std::string& title,
                          const std::string& delegation,
                          const std::string& lead = "",
                          v1::RecordItemResponse* out = nullptr) {
    v1::RecordItemRequest req = Petition(rid, lead);
    req.mutable_item()->set_title(title);
    req.mutable_item()->mutable_petition()->set_delegations(0, delegation);
    v1::RecordItemResponse resp;
    const grpc::Status st = Record(req, &resp, liaison_);
    EXPECT_TRUE(st.ok()) << st.error_message();
    if (out != nullptr) *out = resp;
    return resp.item();
  }

  // GetItem reads an item in one statement; ListItems fills the same
  // extras (coordination, merges, drafts) for a page at once. Both must
  // give the same item.
  void ExpectGetMatchesList(int64_t id) {
    v1::ListItemsRequest req;
    req.set_page_size(100);
    v1::ListItemsResponse resp;
    ASSERT_TRUE(items_->ListItems(As(kAdmin).get(), req, &resp).ok());
    const v1::Item got = Get(id);
    bool found = false;
    for (const v1::Item& listed : resp.items()) {
      if (listed.id() != id) continue;
      found = true;
      EXPECT_TRUE(
          google::protobuf::util::MessageDifferencer::Equals(got, listed))
          << "GetItem:\n"
          << got.DebugString() << "ListItems:\n"
          << listed.DebugString();
    }
    EXPECT_TRUE(found) << "item " << id << " not listed";
  }

  grpc::Status SaveDraft(const std::string& token, const v1::Item& it,
                         const std::string& text, v1::Item* out = nullptr) {
    v1::SaveDraftRequest req;
    req.set_item_id(it.id());
    req.set_version(it.version());
    req.set_text(text);
    v1::SaveDraftResponse resp;
    const grpc::Status st = workflow_->SaveDraft(As(token).get(), req, &resp);
    if (out != nullptr && st.ok()) *out = resp.item();
    return st;
  }

  template <typename Req, typename Resp>
  grpc::Status Move(grpc::Status (v1::WorkflowService::Stub::*method)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const std::string& token, Req req, v1::Item* item) {
    req.set_item_id(item->id());
    req.set_version(item->version());
    Resp resp;
    const grpc::Status st = ((*workflow_).*method)(As(token).get(), req, &resp);
    if (st.ok()) *item = resp.item();
    return st;
  }

  v1::SendResponseRequest Answer(v1::Outcome outcome,
                                 v1::OutcomeDetail detail) {
    v1::SendResponseRequest req;
    req.set_document_number("456/BNV-TL");
    req.set_signer("Thứ trưởng Nguyễn Văn X");
    *req.mutable_sent_on() = D(2024, 10, 30);
    // No text: the approved draft's is sent.
    req.set_outcome(outcome);
    req.set_outcome_detail(detail);
    return req;
  }

  // What ListAllowedMoves offers `token` on item `id`; the codes it may
  // give input for go to `input_units`.
  std::vector<v1::WorkflowMove> Allowed(
      const std::string& token, int64_t id,
      std::vector<std::string>* input_units = nullptr) {
    v1::ListAllowedMovesRequest req;
    req.set_item_id(id);
    v1::ListAllowedMovesResponse resp;
    const grpc::Status st =
        workflow_->ListAllowedMoves(As(token).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.version(), Get(id).version());
    if (input_units != nullptr) {
      input_units->assign(resp.input_unit_codes().begin(),
                          resp.input_unit_codes().end());
    }
    std::vector<v1::WorkflowMove> out;
    for (int m : resp.moves()) out.push_back(static_cast<v1::WorkflowMove>(m));
    return out;
  }

  std::vector<std::string> HistoryKinds(int64_t id,
                                        std::vector<std::string>* actors) {
    v1::GetItemHistoryRequest req;
    req.set_id(id);
    v1::GetItemHistoryResponse resp;
    EXPECT_TRUE(items_->GetItemHistory(As(liaison_).get(), req, &resp).ok());
    std::vector<std::string> kinds;
    for (const auto& e : resp.events()) {
      kinds.push_back(e.kind());
      if (actors != nullptr) actors->push_back(e.actor_login());
    }
    return kinds;
  }

  std::string liaison_, leader_, responder_, coordinator_;
};

TEST_F(WorkflowTest, PetitionFromRoutingToAnInResolutionAnswer) {
  CreateRule("Lương", {"tien luong"}, "TL", "CCVC");
  v1::RecordItemResponse recorded;
  v1::Item it = RecordPetition("req-00000001", "Kiến nghị về TIỀN LƯƠNG",
                               "Hà Nội", "", &recorded);
  EXPECT_EQ(it.status(), v1::ITEM_STATUS_ASSIGNED);
  EXPECT_EQ(it.lead_unit_code(), "TL");
  ASSERT_EQ(it.coordination_size(), 1);
  EXPECT_EQ(it.coordination(0).unit_code(), "CCVC");
  EXPECT_EQ(it.coordination(0).state(), v1::COORDINATION_STATE_OPEN);
  EXPECT_GT(it.routed_by_rule_id(), 0);
  EXPECT_THAT(recorded.routing_reasons(),
              ElementsAre("title or text contains \"tien luong\""));

  // The moves each one is offered follow the status machine.
  EXPECT_THAT(Allowed(responder_, it.id()),
              ElementsAre(v1::WORKFLOW_MOVE_SAVE_DRAFT));
  EXPECT_THAT(
      Allowed(leader_, it.id()),
      ElementsAre(v1::WORKFLOW_MOVE_TRANSFER, v1::WORKFLOW_MOVE_TRANSFER_OUT,
                  v1::WORKFLOW_MOVE_SAVE_DRAFT));
  std::vector<std::string> input_units;
  EXPECT_THAT(Allowed(coordinator_, it.id(), &input_units),
              ElementsAre(v1::WORKFLOW_MOVE_SUBMIT_INPUT));
  EXPECT_THAT(input_units, ElementsAre("CCVC"));
  EXPECT_THAT(Allowed(liaison_, it.id()),
              ElementsAre(v1::WORKFLOW_MOVE_ASSIGN, v1::WORKFLOW_MOVE_TRANSFER,
                          v1::WORKFLOW_MOVE_TRANSFER_OUT,
                          v1::WORKFLOW_MOVE_MERGE, v1::WORKFLOW_MOVE_EXTEND));
  {
    // Another unit's responder is not told the item exists.
    const std::string other = UserToken("pc.resp", v1::ROLE_RESPONDER, "PC");
    v1::ListAllowedMovesRequest req;
    req.set_item_id(it.id());
    v1::ListAllowedMovesResponse resp;
    EXPECT_EQ(
        workflow_->ListAllowedMoves(As(other).get(), req, &resp).error_code(),
        grpc::NOT_FOUND);
  }

  ASSERT_TRUE(SaveDraft(responder_, it, "Dự thảo 1", &it).ok());
  EXPECT_EQ(it.status(), v1::ITEM_STATUS_IN_PROGRESS);
  EXPECT_EQ(it.draft_count(), 1);
  EXPECT_THAT(Allowed(responder_, it.id()),
              ElementsAre(v1::WORKFLOW_MOVE_SAVE_DRAFT,
                          v1::WORKFLOW_MOVE_SUBMIT_RESPONSE));

  v1::SubmitCoordinationInputRequest input;
  input.set_text("Vụ CCVC thống nhất");
  ASSERT_TRUE(Move(&v1::WorkflowService::Stub::SubmitCoordinationInput,
                   coordinator_, input, &it)
                  .ok());
  EXPECT_EQ(it.coordination(0).state(), v1::COORDINATION_STATE_INPUT_SUBMITTED);
  EXPECT_EQ(it.coordination(0).text(), "Vụ CCVC thống nhất");
  EXPECT_TRUE(it.coordination(0).has_input_time());
  ExpectGetMatchesList(it.id());

  ASSERT_TRUE(Move(&v1::WorkflowService::Stub::SubmitResponse, responder_,
                   v1::SubmitResponseRequest(), &it)
                  .ok());
  EXPECT_EQ(it.status(), v1::ITEM_STATUS_PENDING_APPROVAL);
  EXPECT_THAT(Allowed(responder_, it.id()), ElementsAre());
  EXPECT_THAT(
      Allowed(leader_, it.id()),
      ElementsAre(v1::WORKFLOW_MOVE_TRANSFER, v1::WORKFLOW_MOVE_TRANSFER_OUT,
                  v1::WORKFLOW_MOVE_APPROVE, v1::WORKFLOW_MOVE_RETURN));

  // A responder cannot approve its own unit's draft.
  grpc::Status st = Move(&v1::WorkflowService::Stub::ApproveResponse,
                         responder_, v1::ApproveResponseRequest(), &it);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(st.error_message(), HasSubstr("is PENDING_APPROVAL"));

  v1::ReturnResponseRequest ret;
  ret.set_comment("Bổ sung số liệu");
  ASSERT_TRUE(
      Move(&v1::WorkflowService::Stub::ReturnResponse, leader_, ret, &it).ok());
  EXPECT_EQ(it.status(), v1::ITEM_STATUS_IN_PROGRESS);
  // "Returned to me": until the draft is submitted again.
  const auto returned_in_inbox = [&] {
    v1::ListInboxRequest req;
    req.set_returned(true);
    v1::ListInboxResponse resp;
    EXPECT_TRUE(workflow_->ListInbox(As(responder_).get(), req, &resp).ok());
    EXPECT_EQ(resp.counts().returned(), resp.total());
    std::vector<int64_t> ids;
    for (const auto& e : resp.entries()) ids.push_back(e.item().id());
    return ids;
  };
  EXPECT_TRUE(it.returned());
  EXPECT_THAT(returned_in_inbox(), ElementsAre(it.id()));
  ASSERT_TRUE(SaveDraft(responder_, it, "Dự thảo 2", &it).ok());
  EXPECT_TRUE(it.returned());
  EXPECT_TRUE(Get(it.id()).returned());
  ASSERT_TRUE(Move(&v1::WorkflowService::Stub::SubmitResponse, responder_,
                   v1::SubmitResponseRequest(), &it)
                  .ok());
  EXPECT_FALSE(it.returned());
  EXPECT_THAT(returned_in_inbox(), ElementsAre());
  // Not approved yet: cannot be sent.
  st = Move(&v1::WorkflowService::Stub::SendResponse, responder_,
            Answer(v1::OUTCOME_RESOLVED, v1::OUTCOME_DETAIL_IMPLEMENTATION),
            &it);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  ASSERT_TRUE(Move(&v1::WorkflowService::Stub::ApproveResponse, leader_,
                   v1::ApproveResponseRequest(), &it)
                  .ok());
  EXPECT_TRUE(it.approved());
  EXPECT_THAT(Allowed(responder_, it.id()),
              ElementsAre(v1::WORKFLOW_MOVE_SEND));
  EXPECT_FALSE(it.has_answer());

  v1::SendResponseRequest answer =
      Answer(v1::OUTCOME_IN_RESOLUTION, v1::OUTCOME_DETAIL_ROADMAP);
  st = Move(&v1::WorkflowService::Stub::SendResponse, responder_, answer, &it);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("roadmap: required"));
  answer.set_roadmap("Trình Chính phủ sửa Nghị định trong quý I/2025");
  *answer.mutable_expected_completion() = D(2025, 3, 31);
  // What goes out is what the leader approved: another text is refused,
  // and nothing changes.
  answer.set_text("Bộ Nội vụ trả lời như sau...");
  const int64_t before = it.version();
  st = Move(&v1::WorkflowService::Stub::SendResponse, responder_, answer, &it);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(st.error_message(), HasSubstr("differs from draft 2"));
  EXPECT_EQ(Get(it.id()).version(), before);
  EXPECT_EQ(Get(it.id()).status(), v1::ITEM_STATUS_PENDING_APPROVAL);
  // The same text as the draft's is accepted, as is none.
  answer.set_text("Dự thảo 2");
  ASSERT_TRUE(
      Move(&v1::WorkflowService::Stub::SendResponse, responder_, answer, &it)
          .ok());
  EXPECT_EQ(it.status(), v1::ITEM_STATUS_ANSWERED);
  EXPECT_EQ(it.follow_up_on().year(), 2025);
  EXPECT_EQ(it.follow_up_on().month(), 3);
  // The answer as sent, in the move's reply and in GetItem.
  for (const v1::Item& shown : {it, Get(it.id())}) {
    ASSERT_TRUE(shown.has_answer());
    const v1::SentAnswer& a = shown.answer();
    EXPECT_EQ(a.document_number(), "456/BNV-TL");
    EXPECT_EQ(a.signer(), "Thứ trưởng Nguyễn Văn X");
    EXPECT_EQ(a.sent_on().day(), 30);
    EXPECT_EQ(a.text(), "Dự thảo 2");
    EXPECT_EQ(a.outcome(), v1::OUTCOME_IN_RESOLUTION);
    EXPECT_EQ(a.outcome_detail(), v1::OUTCOME_DETAIL_ROADMAP);
    EXPECT_EQ(a.roadmap(), "Trình Chính phủ sửa Nghị định trong quý I/2025");
    EXPECT_EQ(a.expected_completion().month(), 3);
    EXPECT_EQ(a.draft_number(), 2);
    EXPECT_EQ(a.sender_login(), "tl.resp");
    EXPECT_TRUE(a.has_record_time());
  }
  // The follow-up can be drafted.
  EXPECT_THAT(Allowed(responder_, it.id()),
              ElementsAre(v1::WORKFLOW_MOVE_SAVE_DRAFT));

  // IN_RESOLUTION keeps it tracked: the lead unit may draft a follow-up,
  // but the same answer cannot be sent twice.
  st = Move(&v1::WorkflowService::Stub::SendResponse, responder_, answer, &it);
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(st.error_message(), HasSubstr("is ANSWERED"));

  std::vector<std::string> actors;
  EXPECT_THAT(HistoryKinds(it.id(), &actors),
              ElementsAre("RECORDED", "DRAFT_SAVED", "COORDINATION_INPUT",
                          "SUBMITTED", "RETURNED", "DRAFT_SAVED", "SUBMITTED",
                          "APPROVED", "ANSWERED"));
  EXPECT_THAT(actors, ElementsAre("liaison", "tl.resp", "ccvc.resp", "tl.resp",
                                  "tl.leader", "tl.resp", "tl.resp",
                                  "tl.leader", "tl.resp"));
  v1::ListDraftsRequest drafts;
  drafts.set_item_id(it.id());
  v1::ListDraftsResponse listed;
  ASSERT_TRUE(
      workflow_->ListDrafts(As(responder_).get(), drafts, &listed).ok());
  ASSERT_EQ(listed.drafts_size(), 2);
  EXPECT_EQ(listed.drafts(0).text(), "Dự thảo 2");
  EXPECT_EQ(listed.drafts(1).text(), "Dự thảo 1");
}

TEST_F(WorkflowTest, StaleVersionIsAbortedAndChangesNothing) {
  v1::Item it = RecordPetition("req-00000001", "Kiến nghị", "Huế", "TL");
  const v1::Item seen = it;
  ASSERT_TRUE(SaveDraft(responder_, seen, "first").ok());
  const grpc::Status st = SaveDraft(responder_, seen, "second");
  EXPECT_EQ(st.error_code(), grpc::ABORTED);
  EXPECT_THAT(st.error_message(), HasSubstr("is at version 2, not 1"));
  EXPECT_EQ(Get(it.id()).draft_count(), 1);
}

TEST_F(WorkflowTest, TwoRespondersSavingAtOnceOneWinsOneIsTold) {
  const v1::Item it = RecordPetition("req-00000001", "Kiến nghị", "Huế", "TL");
  const std::string other = UserToken("tl.resp2", v1::ROLE_RESPONDER, "TL");
  grpc::Status a, b;
  std::thread t1([&] { a = SaveDraft(responder_, it, "A"); });
  std::thread t2([&] { b = SaveDraft(other, it, "B"); });
  t1.join();
  t2.join();
  EXPECT_NE(a.ok(), b.ok()) << a.error_message() << " / " << b.error_message();
  EXPECT_EQ((a.ok() ? b : a).error_code(), grpc::ABORTED);
  EXPECT_EQ(Get(it.id()).draft_count(), 1);
}

// Items that waited in triage before a rule existed are routed in one
// call, each on its own: a dry run first, then pages; a repeat does nothing
// more; named items go to named units; refusals are listed, not fatal.
TEST_F(WorkflowTest, BulkRoutingRoutesEachUnroutedItemOnItsOwn) {
  const v1::Item a =
      RecordPetition("req-00000011", "Tiền lương giáo viên", "Huế");
  const v1::Item b = RecordPetition("req-00000012", "Đất đai", "Huế");
  const v1::Item c = RecordPetition("req-00000013", "Tiền lương y tế", "Huế");
  ASSERT_EQ(a.status(), v1::ITEM_STATUS_RECEIVED);
  CreateRule("Tiền lương", {"tien luong"}, "TL", "CCVC");
  const auto route = [&](v1::RouteItemsRequest req, const std::string& token,
                         grpc::Status* st = nullptr) {
    v1::RouteItemsResponse all;
    for (;;) {
      v1::RouteItemsResponse resp;
      const grpc::Status s = routing_->RouteItems(As(token).get(), req, &resp);
      if (st != nullptr) *st = s;
      if (!s.ok()) break;
      all.mutable_results()->MergeFrom(resp.results());
      all.set_routed(all.routed() + resp.routed());
      all.set_no_rule(all.no_rule() + resp.no_rule());
      all.set_refused(all.refused() + resp.refused());
      if (resp.next_page_token().empty()) break;
      req.set_page_token(resp.next_page_token());
    }
    return all;
  };
  v1::RouteItemsRequest req;
  req.mutable_filter()->set_batch_id(batch_id_);
  req.set_dry_run(true);
  v1::RouteItemsResponse dry = route(req, liaison_);
  EXPECT_EQ(dry.routed(), 2);
  EXPECT_EQ(dry.no_rule(), 1);
  ASSERT_EQ(dry.results_size(), 3);
  EXPECT_EQ(dry.results(0).item_id(), c.id());  // newest first
  EXPECT_EQ(dry.results(0).lead_unit_code(), "TL");
  EXPECT_EQ(dry.results(0).rule_name(), "Tiền lương");
  EXPECT_THAT(dry.results(0).reasons(), ::testing::Not(::testing::IsEmpty()));
  EXPECT_EQ(dry.results(1).outcome(), v1::RouteItemsResponse::OUTCOME_NO_RULE);
  EXPECT_EQ(Get(a.id()).status(), v1::ITEM_STATUS_RECEIVED);  // unchanged

  req.set_dry_run(false);
  req.set_page_size(1);
  v1::RouteItemsResponse done = route(req, liaison_);
  EXPECT_EQ(done.routed(), 2);
  EXPECT_EQ(done.no_rule(), 1);
  const v1::Item routed = Get(a.id());
  EXPECT_EQ(routed.status(), v1::ITEM_STATUS_ASSIGNED);
  EXPECT_EQ(routed.lead_unit_code(), "TL");
  EXPECT_THAT(routed.coordinating_unit_codes(), ElementsAre("CCVC"));
  EXPECT_GT(routed.routed_by_rule_id(), 0);
  EXPECT_THAT(HistoryKinds(a.id(), nullptr),
              ElementsAre("RECORDED", "ASSIGNED"));
  // Repeating it is safe: what was routed is no longer unrouted.
  v1::RouteItemsResponse again = route(req, liaison_);
  EXPECT_EQ(again.routed(), 0);
  EXPECT_EQ(again.no_rule(), 1);

  // Named items to named units; one that does not exist is refused, and
  // the others go ahead.
  v1::RouteItemsRequest named;
  named.add_item_ids(b.id());
  named.add_item_ids(999999);
  named.set_lead_unit_code("PC");
  v1::RouteItemsResponse given = route(named, liaison_);
  EXPECT_EQ(given.routed(), 1);
  EXPECT_EQ(given.refused(), 1);
  EXPECT_THAT(given.results(1).error(), HasSubstr("NOT_FOUND"));
  EXPECT_EQ(Get(b.id()).lead_unit_code(), "PC");

  grpc::Status st;
  route(named, responder_, &st);
  EXPECT_EQ(st.error_code(), grpc::PERMISSION_DENIED);
  v1::RouteItemsRequest bad;
  bad.add_coordinating_unit_codes("CCVC");
  route(bad, liaison_, &st);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(),
              HasSubstr("coordinating_unit_codes: only with lead_unit_code"));
}

TEST_F(WorkflowTest, RulesAreTriedInOrder) {
  CreateRule("general", {"luong"}, "CCVC", "");
  CreateRule("specific", {"tien luong"}, "TL", "", /*position=*/1);
  v1::ListRulesResponse rules;
  ASSERT_TRUE(routing_->ListRules(As(liaison_).get(), {}, &rules).ok());
  ASSERT_EQ(rules.rules_size(), 2);
  EXPECT_EQ(rules.rules(0).name(), "specific");
  EXPECT_EQ(rules.rules(1).position(), 2);

  EXPECT_EQ(
      RecordPetition("req-00000001", "Tiền lương", "Huế").lead_unit_code(),
      "TL");
  EXPECT_EQ(RecordPetition("req-00000002", "Lương hưu", "Huế").lead_unit_code(),
            "CCVC");
  const v1::Item triage = RecordPetition("req-00000003", "Đất đai", "Huế");
  EXPECT_EQ(triage.status(), v1::ITEM_STATUS_RECEIVED);
  EXPECT_EQ(triage.lead_unit_code(), "");

  v1::PreviewRoutingRequest preview;
  preview.mutable_item()->set_kind(v1::ITEM_KIND_PETITION);
  preview.mutable_item()->set_title("chế độ TIEN LUONG");
  v1::PreviewRoutingResponse match;
  ASSERT_TRUE(
      routing_->PreviewRouting(As(liaison_).get(), preview, &match).ok());
  EXPECT_TRUE(match.matched());
  EXPECT_EQ(match.rule().name(), "specific");

  v1::DeleteRuleRequest del;
  del.set_id(rules.rules(0).id());
  v1::DeleteRuleResponse deleted;
  ASSERT_TRUE(routing_->DeleteRule(As(kAdmin).get(), del, &deleted).ok());
  ASSERT_TRUE(
      routing_->PreviewRouting(As(liaison_).get(), preview, &match).ok());
  EXPECT_EQ(match.rule().name(), "general");
  EXPECT_EQ(match.rule().position(), 1);
  v1::CreateRuleRequest bad;
  v1::CreateRuleResponse bad_resp;
  EXPECT_EQ(
      routing_->CreateRule(As(liaison_).get(), bad, &bad_resp).error_code(),
      grpc::PERMISSION_DENIED);
  EXPECT_EQ(routing_->CreateRule(As(kAdmin).get(), bad, &bad_resp).error_code(),
            grpc::INVALID_ARGUMENT);
}

TEST_F(WorkflowTest, MergeKeepsEverySourceAndUnmergeRestores) {
  v1::Item a =
      RecordPetition("req-00000001", "Tăng phụ cấp giáo viên", "Hà Nội", "TL");
  v1::RecordItemResponse recorded;
  v1::Item b = RecordPetition("req-00000002", "Tăng phụ cấp cho giáo viên",
                              "Nghệ An", "", &recorded);
  ASSERT_GE(recorded.similar_items_size(), 1);
  EXPECT_EQ(recorded.similar_items(0).id(), a.id());
  EXPECT_GT(recorded.similar_items(0).score(), 0.3);

  v1::SuggestDuplicatesRequest suggest;
  suggest.set_item_id(a.id());
  v1::SuggestDuplicatesResponse suggested;
  ASSERT_TRUE(
      items_->SuggestDuplicates(As(liaison_).get(), suggest, &suggested).ok());
  ASSERT_EQ(suggested.items_size(), 1);
  EXPECT_EQ(suggested.items(0).id(), b.id());

  v1::MergeItemsRequest merge;
  merge.set_target_id(a.id());
  merge.set_target_version(a.version());
  auto* dup = merge.add_duplicates();
  dup->set_id(b.id());
  dup->set_version(b.version());
  v1::MergeItemsResponse merged;
  EXPECT_EQ(
      workflow_->MergeItems(As(responder_).get(), merge, &merged).error_code(),
      grpc::PERMISSION_DENIED);
  ASSERT_TRUE(workflow_->MergeItems(As(liaison_).get(), merge, &merged).ok());
  EXPECT_THAT(merged.item().merged_item_ids(), ElementsAre(b.id()));
  EXPECT_THAT(merged.item().all_delegations(),
              UnorderedElementsAre("Hà Nội", "Nghệ An"));
  ExpectGetMatchesList(a.id());
  b = Get(b.id());
  EXPECT_EQ(b.status(), v1::ITEM_STATUS_DUPLICATE);
  EXPECT_EQ(b.merged_into(), a.id());

  v1::UnmergeItemRequest unmerge;
  unmerge.set_item_id(b.id());
  unmerge.set_version(b.version());
  v1::UnmergeItemResponse restored;
  ASSERT_TRUE(
      workflow_->UnmergeItem(As(liaison_).get(), unmerge, &restored).ok());
  EXPECT_EQ(restored.item().status(), v1::ITEM_STATUS_RECEIVED);
  EXPECT_EQ(restored.item().merged_into(), 0);
  a = Get(a.id());
  EXPECT_TRUE(a.merged_item_ids().empty());
  EXPECT_THAT(a.all_delegations(), ElementsAre("Hà Nội"));
  EXPECT_THAT(HistoryKinds(a.id(), nullptr),
              ElementsAre("RECORDED", "MERGED", "UNMERGED_FROM"));
  EXPECT_THAT(HistoryKinds(b.id(), nullptr),
              ElementsAre("RECORDED", "MERGED_INTO", "UNMERGED"));
}

TEST_F(WorkflowTest, TransfersWithdrawalsAndForbiddenMoves) {
  v1::Item it = RecordPetition("req-00000001", "Kiến nghị", "Huế", "TL");
  v1::TransferItemRequest transfer;
  transfer.set_to_unit_code("CCVC");
  transfer.set_reason("thuộc lĩnh vực công chức");
  EXPECT_EQ(
      Move(&v1::WorkflowService::Stub::TransferItem, responder_, transfer, &it)
          .error_code(),
      grpc::PERMISSION_DENIED);
  ASSERT_TRUE(
      Move(&v1::WorkflowService::Stub::TransferItem, leader_, transfer, &it)
          .ok());
  EXPECT_EQ(it.lead_unit_code(), "CCVC");
  // TL no longer sees it.
  v1::GetItemRequest get;
  get.set_id(it.id());
  v1::GetItemResponse got;
  EXPECT_EQ(items_->GetItem(As(responder_).get(), get, &got).error_code(),
            grpc::NOT_FOUND);

  transfer.set_to_unit_code("EXT");
  transfer.set_reason("không thuộc thẩm quyền");
  transfer.set_clock(v1::CLOCK_RULE_PAUSE);
  ASSERT_TRUE(
      Move(&v1::WorkflowService::Stub::TransferItem, liaison_, transfer, &it)
          .ok());
  EXPECT_EQ(it.status(), v1::ITEM_STATUS_TRANSFERRED_OUT);
  EXPECT_EQ(it.transferred_to_code(), "EXT");
  const grpc::Status st = SaveDraft(coordinator_, it, "x");
  EXPECT_EQ(st.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_THAT(st.error_message(), HasSubstr("is TRANSFERRED_OUT"));

  v1::WithdrawItemRequest withdraw;
  withdraw.set_reason("rút");
  v1::Item petition = RecordPetition("req-00000002", "Khác", "Huế", "TL");
  EXPECT_EQ(Move(&v1::WorkflowService::Stub::WithdrawItem, liaison_, withdraw,
                 &petition)
                .error_code(),
            grpc::FAILED_PRECONDITION);
  v1::RecordItemRequest q;
  q.set_request_id("req-00000003");
  q.mutable_item()->set_kind(v1::ITEM_KIND_QUESTION);
  q.mutable_item()->set_title("Chất vấn");
  q.mutable_item()->set_session_id(session_id_);
  *q.mutable_item()->mutable_received_on() = D(2024, 10, 30);
  auto* qd = q.mutable_item()->mutable_question();
  qd->set_deputy_name("Nguyễn Văn A");
  qd->set_delegation("Long An");
  qd->set_addressee("Bộ trưởng");
  qd->set_form(v1::QUESTION_FORM_WRITTEN);
  *qd->mutable_asked_on() = D(2024, 10, 29);
  v1::RecordItemResponse qr;
  ASSERT_TRUE(Record(q, &qr, liaison_).ok());
  v1::Item question = qr.item();
  ASSERT_TRUE(Move(&v1::WorkflowService::Stub::WithdrawItem, liaison_, withdraw,
                   &question)
                  .ok());
  EXPECT_EQ(question.status(), v1::ITEM_STATUS_WITHDRAWN);

  // Assigning needs the office; unknown units are named.
  v1::AssignItemRequest assign;
  assign.set_lead_unit_code("NOPE");
  v1::Item triage = RecordPetition("req-00000004", "Đất", "Huế");
  EXPECT_EQ(
      Move(&v1::WorkflowService::Stub::AssignItem, leader_, assign, &triage)
          .error_code(),
      grpc::NOT_FOUND);  // a leader does not even see an unassigned item
  const grpc::Status unknown =
      Move(&v1::WorkflowService::Stub::AssignItem, liaison_, assign, &triage);
  EXPECT_EQ(unknown.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(unknown.error_message(), HasSubstr("lead_unit_code: no unit"));
  assign.set_lead_unit_code("TL");
  auto* c = assign.add_coordinating_units();
  c->set_unit_code("PC");
  *c->mutable_due_on() = D(2024, 8, 10);
  ASSERT_TRUE(
      Move(&v1::WorkflowService::Stub::AssignItem, liaison_, assign, &triage)
          .ok());
  EXPECT_EQ(triage.status(), v1::ITEM_STATUS_ASSIGNED);
  EXPECT_EQ(triage.coordination(0).due_on().day(), 10);
}

TEST_F(WorkflowTest, SearchIgnoresDiacriticsAndScope) {
  RecordPetition("req-00000001", "Cải cách tiền lương khu vực công", "Huế",
                 "TL");
  RecordPetition("req-00000002", "Tinh giản biên chế", "Huế", "CCVC");
  v1::SearchItemsRequest req;
  req.set_query("CAI CACH tien luong");
  v1::SearchItemsResponse resp;
  ASSERT_TRUE(items_->SearchItems(As(liaison_).get(), req, &resp).ok());
  ASSERT_EQ(resp.hits_size(), 1);
  EXPECT_EQ(resp.hits(0).item().title(), "Cải cách tiền lương khu vực công");
  req.set_query("biên chế");
  ASSERT_TRUE(items_->SearchItems(As(responder_).get(), req, &resp).ok());
  EXPECT_EQ(resp.hits_size(), 0);  // CCVC's item is not TL's
  req.set_query("");
  EXPECT_EQ(items_->SearchItems(As(liaison_).get(), req, &resp).error_code(),
            grpc::INVALID_ARGUMENT);
}

// Officers search by a document's number and sender, not only by words of
// the title: the document whose number it is comes first, marked; pages
// follow by keyset, each hit once.
TEST_F(WorkflowTest, SearchFindsReferencesExactFirstAndPagesByKeyset) {
  const auto document = [&](const std::string& rid, const std::string& title,
                            const std::string& number) {
    v1::RecordItemRequest req;
    req.set_request_id(rid);
    v1::Item* it = req.mutable_item();
    it->set_kind(v1::ITEM_KIND_DOCUMENT);
    it->set_title(title);
    *it->mutable_received_on() = D(2024, 10, 28);
    it->set_lead_unit_code("TL");
    it->mutable_document()->set_sender("UBND tỉnh Nam Định");
    it->mutable_document()->set_document_number(number);
    *it->mutable_document()->mutable_document_date() = D(2024, 10, 25);
    it->mutable_document()->set_requires_response(true);
    v1::RecordItemResponse resp;
    EXPECT_TRUE(Record(req, &resp, liaison_).ok());
    return resp.item().id();
  };
  const int64_t it =
      document("req-00000021", "Xin ý kiến về phụ cấp", "321/UBND-NV");
  const int64_t mention =
      document("req-00000022", "Nhắc lại công văn 321/UBND-NV về phụ cấp",
               "400/UBND-NV");
  v1::SearchItemsRequest req;
  req.set_query("321/ubnd-nv ");
  v1::SearchItemsResponse resp;
  ASSERT_TRUE(items_->SearchItems(As(liaison_).get(), req, &resp).ok());
  ASSERT_GE(resp.hits_size(), 1);
  EXPECT_EQ(resp.hits(0).item().id(), it);
  EXPECT_TRUE(resp.hits(0).exact_reference());
  for (int i = 1; i < resp.hits_size(); ++i) {
    EXPECT_FALSE(resp.hits(i).exact_reference());
    EXPECT_EQ(resp.hits(i).item().id(), mention);
  }
  req.set_query("nam dinh");  // the sender, without diacritics
  ASSERT_TRUE(items_->SearchItems(As(liaison_).get(), req, &resp).ok());
  EXPECT_EQ(resp.hits_size(), 2);

  for (int i = 0; i < 5; ++i) {
    RecordPetition(absl::StrCat("req-0000003", i),
                   absl::StrCat("Chế độ tiền lương ", i), "Huế", "TL");
  }
  req.set_query("tien luong");
  req.set_page_size(2);
  std::set<int64_t> seen;
  int pages = 0;
  for (;;) {
    ASSERT_TRUE(items_->SearchItems(As(liaison_).get(), req, &resp).ok());
    ++pages;
    for (const auto& h : resp.hits()) {
      EXPECT_TRUE(seen.insert(h.item().id()).second) << h.item().id();
      EXPECT_TRUE(h.item().has_due_on());
    }
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(pages, 3);
  // A token from another search is refused.
  req.set_query("phu cap");
  EXPECT_EQ(items_->SearchItems(As(liaison_).get(), req, &resp).error_code(),
            grpc::INVALID_ARGUMENT);
}

TEST_F(WorkflowTest, TamperedEventIsDetected) {
  v1::Item it = RecordPetition("req-00000001", "Kiến nghị", "Huế", "TL");
  ASSERT_TRUE(SaveDraft(responder_, it, "draft", &it).ok());
  v1::VerifyAuditChainResponse report;
  ASSERT_TRUE(admin_->VerifyAuditChain(As(kAdmin).get(), {}, &report).ok());
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.events_checked(), 2);
  EXPECT_EQ(
      admin_->VerifyAuditChain(As(liaison_).get(), {}, &report).error_code(),
      grpc::PERMISSION_DENIED);
  int64_t first = 0;
  {
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    first = w.exec("SELECT min(id) FROM events")[0][0].as<int64_t>();
    w.exec("ALTER TABLE events DISABLE TRIGGER events_append_only");
    w.exec_params(
        "UPDATE events SET after = jsonb_set(after, '{title}', '\"X\"')"
        " WHERE id = $1",
        first);
    w.exec("ALTER TABLE events ENABLE TRIGGER events_append_only");
    w.commit();
  }
  ASSERT_TRUE(admin_->VerifyAuditChain(As(kAdmin).get(), {}, &report).ok());
  EXPECT_FALSE(report.intact());
  EXPECT_EQ(report.first_broken_event_id(), first);
  EXPECT_THAT(report.problem(), HasSubstr("no longer matches its hash"));
}

TEST_F(WorkflowTest, BadWorkflowInputNamesTheField) {
  v1::SaveDraftRequest draft;
  v1::SaveDraftResponse draft_resp;
  grpc::Status st =
      workflow_->SaveDraft(As(responder_).get(), draft, &draft_resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("item_id: required"));
  EXPECT_THAT(st.error_message(), HasSubstr("version: required"));
  EXPECT_THAT(st.error_message(), HasSubstr("text: required"));

  v1::Item a = RecordPetition("req-00000001", "Kiến nghị", "Huế", "TL");
  v1::RecordItemRequest doc;
  doc.set_request_id("req-00000002");
  doc.mutable_item()->set_kind(v1::ITEM_KIND_DOCUMENT);
  doc.mutable_item()->set_title("Công văn");
  *doc.mutable_item()->mutable_received_on() = D(2024, 10, 2);
  doc.mutable_item()->mutable_document()->set_sender("UBND");
  doc.mutable_item()->mutable_document()->set_document_number("1/UBND");
  *doc.mutable_item()->mutable_document()->mutable_document_date() =
      D(2024, 10, 1);
  doc.mutable_item()->mutable_document()->set_requires_response(true);
  v1::RecordItemResponse doc_resp;
  ASSERT_TRUE(Record(doc, &doc_resp, liaison_).ok());
  v1::MergeItemsRequest merge;
  merge.set_target_id(a.id());
  merge.set_target_version(a.version());
  auto* d = merge.add_duplicates();
  d->set_id(doc_resp.item().id());
  d->set_version(doc_resp.item().version());
  v1::MergeItemsResponse merged;
  st = workflow_->MergeItems(As(liaison_).get(), merge, &merged);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("only items of one kind"));
  d->set_id(a.id());
  st = workflow_->MergeItems(As(liaison_).get(), merge, &merged);
  EXPECT_THAT(st.error_message(), HasSubstr("is repeated or is the target"));

  v1::SendResponseRequest send =
      Answer(v1::OUTCOME_RESOLVED, v1::OUTCOME_DETAIL_EXPLANATION);
  send.set_item_id(a.id());
  send.set_version(a.version());
  send.clear_sent_on();
  v1::SendResponseResponse sent;
  st = workflow_->SendResponse(As(liaison_).get(), send, &sent);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("sent_on: required"));
  EXPECT_THAT(st.error_message(),
              HasSubstr("outcome_detail: EXPLANATION is not a kind of "
                        "RESOLVED"));
  // Nothing was written by any of these.
  EXPECT_EQ(Get(a.id()).version(), a.version());
}

TEST_F(WorkflowTest, CoordinatorCanDeclineWithAReason) {
  v1::Item it = RecordPetition("req-00000001", "Kiến nghị", "Huế", "TL");
  v1::AssignItemRequest assign;
  assign.set_lead_unit_code("TL");
  assign.add_coordinating_units()->set_unit_code("CCVC");
  ASSERT_TRUE(
      Move(&v1::WorkflowService::Stub::AssignItem, liaison_, assign, &it).ok());
  v1::SubmitCoordinationInputRequest decline;
  decline.set_text("Không thuộc chức năng của Vụ");
  decline.set_decline(true);
  ASSERT_TRUE(Move(&v1::WorkflowService::Stub::SubmitCoordinationInput,
                   coordinator_, decline, &it)
                  .ok());
  EXPECT_EQ(it.coordination(0).state(), v1::COORDINATION_STATE_DECLINED);
  EXPECT_EQ(it.coordination(0).text(), "Không thuộc chức năng của Vụ");
  // The lead unit is not a coordinating unit.
  EXPECT_EQ(Move(&v1::WorkflowService::Stub::SubmitCoordinationInput,
                 responder_, decline, &it)
                .error_code(),
            grpc::PERMISSION_DENIED);
}

// ListInbox filters and pages in SQL; every page put together must be
// core::BuildInbox over the subtree's visible open items, in its order.
TEST_F(WorkflowTest, InboxPagesAndFiltersAsCoreBuildsIt) {
  // TL's subtree leads some, TL1 others; CCVC leads some with TL
  // coordinating; some have no TL part at all. Due dates repeat, so the
  // order falls back on ids across page ends.
  for (int i = 0; i < 14; ++i) {
    v1::RecordItemRequest req =
        Petition(absl::StrCat("inbox-req-", i), i % 3 == 0   ? "TL"
                                                : i % 3 == 1 ? "TL1"
                                                             : "CCVC");
    *req.mutable_item()->mutable_received_on() = D(2024, 8, 1 + i % 4);
    if (i % 3 == 2 && i % 2 == 0) {
      req.mutable_item()->add_coordinating_unit_codes("TL");
    }
    if (i == 4) req.mutable_item()->add_coordinating_unit_codes("CCVC");
    ASSERT_TRUE(Record(req).ok()) << i;
  }
  // Answered or still unassigned items are in no inbox.
  ASSERT_TRUE(Record(Petition("inbox-unrouted")).ok());
  clock_.Set(
      absl::FromCivil(absl::CivilHour(2024, 10, 1, 9), MinistryTimeZone()));
  const core::Day today(2024, 10, 1);

  core::ItemFilter open;
  open.statuses = {core::ItemStatus::kAssigned, core::ItemStatus::kInProgress,
                   core::ItemStatus::kPendingApproval};
  core::PageRequest all;
  all.size = 500;
  bool more = false;
  auto visible = services_->deps().items.ListItems("TL", open, all, &more);
  ASSERT_TRUE(visible.ok());
  const std::vector<core::InboxEntry> expected = core::BuildInbox(
      *visible, {"TL", "TL1"}, today, core::DueSoonDays(core::Ladder{}));
  ASSERT_GE(expected.size(), 9u);

  const auto read_all = [&](v1::ListInboxRequest req, int* total) {
    std::vector<v1::InboxEntry> got;
    for (int pages = 0; pages < 100; ++pages) {
      v1::ListInboxResponse resp;
      const grpc::Status st =
          workflow_->ListInbox(As(responder_).get(), req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) break;
      *total = resp.total();
      for (const auto& e : resp.entries()) got.push_back(e);
      if (resp.next_page_token().empty()) break;
      EXPECT_EQ(resp.entries_size(), req.page_size());
      req.set_page_token(resp.next_page_token());
    }
    return got;
  };
  const auto same = [](const std::vector<v1::InboxEntry>& got,
                       const std::vector<core::InboxEntry>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < got.size(); ++k) {
      EXPECT_EQ(got[k].item().id(), want[k].item.id) << k;
      EXPECT_EQ(got[k].role() == v1::INBOX_ROLE_LEAD, want[k].lead) << k;
      EXPECT_EQ(got[k].unit_code(), want[k].unit_code) << k;
      EXPECT_EQ(got[k].days_left(), want[k].days_left) << k;
      EXPECT_EQ(static_cast<int>(got[k].timeliness()),
                static_cast<int>(want[k].timeliness))
          << k;
      EXPECT_EQ(got[k].item().title(), want[k].item.title) << k;
    }
  };

  v1::ListInboxRequest req;
  req.set_page_size(4);
  int total = 0;
  same(read_all(req, &total), expected);
  EXPECT_EQ(total, static_cast<int>(expected.size()));

  // The counts beside the views, whatever the role filter asks.
  const auto count = [&](auto pred) {
    return static_cast<int>(
        std::count_if(expected.begin(), expected.end(), pred));
  };
  const auto timely = [](core::Timeliness t) {
    return [t](const core::InboxEntry& e) { return e.timeliness == t; };
  };
  for (const v1::InboxRole role :
       {v1::INBOX_ROLE_UNSPECIFIED, v1::INBOX_ROLE_COORDINATING}) {
    v1::ListInboxRequest ask;
    ask.set_role(role);
    v1::ListInboxResponse resp;
    ASSERT_TRUE(workflow_->ListInbox(As(responder_).get(), ask, &resp).ok());
    const v1::InboxCounts& c = resp.counts();
    EXPECT_EQ(c.all(), static_cast<int>(expected.size()));
    EXPECT_EQ(c.lead(), count([](const auto& e) { return e.lead; }));
    EXPECT_EQ(c.coordinating(), count([](const auto& e) { return !e.lead; }));
    EXPECT_EQ(c.overdue(), count(timely(core::Timeliness::kOverdue)));
    EXPECT_EQ(c.due_today(), count(timely(core::Timeliness::kDueToday)));
    EXPECT_EQ(c.due_soon(), count(timely(core::Timeliness::kDueSoon)));
    EXPECT_EQ(c.pending_approval(), 0);
    EXPECT_EQ(c.returned(), 0);
  }
  // An empty page still carries the counts.
  v1::ListInboxRequest none;
  none.add_statuses(v1::ITEM_STATUS_PENDING_APPROVAL);
  v1::ListInboxResponse empty;
  ASSERT_TRUE(workflow_->ListInbox(As(responder_).get(), none, &empty).ok());
  EXPECT_EQ(empty.entries_size(), 0);
  EXPECT_EQ(empty.total(), 0);
  EXPECT_EQ(empty.counts().all(), static_cast<int>(expected.size()));

  // Coordinating only.
  req.set_role(v1::INBOX_ROLE_COORDINATING);
  std::vector<core::InboxEntry> coordinating;
  for (const auto& e : expected) {
    if (!e.lead) coordinating.push_back(e);
  }
  ASSERT_FALSE(coordinating.empty());
  same(read_all(req, &total), coordinating);
  EXPECT_EQ(total, static_cast<int>(coordinating.size()));

  // A token from other filters is refused; so is a status no inbox shows.
  v1::ListInboxRequest unfiltered;
  unfiltered.set_page_size(4);
  v1::ListInboxResponse first;
  ASSERT_TRUE(
      workflow_->ListInbox(As(responder_).get(), unfiltered, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  v1::ListInboxRequest other = req;  // the coordinating filter
  other.set_page_token(first.next_page_token());
  v1::ListInboxResponse refused;
  grpc::Status st = workflow_->ListInbox(As(responder_).get(), other, &refused);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("page_token"));
  other = v1::ListInboxRequest();
  other.add_statuses(v1::ITEM_STATUS_ANSWERED);
  st = workflow_->ListInbox(As(responder_).get(), other, &refused);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("statuses"));

  // By timeliness, on a day some are overdue and some not yet.
  clock_.Set(
      absl::FromCivil(absl::CivilHour(2024, 10, 1, 9), MinistryTimeZone()));
  req = v1::ListInboxRequest();
  req.set_page_size(3);
  req.add_timeliness(v1::TIMELINESS_DUE_SOON);
  req.add_timeliness(v1::TIMELINESS_DUE_TODAY);
  std::vector<core::InboxEntry> soon;
  for (const auto& e : expected) {
    if (e.timeliness == core::Timeliness::kDueSoon ||
        e.timeliness == core::Timeliness::kDueToday) {
      soon.push_back(e);
    }
  }
  ASSERT_FALSE(soon.empty());
  same(read_all(req, &total), soon);
}

}  // namespace
}  // namespace pqtrack::api
