#include "clients/common/output.h"

#include <cstdlib>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "pqtrack/v1/item.pb.h"

namespace pqtrack::client {
namespace {

TEST(TableTest, AlignsVietnameseByDisplayWidth) {
  Table t({"CODE", "NAME"});
  t.AddRow({"BNV", "Bộ Nội vụ"});
  t.AddRow({"TL", "Vụ Tiền lương"});
  std::ostringstream out;
  t.Print(out);
  EXPECT_EQ(out.str(),
            "CODE  NAME\n"
            "BNV   Bộ Nội vụ\n"
            "TL    Vụ Tiền lương\n");
}

TEST(TableTest, ColumnsAfterAccentedTextLineUp) {
  Table t({"NAME", "N"});
  t.AddRow({"Tiền lương", "1"});
  t.AddRow({"Luong", "2"});
  std::ostringstream out;
  t.Print(out);
  EXPECT_EQ(out.str(),
            "NAME        N\n"
            "Tiền lương  1\n"
            "Luong       2\n");
}

TEST(TableTest, TruncatesWideCells) {
  Table t({"TITLE"});
  t.SetMaxWidth(0, 8);
  t.AddRow({"Kiến nghị cử tri"});
  std::ostringstream out;
  t.Print(out);
  EXPECT_EQ(out.str(), "TITLE\nKiến ng\u2026\n");
}

TEST(OutputTest, FormatDate) {
  v1::Date d;
  EXPECT_EQ(FormatDate(d), "");
  d.set_year(2024);
  d.set_month(11);
  d.set_day(2);
  EXPECT_EQ(FormatDate(d), "2024-11-02");
}

// JSON fit for jq: ids as numbers, enums without their prefix, days as
// "YYYY-MM-DD", unset messages and oneof members left out.
TEST(OutputTest, JsonForJq) {
  v1::Item it;
  it.set_id(12);
  it.set_status(v1::ITEM_STATUS_IN_PROGRESS);
  it.set_title("Về \"tiền lương\"\n");
  it.mutable_due_on()->set_year(2024);
  it.mutable_due_on()->set_month(11);
  it.mutable_due_on()->set_day(2);
  it.mutable_create_time()->set_seconds(1730512800);
  it.add_coordinating_unit_codes("CCVC");
  it.mutable_petition()->set_batch_id(3);
  const std::string json = ToJson(it, /*pretty=*/false);
  EXPECT_NE(json.find("\"id\":12,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"status\":\"IN_PROGRESS\""), std::string::npos);
  EXPECT_NE(json.find("\"title\":\"Về \\\"tiền lương\\\"\\n\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"due_on\":\"2024-11-02\""), std::string::npos);
  EXPECT_NE(json.find("\"create_time\":\"2024-11-02T02:00:00Z\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"coordinating_unit_codes\":[\"CCVC\"]"),
            std::string::npos);
  EXPECT_NE(json.find("\"petition\":{\"batch_id\":3,"), std::string::npos);
  EXPECT_EQ(json.find("\"question\""), std::string::npos);     // oneof unset
  EXPECT_EQ(json.find("\"received_on\""), std::string::npos);  // unset
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_NE(ToJson(it, /*pretty=*/true).find("\n  \"id\": 12,"),
            std::string::npos);
}

// Instants are shown in Hanoi time (or $TZ's), labelled with the zone.
TEST(OutputTest, FormatInstant) {
  google::protobuf::Timestamp t;
  EXPECT_EQ(FormatInstant(t), "");
  t.set_seconds(1730512800);  // 2024-11-02 02:00:00 UTC
  const std::string shown = FormatInstant(t, /*seconds=*/true);
  EXPECT_EQ(shown.size(), std::string("2024-11-02 09:00:00 +07").size())
      << shown;
  const char* tz = std::getenv("TZ");
  if (tz == nullptr || *tz == '\0') {
    EXPECT_EQ(shown, "2024-11-02 09:00:00 +07");
    EXPECT_EQ(FormatInstant(t), "2024-11-02 09:00 +07");
  }
}

}  // namespace
}  // namespace pqtrack::client
