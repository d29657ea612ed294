// services/common and api helpers without I/O: dates, UTF-8, hashing,
// status macros, page tokens, database error mapping.
#include <pqxx/pqxx>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pqtrack/v1/item.pb.h"
#include "services/api/paging.h"
#include "services/common/crypto.h"
#include "services/common/dates.h"
#include "services/common/grpc_status.h"
#include "services/common/status_macros.h"
#include "services/common/utf8.h"
#include "services/store/errors.h"

namespace pqtrack {
namespace {

TEST(DatesTest, ParseIsoDateIsStrict) {
  EXPECT_EQ(*ParseIsoDate("2024-02-29"), absl::CivilDay(2024, 2, 29));
  for (const char* bad :
       {"2023-02-29", "2024-2-29", "2024-02-29x", "", "2024-13-01", "24-02-01",
        "2024/02/01", "1899-12-31", "abcd-ef-gh"}) {
    EXPECT_FALSE(ParseIsoDate(bad).ok()) << bad;
  }
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(2025, 1, 5)), "2025-01-05");
}

TEST(DatesTest, TodayIsInHoChiMinhCity) {
  // 2024-11-01 17:30 UTC is already 2 November in Hanoi (UTC+7).
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2024, 11, 1, 17, 30, 0),
                                  absl::UTCTimeZone()));
  EXPECT_EQ(Today(clock), absl::CivilDay(2024, 11, 2));
  clock.Advance(absl::Hours(-1));
  EXPECT_EQ(Today(clock), absl::CivilDay(2024, 11, 1));
}

TEST(Utf8Test, WidthOfVietnamese) {
  EXPECT_EQ(DisplayWidth("Bộ Nội vụ"), 9);
  // Decomposed: "ộ" as o + combining circumflex + combining dot below.
  EXPECT_EQ(DisplayWidth("B\x6F\xCC\x82\xCC\xA3"), 2);
  EXPECT_EQ(DisplayWidth("中文"), 4);
  EXPECT_EQ(CodePointCount("Tiền lương"), 10u);
  EXPECT_TRUE(IsValidUtf8("Tiền lương"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_EQ(TruncateToWidth("Kiến nghị cử tri", 6), "Kiến \u2026");
  EXPECT_EQ(TruncateToWidth("ngắn", 10), "ngắn");
}

TEST(CryptoTest, Sha256AndSecrets) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string a = RandomSecret(32), b = RandomSecret(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::Status Quarter(int x, int* out) {
  PQ_ASSIGN_OR_RETURN(const int h, Half(x));
  PQ_ASSIGN_OR_RETURN(*out, Half(h));
  PQ_RETURN_IF_ERROR(absl::OkStatus());
  return absl::OkStatus();
}

TEST(StatusMacrosTest, Propagate) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(Quarter(6, &out).message(), "odd");
}

TEST(PagingTest, TokensRoundTripAndAreBoundToTheirQuery) {
  v1::ListItemsRequest a;
  a.set_session_id(7);
  a.set_page_size(10);
  v1::ListItemsRequest b = a;
  b.set_page_size(20);  // page size may change between pages
  b.set_page_token("whatever");
  v1::ListItemsRequest c = a;
  c.set_session_id(8);
  EXPECT_EQ(api::QueryFingerprint(a), api::QueryFingerprint(b));
  EXPECT_NE(api::QueryFingerprint(a), api::QueryFingerprint(c));
  const std::string token = api::EncodePageToken(42, api::QueryFingerprint(a));
  EXPECT_EQ(*api::DecodePageToken(token, api::QueryFingerprint(b)), 42);
  EXPECT_EQ(*api::DecodePageToken("", "x"), 0);
  const auto wrong = api::DecodePageToken(token, api::QueryFingerprint(c));
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(wrong.status().message()),
              ::testing::HasSubstr("page_token:"));
  EXPECT_FALSE(api::DecodePageToken("!!!", "x").ok());
}

// A status message of any length fits gRPC's metadata: cut at a character
// boundary, saying how much was left out.
TEST(GrpcStatusTest, LongMessagesAreCutAtACharacter) {
  std::string long_text;
  for (int i = 0; i < 5000; ++i) long_text += "é";
  const grpc::Status st = ToGrpcStatus(absl::InvalidArgumentError(long_text));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(st.error_message().size(), kMaxStatusMessage);
  EXPECT_TRUE(IsValidUtf8(st.error_message()));
  EXPECT_THAT(st.error_message(), ::testing::HasSubstr("more bytes)"));
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("no item 7")).error_message(),
            "no item 7");
}

}  // namespace
}  // namespace pqtrack

namespace pqtrack::store {
namespace {

// What a database failure becomes for the client: a connection that failed
// (libpq's own error, without a SQLSTATE, included) is UNAVAILABLE, so the
// client retries; the server's own errors keep their meaning.
TEST(DbErrorsTest, ConnectionFailuresAreUnavailable) {
  EXPECT_EQ(MapDbException(
                pqxx::sql_error("server closed the connection unexpectedly",
                                "COMMIT", ""))
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(
      MapDbException(pqxx::sql_error("terminating connection", "", "57P01"))
          .code(),
      absl::StatusCode::kUnavailable);
  EXPECT_EQ(MapDbException(pqxx::sql_error("read-only", "", "25006")).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(MapDbException(pqxx::broken_connection("gone")).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(MapDbException(pqxx::sql_error("duplicate", "", "23505")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(MapDbException(pqxx::sql_error("no table", "", "42P01")).code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace pqtrack::store
