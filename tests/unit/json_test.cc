#include "services/common/json.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/address.h"
#include "services/common/log.h"

namespace pqtrack {
namespace {

TEST(JsonTest, BuildsEscapedObjects) {
  EXPECT_EQ(JsonObject()
                .Add("comment", "Sửa \"mục 2\"\n\\")
                .Add("draft", 3)
                .Add("ok", true)
                .Add("units", std::vector<std::string>{"TL", "CCVC"})
                .Add("ids", std::vector<int64_t>{4, 5})
                .Build(),
            "{\"comment\":\"Sửa \\\"mục 2\\\"\\n\\\\\",\"draft\":3,\"ok\":true,"
            "\"units\":[\"TL\",\"CCVC\"],\"ids\":[4,5]}");
  EXPECT_EQ(JsonQuote(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(JsonObject().Build(), "{}");
  EXPECT_EQ(JsonObject().Add("a", 1).Merge(JsonObject()).Build(), "{\"a\":1}");
  EXPECT_EQ(JsonObject().Merge(JsonObject().Add("b", 2)).Add("c", 3).Build(),
            "{\"b\":2,\"c\":3}");
}

// The daemons' log line: time (UTC, milliseconds), level, the sentence
// when there is one, then the fields, escaped.
TEST(LogTest, WritesOneJsonObjectALine) {
  const absl::Time at =
      absl::FromCivil(absl::CivilSecond(2026, 12, 4, 9, 15, 2),
                      absl::UTCTimeZone()) +
      absl::Milliseconds(120);
  EXPECT_EQ(LogLine(at, LogLevel::kWarning, "alert 3 to \"x\" failed",
                    JsonObject().Add("alert_id", 3)),
            "{\"time\":\"2026-12-04T09:15:02.120Z\",\"level\":\"warning\","
            "\"msg\":\"alert 3 to \\\"x\\\" failed\",\"alert_id\":3}");
  EXPECT_EQ(LogLine(at, LogLevel::kError, "", JsonObject().Add("rpc", "/a/B")),
            "{\"time\":\"2026-12-04T09:15:02.120Z\",\"level\":\"error\","
            "\"rpc\":\"/a/B\"}");
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  WriteLog(LogLevel::kInfo, "một\nhai", JsonObject(), out);
  WriteLog(LogLevel::kInfo, "ba", JsonObject(), out);
  std::rewind(out);
  char buf[256];
  std::string lines;
  while (std::fgets(buf, sizeof buf, out) != nullptr) lines += buf;
  std::fclose(out);
  // Two lines: the newline inside the sentence is escaped.
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;
  EXPECT_NE(lines.find("\"msg\":\"một\\nhai\""), std::string::npos) << lines;
}

TEST(AddressTest, LoopbackAndUnixSocketsAreLocal) {
  for (const char* local :
       {"localhost", "127.0.0.1", "127.8.9.1", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(local)) << local;
  }
  for (const char* remote :
       {"0.0.0.0", "10.0.0.7", "", "[::]", "128.0.0.1", "pqtrack.bnv.gov.vn"}) {
    EXPECT_FALSE(IsLoopbackHost(remote)) << remote;
  }
  EXPECT_TRUE(IsUnixSocket("unix:/run/pqtrack/grpc.sock"));
  EXPECT_TRUE(IsUnixSocket("unix-abstract:pqtrack"));
  EXPECT_FALSE(IsUnixSocket("unixhost:50051"));
  EXPECT_FALSE(IsUnixSocket("127.0.0.1:50051"));
}

}  // namespace
}  // namespace pqtrack
