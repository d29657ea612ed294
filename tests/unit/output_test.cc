#include "clients/common/output.h"

#include <cstdlib>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

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
