#include "clients/common/output.h"

#include <sstream>

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

}  // namespace
}  // namespace pqtrack::client
