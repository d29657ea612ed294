#include "services/common/csv.h"

#include <map>

#include "gtest/gtest.h"
#include "services/core/item_csv.h"

namespace pqtrack {
namespace {

std::vector<CsvRecord> ParseInChunks(const std::string& text, size_t chunk) {
  CsvParser p;
  std::vector<CsvRecord> out;
  for (size_t i = 0; i < text.size(); i += chunk) {
    p.Feed(std::string_view(text).substr(i, chunk), &out);
  }
  EXPECT_TRUE(p.Finish(&out).ok());
  return out;
}

TEST(CsvParser, QuotesLineBreaksBomAndLineNumbers) {
  const std::string text =
      "\xEF\xBB\xBF"
      "a,b,c\r\n"
      "1,\"x, \"\"y\"\"\",\r\n"
      "\n"
      "2,\"two\nlines\",z\n"
      "3,,\"\"";
  for (size_t chunk : {1, 2, 5, 1000}) {
    const auto r = ParseInChunks(text, chunk);
    ASSERT_EQ(r.size(), 4u) << chunk;
    EXPECT_EQ(r[0].fields, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(r[1].fields, (std::vector<std::string>{"1", "x, \"y\"", ""}));
    EXPECT_EQ(r[1].line, 2);
    EXPECT_EQ(r[2].fields[1], "two\nlines");
    EXPECT_EQ(r[2].line, 4);
    EXPECT_EQ(r[3].line, 6);
    EXPECT_EQ(r[3].fields, (std::vector<std::string>{"3", "", ""}));
  }
}

TEST(CsvParser, AnOpenQuoteAtTheEndIsAnError) {
  CsvParser p;
  std::vector<CsvRecord> out;
  p.Feed("a\n\"open", &out);
  const absl::Status s = p.Finish(&out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("line 2"), std::string::npos);
}

TEST(CsvLine, WritesWhatTheParserReadsBack) {
  const std::vector<std::string> fields = {
      "plain", "a,b", "say \"hi\"", "two\nlines", " padded ", ""};
  const auto r = ParseInChunks(CsvLine(fields), 3);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fields, fields);
}

TEST(ItemCsv, CellsAndRulesAreReportedByColumn) {
  auto layout = core::CsvLayout::Read(
      core::ItemKind::kQuestion,
      {"title", "received_on", "session_id", "deputy_name", "delegation",
       "addressee", "form", "asked_on", "answered_on", "outcome"});
  ASSERT_TRUE(layout.ok()) << layout.status();
  CsvRecord rec{7,
                {"Câu hỏi", "2024-10-01", "x", "Đại biểu A", "Huế", "Bộ trưởng",
                 "SPOKEN", "2024-10-05", "2024-10-03", "RESOLVED"}};
  core::ImportRow row;
  std::vector<core::RowError> errors;
  EXPECT_FALSE(layout->Parse(rec, absl::CivilDay(2024, 11, 2), &row, &errors));
  std::map<std::string, std::string> by_column;
  for (const auto& e : errors) {
    EXPECT_EQ(e.line, 7);
    by_column[e.column] = e.rule;
  }
  EXPECT_NE(by_column["session_id"].find("not a positive number"),
            std::string::npos);
  EXPECT_NE(by_column["form"].find("not one of"), std::string::npos);
  EXPECT_NE(by_column["asked_on"].find("received_on"), std::string::npos);
  EXPECT_EQ(by_column["outcome_detail"], "required for an answer");
  EXPECT_EQ(by_column["answer_signer"], "required");

  EXPECT_FALSE(core::CsvLayout::Read(core::ItemKind::kQuestion,
                                     {"title", "received_on", "title"})
                   .ok());
}

}  // namespace
}  // namespace pqtrack
