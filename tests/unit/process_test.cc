// How pqtrack-server runs PostgreSQL's programs: the database URL's
// password goes to the child's environment, never to its command line.
#include "services/server/process.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/server/conninfo.h"

namespace pqtrack::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ConninfoTest, ThePasswordLeavesTheUrl) {
  auto split = SplitPassword(
      "postgresql://pq:s3cr%27t@db1,db2:5433/pqtrack?target_session_attrs="
      "read-write&sslmode=require");
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->password, "s3cr't");
  EXPECT_THAT(split->conninfo, Not(HasSubstr("s3cr")));
  EXPECT_THAT(split->conninfo, HasSubstr("host='db1,db2'"));
  EXPECT_THAT(split->conninfo, HasSubstr("port=',5433'"));  // db1's default
  EXPECT_THAT(split->conninfo, HasSubstr("user='pq'"));
  EXPECT_THAT(split->conninfo, HasSubstr("dbname='pqtrack'"));
  EXPECT_THAT(split->conninfo, HasSubstr("target_session_attrs='read-write'"));
  EXPECT_THAT(split->conninfo, HasSubstr("sslmode='require'"));
  // What is left reads back to the same settings.
  auto again = SplitPassword(split->conninfo);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->conninfo, split->conninfo);
  EXPECT_EQ(again->password, "");

  split = SplitPassword("host=/run/postgresql dbname=pq password='a b\\'c'");
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->password, "a b'c");
  EXPECT_EQ(split->conninfo, "dbname='pq' host='/run/postgresql'");

  split = SplitPassword("postgresql://[::1");
  EXPECT_EQ(split.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(split.status().message(),
              HasSubstr("the database URL cannot be read"));
}

TEST(ProcessTest, TheChildGetsTheEnvironmentGiven) {
  auto run = RunProcess({"/usr/bin/env"}, std::nullopt,
                        {"PGPASSWORD=s3cret", "HOME=/nowhere"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_THAT(run->output, HasSubstr("PGPASSWORD=s3cret\n"));
  // Replaced, not doubled; the rest inherited.
  int homes = 0;
  for (absl::string_view line : absl::StrSplit(run->output, '\n')) {
    if (absl::StartsWith(line, "HOME=")) {
      ++homes;
      EXPECT_EQ(line, "HOME=/nowhere");
    }
  }
  EXPECT_EQ(homes, 1) << run->output;
  EXPECT_THAT(run->output, HasSubstr("PATH="));
}

}  // namespace
}  // namespace pqtrack::server
