// The services over an in-process gRPC channel on a real PostgreSQL.
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <pqxx/pqxx>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "probes.grpc.pb.h"
#include "services/api/auth.h"
#include "services/api/services.h"
#include "services/common/clock.h"
#include "tests/testing/pg_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2024, 11, 2, 2, 0, 0),
                                        absl::UTCTimeZone());

v1::Date D(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::NewMigratedDb();
    ASSERT_NE(db_, nullptr);
    services_ = std::make_unique<ApiServices>(db_.get(), &clock_);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    services_->RegisterAll(builder);
    server_ = builder.BuildAndStart();
    channel_ = server_->InProcessChannel(grpc::ChannelArguments());
    assembly_ = v1::AssemblyService::NewStub(channel_);
    units_ = v1::UnitService::NewStub(channel_);
    items_ = v1::ItemService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);
    auto& users = services_->deps().users;
    ASSERT_TRUE(
        *users.BootstrapAdmin("admin", HashTokenSecret(kAdmin), true, kNow));
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    return ctx;
  }

  // Creates a user with `role` in `unit` and returns a token secret.
  std::string UserToken(const std::string& login, v1::Role role,
                        const std::string& unit) {
    v1::CreateUserRequest req;
    req.mutable_user()->set_login(login);
    req.mutable_user()->set_display_name(login);
    req.mutable_user()->set_role(role);
    req.mutable_user()->set_unit_code(unit);
    v1::CreateUserResponse resp;
    EXPECT_TRUE(admin_->CreateUser(As(kAdmin).get(), req, &resp).ok());
    v1::IssueTokenRequest treq;
    treq.set_user_login(login);
    v1::IssueTokenResponse tresp;
    EXPECT_TRUE(admin_->IssueToken(As(kAdmin).get(), treq, &tresp).ok());
    return tresp.secret();
  }

  void CreateUnit(const std::string& code, const std::string& parent,
                  v1::UnitKind kind) {
    v1::CreateUnitRequest req;
    req.mutable_unit()->set_code(code);
    req.mutable_unit()->set_name_vi("Đơn vị " + code);
    req.mutable_unit()->set_parent_code(parent);
    req.mutable_unit()->set_kind(kind);
    v1::CreateUnitResponse resp;
    const grpc::Status st = units_->CreateUnit(As(kAdmin).get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  void Seed() {
    CreateUnit("BNV", "", v1::UNIT_KIND_MINISTRY);
    CreateUnit("TL", "BNV", v1::UNIT_KIND_DEPARTMENT);
    CreateUnit("TL1", "TL", v1::UNIT_KIND_DIVISION);
    CreateUnit("CCVC", "BNV", v1::UNIT_KIND_DEPARTMENT);
    v1::CreateTermRequest term;
    term.mutable_term()->set_code("XV");
    term.mutable_term()->set_number(15);
    term.mutable_term()->set_start_year(2021);
    term.mutable_term()->set_end_year(2026);
    v1::CreateTermResponse term_resp;
    ASSERT_TRUE(assembly_->CreateTerm(As(kAdmin).get(), term, &term_resp).ok());
    v1::CreateSessionRequest s;
    s.set_term_code("XV");
    s.set_number(7);
    s.set_kind(v1::SESSION_KIND_REGULAR);
    *s.mutable_opens_on() = D(2024, 5, 20);
    *s.mutable_closes_on() = D(2024, 6, 29);
    v1::CreateSessionResponse s_resp;
    ASSERT_TRUE(assembly_->CreateSession(As(kAdmin).get(), s, &s_resp).ok());
    session_id_ = s_resp.session().id();
    v1::CreateBatchRequest b;
    b.set_session_id(session_id_);
    b.set_phase(v1::BATCH_PHASE_AFTER_SESSION);
    b.set_forwarding_body("Ban Dân nguyện");
    b.set_document_number("123/BDN");
    *b.mutable_received_on() = D(2024, 7, 20);
    v1::CreateBatchResponse b_resp;
    ASSERT_TRUE(assembly_->CreateBatch(As(kAdmin).get(), b, &b_resp).ok());
    batch_id_ = b_resp.batch().id();
  }

  v1::RecordItemRequest Petition(const std::string& rid,
                                 const std::string& lead = "") {
    v1::RecordItemRequest req;
    req.set_request_id(rid);
    v1::Item* it = req.mutable_item();
    it->set_kind(v1::ITEM_KIND_PETITION);
    it->set_title("Kiến nghị về tiền lương");
    *it->mutable_received_on() = D(2024, 7, 20);
    it->set_lead_unit_code(lead);
    it->mutable_petition()->set_batch_id(batch_id_);
    it->mutable_petition()->add_delegations("Hà Nội");
    it->mutable_petition()->set_field("Tiền lương");
    return req;
  }

  grpc::Status Record(const v1::RecordItemRequest& req,
                      v1::RecordItemResponse* resp = nullptr,
                      const std::string& token = kAdmin) {
    v1::RecordItemResponse ignored;
    return items_->RecordItem(As(token).get(), req, resp ? resp : &ignored);
  }

  int64_t Count(const std::string& table) {
    pqxx::connection c(db_->url());
    pqxx::work w(c);
    return w.exec("SELECT count(*) FROM " + table)[0][0].as<int64_t>();
  }

  static constexpr char kAdmin[] = "pqt_admin-secret-for-tests";
  FakeClock clock_{kNow};
  std::unique_ptr<store::Db> db_;
  std::unique_ptr<ApiServices> services_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AssemblyService::Stub> assembly_;
  std::unique_ptr<v1::UnitService::Stub> units_;
  std::unique_ptr<v1::ItemService::Stub> items_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  int64_t session_id_ = 0, batch_id_ = 0;
};

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

}  // namespace
}  // namespace pqtrack::api
