// The services over an in-process gRPC channel on a real PostgreSQL.
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <pqxx/pqxx>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes.grpc.pb.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::HasSubstr;

class ApiTest : public ApiFixture {};

TEST_F(ApiTest, EveryRpcNeedsABearerToken) {
  for (const std::string token : {"", "not-a-real-token"}) {
    v1::ListTermsResponse terms;
    EXPECT_EQ(assembly_->ListTerms(As(token).get(), {}, &terms).error_code(),
              grpc::UNAUTHENTICATED);
    v1::ListUnitsResponse units;
    EXPECT_EQ(units_->ListUnits(As(token).get(), {}, &units).error_code(),
              grpc::UNAUTHENTICATED);
    v1::ListItemsResponse items;
    EXPECT_EQ(items_->ListItems(As(token).get(), {}, &items).error_code(),
              grpc::UNAUTHENTICATED);
    v1::WhoAmIResponse who;
    EXPECT_EQ(admin_->WhoAmI(As(token).get(), {}, &who).error_code(),
              grpc::UNAUTHENTICATED);
  }
  grpc::ClientContext basic;
  basic.AddMetadata("authorization", std::string("Basic ") + kAdmin);
  v1::WhoAmIResponse who;
  const grpc::Status st = admin_->WhoAmI(&basic, {}, &who);
  EXPECT_EQ(st.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_THAT(st.error_message(), HasSubstr("Bearer"));
  ASSERT_TRUE(admin_->WhoAmI(As(kAdmin).get(), {}, &who).ok());
  EXPECT_EQ(who.user().login(), "admin");
}

TEST_F(ApiTest, HealthNeedsNoToken) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(health->Check(&ctx, {}, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ApiTest, RolesAreEnforced) {
  Seed();
  const std::string responder = UserToken("resp", v1::ROLE_RESPONDER, "TL");
  const std::string leader = UserToken("lead", v1::ROLE_LEADER, "TL");
  const std::string service = UserToken("notifier", v1::ROLE_SERVICE, "");
  const std::string liaison = UserToken("liaison", v1::ROLE_LIAISON, "");
  const grpc::Status denied =
      Record(Petition("req-00000001", "TL"), nullptr, responder);
  EXPECT_EQ(denied.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(denied.error_message(), "role RESPONDER may not record items");
  EXPECT_TRUE(Record(Petition("req-00000002", "TL"), nullptr, liaison).ok());
  v1::CreateUnitRequest unit;
  unit.mutable_unit()->set_code("X");
  v1::CreateUnitResponse unit_resp;
  EXPECT_EQ(units_->CreateUnit(As(leader).get(), unit, &unit_resp).error_code(),
            grpc::PERMISSION_DENIED);
  v1::ListItemsResponse items;
  EXPECT_EQ(items_->ListItems(As(service).get(), {}, &items).error_code(),
            grpc::PERMISSION_DENIED);
  v1::ListUsersResponse users;
  EXPECT_EQ(admin_->ListUsers(As(liaison).get(), {}, &users).error_code(),
            grpc::PERMISSION_DENIED);
  v1::CreateTermRequest term;
  v1::CreateTermResponse term_resp;
  EXPECT_EQ(
      assembly_->CreateTerm(As(responder).get(), term, &term_resp).error_code(),
      grpc::PERMISSION_DENIED);
}

TEST_F(ApiTest, ResponderSeesOnlyItsSubtreeAndOthersAreNotFound) {
  Seed();
  v1::RecordItemResponse mine, theirs;
  ASSERT_TRUE(Record(Petition("req-00000001", "TL1"), &mine).ok());
  ASSERT_TRUE(Record(Petition("req-00000002", "CCVC"), &theirs).ok());
  const std::string responder = UserToken("resp", v1::ROLE_RESPONDER, "TL");
  v1::GetItemRequest get;
  get.set_id(mine.item().id());
  v1::GetItemResponse got;
  EXPECT_TRUE(items_->GetItem(As(responder).get(), get, &got).ok());
  get.set_id(theirs.item().id());
  const grpc::Status hidden = items_->GetItem(As(responder).get(), get, &got);
  get.set_id(999999);
  const grpc::Status missing = items_->GetItem(As(responder).get(), get, &got);
  EXPECT_EQ(hidden.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(missing.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(hidden.error_message(),
            absl::StrCat("no item ", theirs.item().id()));
  v1::ListItemsResponse list;
  ASSERT_TRUE(items_->ListItems(As(responder).get(), {}, &list).ok());
  ASSERT_EQ(list.items_size(), 1);
  EXPECT_EQ(list.items(0).id(), mine.item().id());
}

TEST_F(ApiTest, RecordItemIsIdempotentByRequestId) {
  Seed();
  v1::RecordItemResponse first, again;
  ASSERT_TRUE(Record(Petition("req-00000001"), &first).ok());
  EXPECT_FALSE(first.replayed());
  ASSERT_TRUE(Record(Petition("req-00000001"), &again).ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.item().id(), first.item().id());
  v1::RecordItemRequest changed = Petition("req-00000001");
  changed.mutable_item()->set_title("Another title");
  const grpc::Status st = Record(changed);
  EXPECT_EQ(st.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_THAT(st.error_message(), HasSubstr("request_id:"));
  EXPECT_EQ(Count("items"), 1);
  EXPECT_EQ(Count("events"), 1);
}

TEST_F(ApiTest, DuplicateExternalReferenceIsAlreadyExists) {
  Seed();
  v1::RecordItemRequest a = Petition("req-00000001");
  a.mutable_item()->set_external_ref("KN-7");
  ASSERT_TRUE(Record(a).ok());
  v1::RecordItemRequest b = Petition("req-00000002");
  b.mutable_item()->set_external_ref("KN-7");
  EXPECT_EQ(Record(b).error_code(), grpc::ALREADY_EXISTS);
}

struct BadCase {
  const char* name;
  void (*mutate)(v1::RecordItemRequest&);
  const char* expected;
};

TEST_F(ApiTest, BadInputIsInvalidArgumentNamingFieldAndRuleAndWritesNothing) {
  Seed();
  const BadCase cases[] = {
      {"no request id", [](v1::RecordItemRequest& r) { r.clear_request_id(); },
       "request_id: required"},
      {"no item", [](v1::RecordItemRequest& r) { r.clear_item(); },
       "item: required"},
      {"kind unspecified",
       [](v1::RecordItemRequest& r) {
         r.mutable_item()->set_kind(v1::ITEM_KIND_UNSPECIFIED);
       },
       "item.kind: must be set"},
      {"unknown kind",
       [](v1::RecordItemRequest& r) {
         r.mutable_item()->set_kind(static_cast<v1::ItemKind>(77));
       },
       "item.kind: 77 is not a known value"},
      {"no title",
       [](v1::RecordItemRequest& r) { r.mutable_item()->clear_title(); },
       "item.title: required"},
      {"long title",
       [](v1::RecordItemRequest& r) {
         r.mutable_item()->set_title(std::string(501, 'x'));
       },
       "item.title: must be at most 500 characters (got 501)"},
      {"not a date",
       [](v1::RecordItemRequest& r) {
         *r.mutable_item()->mutable_received_on() = D(2023, 2, 29);
       },
       "item.received_on: 2023-2-29 is not a real calendar date"},
      {"future",
       [](v1::RecordItemRequest& r) {
         *r.mutable_item()->mutable_received_on() = D(2024, 11, 3);
       },
       "item.received_on: must not be after today"},
      {"no received",
       [](v1::RecordItemRequest& r) { r.mutable_item()->clear_received_on(); },
       "item.received_on: required"},
      {"missing batch",
       [](v1::RecordItemRequest& r) {
         r.mutable_item()->mutable_petition()->set_batch_id(4242);
       },
       "item.petition.batch_id: no batch 4242"},
      {"missing unit",
       [](v1::RecordItemRequest& r) {
         r.mutable_item()->set_lead_unit_code("NOPE");
       },
       "item.lead_unit_code: no unit \"NOPE\""},
      {"details for another kind",
       [](v1::RecordItemRequest& r) {
         r.mutable_item()->set_kind(v1::ITEM_KIND_TASK);
       },
       "item.details: required"},
      {"question form unspecified",
       [](v1::RecordItemRequest& r) {
         v1::Item* it = r.mutable_item();
         it->set_kind(v1::ITEM_KIND_QUESTION);
         it->mutable_question()->set_deputy_name("Đại biểu A");
       },
       "item.question.form: must be set"},
      {"invalid utf-8 in a text field",
       [](v1::RecordItemRequest& r) {
         r.mutable_item()->mutable_petition()->set_field("\xC3\x28");
       },
       "item.petition.field"},
  };
  for (const BadCase& c : cases) {
    v1::RecordItemRequest req = Petition("req-00000001");
    c.mutate(req);
    const grpc::Status st = Record(req);
    EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT)
        << c.name << ": " << st.error_message();
    EXPECT_THAT(st.error_message(), HasSubstr(c.expected)) << c.name;
  }
  EXPECT_EQ(Count("items"), 0);
  EXPECT_EQ(Count("events"), 0);
}

TEST_F(ApiTest, BadInputOnOtherServices) {
  Seed();
  v1::CreateSessionRequest s;
  s.set_term_code("XIV");
  s.set_number(1);
  s.set_kind(v1::SESSION_KIND_REGULAR);
  *s.mutable_opens_on() = D(2020, 1, 1);
  *s.mutable_closes_on() = D(2020, 1, 2);
  v1::CreateSessionResponse s_resp;
  grpc::Status st = assembly_->CreateSession(As(kAdmin).get(), s, &s_resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("term_code: no term \"XIV\""));
  s.set_term_code("XV");
  s.set_kind(v1::SESSION_KIND_UNSPECIFIED);
  st = assembly_->CreateSession(As(kAdmin).get(), s, &s_resp);
  EXPECT_THAT(st.error_message(), HasSubstr("kind: must be set"));

  v1::CreateBatchRequest b;
  b.set_session_id(999);
  b.set_phase(v1::BATCH_PHASE_BEFORE_SESSION);
  b.set_forwarding_body("Ban Dân nguyện");
  b.set_document_number("9/BDN");
  *b.mutable_received_on() = D(2024, 5, 1);
  v1::CreateBatchResponse b_resp;
  st = assembly_->CreateBatch(As(kAdmin).get(), b, &b_resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("session_id: no session 999"));

  v1::UpdateUnitRequest u;
  u.mutable_unit()->set_code("TL");
  u.add_update_mask("kind");
  v1::UpdateUnitResponse u_resp;
  st = units_->UpdateUnit(As(kAdmin).get(), u, &u_resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("update_mask: \"kind\" cannot be "
                                            "updated"));
  u.clear_update_mask();
  u.add_update_mask("name_en");
  u.mutable_unit()->set_name_en("Department of Salaries");
  ASSERT_TRUE(units_->UpdateUnit(As(kAdmin).get(), u, &u_resp).ok());
  EXPECT_EQ(u_resp.unit().name_en(), "Department of Salaries");
  EXPECT_EQ(u_resp.unit().name_vi(), "Đơn vị TL");
  u.mutable_unit()->set_code("NOPE");
  EXPECT_EQ(units_->UpdateUnit(As(kAdmin).get(), u, &u_resp).error_code(),
            grpc::NOT_FOUND);

  v1::CreateUserRequest user;
  user.mutable_user()->set_login("x");
  v1::CreateUserResponse user_resp;
  st = admin_->CreateUser(As(kAdmin).get(), user, &user_resp);
  EXPECT_THAT(st.error_message(), HasSubstr("user.login: must be 3-64"));
  EXPECT_THAT(st.error_message(), HasSubstr("user.role: must be set"));

  v1::ListItemsRequest list;
  list.set_page_size(1000);
  list.add_statuses(v1::ITEM_STATUS_UNSPECIFIED);
  v1::ListItemsResponse list_resp;
  st = items_->ListItems(As(kAdmin).get(), list, &list_resp);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("page_size: must be between"));
  EXPECT_THAT(st.error_message(), HasSubstr("statuses: must be set"));
}

TEST_F(ApiTest, PaginationAcrossPages) {
  Seed();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Record(Petition(absl::StrCat("req-0000000", i), "TL")).ok());
  }
  v1::ListItemsRequest req;
  req.set_lead_unit_code("TL");
  req.set_page_size(2);
  std::vector<int64_t> ids;
  int pages = 0;
  for (;;) {
    v1::ListItemsResponse resp;
    ASSERT_TRUE(items_->ListItems(As(kAdmin).get(), req, &resp).ok());
    ++pages;
    for (const auto& it : resp.items()) ids.push_back(it.id());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 5u);
  // A token sent with other filters is refused.
  v1::ListItemsRequest first = req;
  first.clear_page_token();
  v1::ListItemsResponse page1;
  ASSERT_TRUE(items_->ListItems(As(kAdmin).get(), first, &page1).ok());
  first.set_page_token(page1.next_page_token());
  first.set_lead_unit_code("CCVC");
  v1::ListItemsResponse wrong;
  const grpc::Status st = items_->ListItems(As(kAdmin).get(), first, &wrong);
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("page_token:"));
}

TEST_F(ApiTest, TokensAreShownOnceAndCanBeRevoked) {
  Seed();
  const std::string secret = UserToken("resp", v1::ROLE_RESPONDER, "TL");
  EXPECT_THAT(secret, ::testing::StartsWith("pqt_"));
  {
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    EXPECT_EQ(
        w.exec_params("SELECT count(*) FROM tokens WHERE secret_hash = $1",
                      secret)[0][0]
            .as<int>(),
        0);
  }
  v1::WhoAmIResponse who;
  ASSERT_TRUE(admin_->WhoAmI(As(secret).get(), {}, &who).ok());
  EXPECT_EQ(who.user().unit_code(), "TL");
  // A responder cannot revoke the admin's token, only its own.
  v1::ListTokensResponse admin_tokens;
  ASSERT_TRUE(admin_->ListTokens(As(kAdmin).get(), {}, &admin_tokens).ok());
  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(admin_tokens.tokens(0).id());
  v1::RevokeTokenResponse revoked;
  EXPECT_EQ(
      admin_->RevokeToken(As(secret).get(), revoke, &revoked).error_code(),
      grpc::NOT_FOUND);
  revoke.set_token_id(who.token_id());
  ASSERT_TRUE(admin_->RevokeToken(As(secret).get(), revoke, &revoked).ok());
  EXPECT_EQ(admin_->WhoAmI(As(secret).get(), {}, &who).error_code(),
            grpc::UNAUTHENTICATED);
}

TEST_F(ApiTest, ARevokedTokenIsRefusedOnEveryReplica) {
  Seed();
  const std::string secret = UserToken("resp", v1::ROLE_RESPONDER, "TL");
  // A second replica: its own pool, services and server on the database.
  auto second_db = store::Db::Connect({db_->url(), 4});
  ASSERT_TRUE(second_db.ok());
  ApiServices second(second_db->get(), &clock_);
  grpc::ServerBuilder builder;
  second.RegisterAll(builder);
  auto server = builder.BuildAndStart();
  second.StartStreams();
  auto on_second = v1::AdminService::NewStub(
      server->InProcessChannel(grpc::ChannelArguments()));
  // Once its listener is up, the second replica caches the token.
  Authenticator& auth = second.deps().auth;
  auth.AwaitListening(absl::Seconds(30));
  v1::WhoAmIResponse who;
  ASSERT_TRUE(on_second->WhoAmI(As(secret).get(), {}, &who).ok());
  const int64_t before = auth.notifications();
  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(who.token_id());
  v1::RevokeTokenResponse revoked;
  ASSERT_TRUE(admin_->RevokeToken(As(kAdmin).get(), revoke, &revoked).ok());
  // Refused at once on the replica that revoked it...
  EXPECT_EQ(admin_->WhoAmI(As(secret).get(), {}, &who).error_code(),
            grpc::UNAUTHENTICATED);
  // ...and on the other as soon as the NOTIFY arrives (not after the
  // cache lifetime: the fake clock does not move).
  auth.AwaitNotifications(before + 1, absl::Seconds(30));
  EXPECT_EQ(on_second->WhoAmI(As(secret).get(), {}, &who).error_code(),
            grpc::UNAUTHENTICATED);
  second.StopAll();
  server->Shutdown();
}

TEST_F(ApiTest, CachedTokensAreCheckedAgainAfterTheirLifetime) {
  Seed();
  const std::string secret = UserToken("resp", v1::ROLE_RESPONDER, "TL");
  v1::WhoAmIResponse who;
  // Wait for the listener: only then does the cache keep anything.
  services_->deps().auth.AwaitListening(absl::Seconds(30));
  ASSERT_TRUE(admin_->WhoAmI(As(secret).get(), {}, &who).ok());
  // Revoked behind pqtrack's back, with no NOTIFY: the cached principal
  // serves until its lifetime has passed, then the database says no.
  {
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    w.exec(
        "UPDATE tokens SET revoked_at = now()"
        " WHERE user_id = (SELECT id FROM users WHERE login = 'resp')");
    w.commit();
  }
  EXPECT_TRUE(admin_->WhoAmI(As(secret).get(), {}, &who).ok());
  clock_.Advance(absl::Seconds(11));
  EXPECT_EQ(admin_->WhoAmI(As(secret).get(), {}, &who).error_code(),
            grpc::UNAUTHENTICATED);
}

}  // namespace
}  // namespace pqtrack::api
