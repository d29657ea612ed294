#include "services/common/json.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

// What `f` holds, from its start.
std::string ReadAll(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  return text;
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
  FlushLog();
  const std::string lines = ReadAll(out);
  std::fclose(out);
  // Two lines: the newline inside the sentence is escaped.
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;
  EXPECT_NE(lines.find("\"msg\":\"một\\nhai\""), std::string::npos) << lines;
}

// Info lines may wait for the writer thread; a warning or an error is
// written before WriteLog returns, after every line logged before it.
TEST(LogTest, AWarningIsWrittenAtOnceAfterTheLinesBeforeIt) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  for (int i = 0; i < 50; ++i) {
    WriteLog(LogLevel::kInfo, "", JsonObject().Add("n", i), out);
  }
  WriteLog(LogLevel::kWarning, "the last", JsonObject(), out);
  const std::string text = ReadAll(out);
  std::fclose(out);
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 51) << text;
  size_t at = 0;
  for (int i = 0; i < 50; ++i) {
    const size_t next = text.find(absl::StrCat("\"n\":", i, "}"), at);
    ASSERT_NE(next, std::string::npos) << i << "\n" << text;
    at = next;
  }
  EXPECT_GT(text.find("\"msg\":\"the last\""), at) << text;
}

// Lines from many threads come out whole, none lost, each thread's in its
// order.
TEST(LogTest, LinesFromManyThreadsComeOutWholeAndInOrder) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  constexpr int kThreads = 8, kLines = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, out] {
      for (int i = 0; i < kLines; ++i) {
        WriteLog(LogLevel::kInfo, "", JsonObject().Add("t", t).Add("i", i),
                 out);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  FlushLog();
  const std::string text = ReadAll(out);
  std::fclose(out);
  std::vector<int> next(kThreads, 0);
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    ++lines;
    ASSERT_TRUE(absl::StartsWith(line, "{\"time\":") &&
                absl::EndsWith(line, "}"))
        << line;
    const size_t t_at = line.find("\"t\":");
    const size_t i_at = line.find(",\"i\":");
    ASSERT_NE(t_at, absl::string_view::npos) << line;
    ASSERT_NE(i_at, absl::string_view::npos) << line;
    int t = 0, i = 0;
    ASSERT_TRUE(absl::SimpleAtoi(line.substr(t_at + 4, i_at - t_at - 4), &t))
        << line;
    ASSERT_TRUE(
        absl::SimpleAtoi(line.substr(i_at + 5, line.size() - 1 - i_at - 5), &i))
        << line;
    ASSERT_TRUE(t >= 0 && t < kThreads) << line;
    EXPECT_EQ(i, next[t]) << line;
    next[t] = i + 1;
  }
  EXPECT_EQ(lines, kThreads * kLines);
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
