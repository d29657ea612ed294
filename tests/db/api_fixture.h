// Provides ApiFixture: the pqtrack services on an in-process channel over
// a fresh, migrated database, a fake clock at 2024-11-02 09:00 in Hanoi, an
// admin token, and helpers to create units, users and a petition batch.
#ifndef PQTRACK_TESTS_DB_API_FIXTURE_H_
#define PQTRACK_TESTS_DB_API_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pqtrack/v1/attachment.grpc.pb.h"
#include "pqtrack/v1/bulk.grpc.pb.h"
#include "pqtrack/v1/report.grpc.pb.h"
#include "services/api/auth.h"
#include "services/api/services.h"
#include "services/common/clock.h"
#include "tests/testing/pg_fixture.h"

namespace pqtrack::api {

inline const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2024, 11, 2, 2, 0, 0), absl::UTCTimeZone());

inline v1::Date D(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::NewMigratedDb();
    ASSERT_NE(db_, nullptr);
    services_ = std::make_unique<ApiServices>(db_.get(), &clock_);
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    services_->RegisterAll(builder);
    server_ = builder.BuildAndStart();
    services_->StartStreams();
    channel_ = server_->InProcessChannel(grpc::ChannelArguments());
    assembly_ = v1::AssemblyService::NewStub(channel_);
    units_ = v1::UnitService::NewStub(channel_);
    items_ = v1::ItemService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);
    workflow_ = v1::WorkflowService::NewStub(channel_);
    routing_ = v1::RoutingService::NewStub(channel_);
    bulk_ = v1::BulkService::NewStub(channel_);
    reports_ = v1::ReportService::NewStub(channel_);
    attachments_ = v1::AttachmentService::NewStub(channel_);
    auto& users = services_->deps().users;
    ASSERT_TRUE(
        *users.BootstrapAdmin("admin", HashTokenSecret(kAdmin), true, kNow));
  }

  void TearDown() override {
    if (services_) services_->StopStreams();
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

  // Imports `csv` through ImportItems, in chunks of `chunk` bytes (so rows
  // and UTF-8 sequences are split across messages).
  grpc::Status ImportCsv(const std::string& csv, v1::ImportItemsResponse* resp,
                         v1::ItemKind kind = v1::ITEM_KIND_PETITION,
                         bool skip_invalid = false,
                         const std::string& token = kAdmin, size_t chunk = 7) {
    auto ctx = As(token);
    auto writer = bulk_->ImportItems(ctx.get(), resp);
    v1::ImportItemsRequest req;
    req.mutable_options()->set_kind(kind);
    req.mutable_options()->set_skip_invalid(skip_invalid);
    writer->Write(req);
    for (size_t i = 0; i < csv.size(); i += chunk) {
      req.Clear();
      req.set_csv(csv.substr(i, chunk));
      writer->Write(req);
    }
    writer->WritesDone();
    return writer->Finish();
  }

  // An item as the administrator sees it.
  v1::Item Get(int64_t id) {
    v1::GetItemRequest req;
    req.set_id(id);
    v1::GetItemResponse resp;
    EXPECT_TRUE(items_->GetItem(As(kAdmin).get(), req, &resp).ok());
    return resp.item();
  }

  // Fires the alerts due at `at`; how many.
  int Fire(absl::Time at) {
    auto n = services_->deps().alerts.FireDue(at);
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
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
  std::unique_ptr<v1::WorkflowService::Stub> workflow_;
  std::unique_ptr<v1::RoutingService::Stub> routing_;
  std::unique_ptr<v1::BulkService::Stub> bulk_;
  std::unique_ptr<v1::ReportService::Stub> reports_;
  std::unique_ptr<v1::AttachmentService::Stub> attachments_;
  int64_t session_id_ = 0, batch_id_ = 0;
};

}  // namespace pqtrack::api

#endif  // PQTRACK_TESTS_DB_API_FIXTURE_H_
