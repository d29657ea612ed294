// The hostile requests of issue 14, one test each: every one failed before
// its fix (a status too large for gRPC's metadata, INTERNAL or
// UNIMPLEMENTED with no message, PostgreSQL's text, a broken stream taken
// as complete).
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/sync_stream.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pqtrack/v1/alert.grpc.pb.h"
#include "pqtrack/v1/errors.pb.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using ::testing::HasSubstr;

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

class HostileTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
  }

  // A status is at most this long, whatever the request held.
  static void ExpectBounded(const grpc::Status& st) {
    EXPECT_LT(st.error_message().size(), 1024u) << st.error_message();
  }
};

TEST_F(HostileTest, AHugeTermCodeIsRefusedBeforeAnyLookupBriefly) {
  v1::CreateSessionRequest req;
  req.set_term_code(std::string(9000, 'A'));
  req.set_number(1);
  req.set_kind(v1::SESSION_KIND_REGULAR);
  *req.mutable_opens_on() = D(2026, 1, 1);
  *req.mutable_closes_on() = D(2026, 1, 2);
  v1::CreateSessionResponse resp;
  grpc::Status st = assembly_->CreateSession(As(kAdmin).get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(),
              HasSubstr("term_code: must be at most 16 characters (got 9000)"));
  ExpectBounded(st);
  v1::ListSessionsRequest list;
  list.set_term_code(std::string(9000, 'A'));
  v1::ListSessionsResponse sessions;
  st = assembly_->ListSessions(As(kAdmin).get(), list, &sessions);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectBounded(st);
}

TEST_F(HostileTest, LongListsAndEchoedInputAreCut) {
  // 30 unknown columns: named five at a time, the rest counted.
  std::string header = "title,received_on,batch_id,delegations";
  for (int i = 0; i < 30; ++i) absl::StrAppend(&header, ",extra_column_", i);
  v1::ImportItemsResponse resp;
  grpc::Status st = ImportCsv(header + "\n", &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("\"extra_column_0\""));
  EXPECT_THAT(st.error_message(), HasSubstr("and 25 more"));
  ExpectBounded(st);
  // A rule echoing a long input is cut, at a character boundary.
  v1::RecordItemRequest rec = Petition("req-hostile-01", "TL");
  rec.mutable_item()->set_lead_unit_code(std::string(5000, 'X'));
  st = Record(rec);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ExpectBounded(st);
}

TEST_F(HostileTest, AServerStreamRefusesAnUnreadableRequestByField) {
  // ExportItemsRequest.filter (field 1) with a lead unit code that is not
  // UTF-8 (the field found from the descriptor, not by number).
  const auto* filter =
      v1::ListItemsRequest::descriptor()->FindFieldByName("lead_unit_code");
  ASSERT_NE(filter, nullptr);
  std::string inner;
  inner.push_back(static_cast<char>((filter->number() << 3) | 2));
  inner += "\x03\xff\xfe\xfd";
  std::string outer = "\x0a";
  outer.push_back(static_cast<char>(inner.size()));
  outer += inner;
  auto ctx = As(kAdmin);
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
          channel_.get(),
          grpc::internal::RpcMethod(
              "/pqtrack.v1.BulkService/ExportItems",
              grpc::internal::RpcMethod::SERVER_STREAMING),
          ctx.get(), Buffer(outer)));
  grpc::ByteBuffer chunk;
  while (reader->Read(&chunk)) {
  }
  const grpc::Status st = reader->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "filter.lead_unit_code: must be valid UTF-8");
}

TEST_F(HostileTest, WatchFiltersAreBoundedAndUnknownUnitsInvalid) {
  auto stub = v1::AlertService::NewStub(channel_);
  const auto watch = [&](const v1::WatchAlertsRequest& req) {
    auto ctx = As(kAdmin);
    auto reader = stub->WatchAlerts(ctx.get(), req);
    v1::WatchAlertsResponse r;
    if (reader->Read(&r)) ctx->TryCancel();
    while (reader->Read(&r)) {
    }
    return reader->Finish();
  };
  v1::WatchAlertsRequest req;
  for (int i = 0; i < 100000; ++i) req.add_unit_codes("TL");
  grpc::Status st = watch(req);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      st.error_message(),
      HasSubstr("unit_codes: must have at most 100 entries (got 100000)"));
  req.Clear();
  req.add_unit_codes("NOPE");
  st = watch(req);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("unit_codes: no unit \"NOPE\""));
  v1::ListAlertsRequest list;
  for (int i = 0; i < 101; ++i) list.add_unit_codes("TL");
  v1::ListAlertsResponse alerts;
  st = stub->ListAlerts(As(kAdmin).get(), list, &alerts);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(HostileTest, NumbersAndInstantsAreCheckedBeforeSql) {
  v1::SuggestDuplicatesRequest dup;
  dup.mutable_draft()->set_title("Tiền lương");
  dup.mutable_draft()->set_kind(v1::ITEM_KIND_PETITION);
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    dup.set_min_score(bad);
    v1::SuggestDuplicatesResponse resp;
    const grpc::Status st =
        items_->SuggestDuplicates(As(kAdmin).get(), dup, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(st.error_message(), HasSubstr("min_score: must be a number"));
  }
  v1::IssueTokenRequest token;
  token.set_user_login("admin");
  token.mutable_expire_time()->set_seconds(std::numeric_limits<int64_t>::max());
  v1::IssueTokenResponse issued;
  grpc::Status st = admin_->IssueToken(As(kAdmin).get(), token, &issued);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(),
              HasSubstr("expire_time: not a valid instant"));
  token.mutable_expire_time()->set_seconds(2000000000);
  token.mutable_expire_time()->set_nanos(-1);
  st = admin_->IssueToken(As(kAdmin).get(), token, &issued);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// A client stream whose later message cannot be decoded is refused whole:
// before, gRPC ended the stream there and the handler took what it had.
TEST_F(HostileTest, ABrokenClientStreamKeepsNothing) {
  const std::string csv =
      absl::StrCat("title,received_on,batch_id,delegations,field\n",
                   "Một,2024-07-20,", batch_id_, ",Huế,Tiền lương\n");
  v1::ImportItemsRequest options;
  options.mutable_options()->set_kind(v1::ITEM_KIND_PETITION);
  v1::ImportItemsRequest part;
  part.set_csv(csv);
  auto ctx = As(kAdmin);
  grpc::ByteBuffer response;
  std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
      grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(
          channel_.get(),
          grpc::internal::RpcMethod(
              "/pqtrack.v1.BulkService/ImportItems",
              grpc::internal::RpcMethod::CLIENT_STREAMING),
          ctx.get(), &response));
  writer->Write(Buffer(options.SerializeAsString()));
  writer->Write(Buffer(part.SerializeAsString()));
  writer->Write(Buffer("\xff\xff\xff"));  // not a message
  writer->WritesDone();
  const grpc::Status st = writer->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("ImportItemsRequest"));
  EXPECT_EQ(Count("items"), 0);
}

// A request above gRPC's receive limit (4 MiB) gets RESOURCE_EXHAUSTED from
// every kind of handler, never UNIMPLEMENTED.
TEST_F(HostileTest, ARequestTooLargeIsResourceExhaustedEverywhere) {
  auto stub = v1::AlertService::NewStub(channel_);
  v1::WatchAlertsRequest watch;
  for (int i = 0; i < 100000; ++i) watch.add_unit_codes(std::string(50, 'T'));
  auto ctx = As(kAdmin);
  auto reader = stub->WatchAlerts(ctx.get(), watch);
  v1::WatchAlertsResponse r;
  while (reader->Read(&r)) {
  }
  grpc::Status st = reader->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << st.error_code() << " " << st.error_message();
  v1::ListAlertsRequest list;
  *list.mutable_unit_codes() = watch.unit_codes();
  v1::ListAlertsResponse alerts;
  st = stub->ListAlerts(As(kAdmin).get(), list, &alerts);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << st.error_code() << " " << st.error_message();
}

// The message names the first ten violations; the status's
// google.rpc.BadRequest detail (errors.proto) lists up to 50, bounded.
TEST_F(HostileTest, EveryViolationIsInTheBadRequestDetailBounded) {
  v1::RecordItemRequest rec = Petition("req-hostile-02", "TL");
  auto* delegations =
      rec.mutable_item()->mutable_petition()->mutable_delegations();
  delegations->Clear();
  for (int i = 0; i < 100; ++i) delegations->Add(" ");
  const grpc::Status st = Record(rec);
  ASSERT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(st.error_message(), HasSubstr("more"));
  ExpectBounded(st);
  ASSERT_FALSE(st.error_details().empty());
  EXPECT_LE(st.error_details().size(), 3072u);
  v1::ErrorStatus detail;
  ASSERT_TRUE(detail.ParseFromString(st.error_details()));
  EXPECT_EQ(detail.code(),
            static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(detail.message(), st.error_message());
  ASSERT_EQ(detail.details_size(), 1);
  EXPECT_EQ(detail.details(0).type_url(),
            "type.googleapis.com/google.rpc.BadRequest");
  v1::BadRequest bad;
  ASSERT_TRUE(bad.ParseFromString(detail.details(0).value()));
  EXPECT_GT(bad.field_violations_size(), 10);  // more than the message shows
  EXPECT_LE(bad.field_violations_size(), 50);
  EXPECT_EQ(bad.field_violations(0).field(), "item.petition.delegations");
  EXPECT_EQ(bad.field_violations(0).description(), "required");
}

// A call that ends its side without sending its one request message (a
// raw client can) is refused, for unary, server-stream and callback
// handlers alike. Before, it was taken as an empty request: an export of
// everything, or a watch of every alert that never ended.
TEST_F(HostileTest, ACallWithoutItsRequestMessageIsRefused) {
  for (const char* method : {"/pqtrack.v1.UnitService/ListUnits",
                             "/pqtrack.v1.BulkService/ExportItems",
                             "/pqtrack.v1.AlertService/WatchAlerts"}) {
    auto ctx = As(kAdmin);
    // A bound, not a wait: the refusal comes at once.
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(30));
    std::unique_ptr<
        grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>
        stream(
            grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer,
                                                      grpc::ByteBuffer>::
                Create(channel_.get(),
                       grpc::internal::RpcMethod(
                           method, grpc::internal::RpcMethod::BIDI_STREAMING),
                       ctx.get()));
    stream->WritesDone();
    grpc::ByteBuffer chunk;
    int chunks = 0;
    while (stream->Read(&chunk)) ++chunks;
    const grpc::Status st = stream->Finish();
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << method << ": " << st.error_code() << " " << st.error_message();
    EXPECT_EQ(st.error_message(), "request: no message") << method;
    EXPECT_EQ(chunks, 0) << method;
  }
}

// admin.proto: a revoked token stops working at once, open streams too.
TEST_F(HostileTest, RevokingATokenEndsItsOpenStreams) {
  const std::string secret = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
  v1::ListTokensRequest list;
  list.set_user_login("tl.resp");
  v1::ListTokensResponse tokens;
  ASSERT_TRUE(admin_->ListTokens(As(kAdmin).get(), list, &tokens).ok());
  ASSERT_EQ(tokens.tokens_size(), 1);
  auto stub = v1::AlertService::NewStub(channel_);
  auto ctx = As(secret);
  // A bound, not a wait: the stream must end long before it.
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(30));
  auto reader = stub->WatchAlerts(ctx.get(), v1::WatchAlertsRequest());
  v1::WatchAlertsResponse r;
  ASSERT_TRUE(reader->Read(&r));  // live: the replay's heartbeat
  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(tokens.tokens(0).id());
  v1::RevokeTokenResponse revoked;
  ASSERT_TRUE(admin_->RevokeToken(As(kAdmin).get(), revoke, &revoked).ok());
  while (reader->Read(&r)) {
  }
  const grpc::Status st = reader->Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << st.error_message();
}

}  // namespace
}  // namespace pqtrack::api
