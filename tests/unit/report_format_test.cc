#include "clients/common/report_format.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pqtrack::client {
namespace {

using ::testing::HasSubstr;

v1::Date D(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

// The figures of the Ministry of Home Affairs' October 2024 review.
v1::PeriodReportResponse Seed() {
  v1::PeriodReportResponse r;
  *r.mutable_from() = D(2024, 10, 1);
  *r.mutable_to() = D(2024, 10, 31);
  *r.mutable_as_of() = D(2024, 11, 2);
  auto* d = r.mutable_documents();
  d->set_received(3629);
  d->set_needing_reply(287);
  d->set_answered(170);
  d->set_answered_on_time(170);
  d->set_not_yet_due(117);
  r.mutable_tasks()->set_assigned(149);
  r.mutable_tasks()->set_completed(137);
  r.mutable_tasks()->set_completed_permille(919);
  auto* s7 = r.add_petitions();
  s7->set_term_code("XV");
  s7->set_session_number(7);
  s7->set_petitions(148);
  s7->set_answered(129);
  s7->add_batches()->set_petitions(148);
  auto* s8 = r.add_petitions();
  s8->set_term_code("XV");
  s8->set_session_number(8);
  auto* u = r.add_units();
  u->set_unit_code("TL");
  u->set_answered(17);
  u->set_answered_on_time(16);
  auto* w = r.add_due_weeks();
  *w->mutable_week_of() = D(2024, 11, 4);
  w->set_open_items(60);
  return r;
}

TEST(ReportFormat, NumbersAndPercentsFollowTheLanguage) {
  EXPECT_EQ(Number(3629, Language::kEnglish), "3,629");
  EXPECT_EQ(Number(3629, Language::kVietnamese), "3.629");
  EXPECT_EQ(Number(1234567, Language::kEnglish), "1,234,567");
  EXPECT_EQ(Number(287, Language::kEnglish), "287");
  EXPECT_EQ(Percent(919, Language::kEnglish), "91.9%");
  EXPECT_EQ(Percent(919, Language::kVietnamese), "91,9%");
  EXPECT_EQ(Percent(1000, Language::kEnglish), "100.0%");
}

TEST(ReportFormat, TheTextReadsLikeTheSeed) {
  const std::string en = PeriodText(Seed(), Language::kEnglish);
  EXPECT_THAT(en, HasSubstr("In October 2024 the Ministry received 3,629 "
                            "documents, of which 287 required a reply: 170 "
                            "answered (170 on time), 117 not yet due, none "
                            "overdue."));
  EXPECT_THAT(en, HasSubstr("Of 149 tasks assigned, 137 were completed "
                            "(91.9%)."));
  EXPECT_THAT(en, HasSubstr("7th session of the National Assembly (term XV), "
                            "129 have been answered."));
  EXPECT_THAT(en, HasSubstr("received yet for the 8th session."));
  const std::string vi = PeriodText(Seed(), Language::kVietnamese);
  EXPECT_THAT(vi, HasSubstr("Trong tháng 10/2024, Bộ đã tiếp nhận 3.629 văn "
                            "bản, trong đó có 287 văn bản cần trả lời: đã trả "
                            "lời 170 văn bản (đúng hạn 170), chưa đến hạn 117 "
                            "văn bản, không có văn bản quá hạn."));
  EXPECT_THAT(vi, HasSubstr("(đạt 91,9%)"));
  EXPECT_THAT(vi, HasSubstr("Chưa nhận được kiến nghị cử tri gửi tới Kỳ họp "
                            "thứ 8."));
}

TEST(ReportFormat, CsvForASpreadsheet) {
  const std::string csv = PeriodCsv(Seed());
  // Excel on Windows needs the byte-order mark to read UTF-8.
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_THAT(csv, HasSubstr("Văn bản / Documents\n"));
  // The documents' figures on one row, in the header's order.
  const size_t header = csv.find("Tiếp nhận / Received,");
  ASSERT_NE(header, std::string::npos);
  const size_t row = csv.find("\n", header) + 1;
  EXPECT_EQ(csv.substr(row, csv.find("\n", row) - row),
            absl::StrCat(Seed().documents().received(), ",287,",
                         Seed().documents().answered(), ",",
                         Seed().documents().answered_on_time(), ",",
                         Seed().documents().answered_late(), ",",
                         Seed().documents().not_yet_due(), ",",
                         Seed().documents().overdue()));
  EXPECT_THAT(csv, HasSubstr(",91.9,"));  // a number any locale reads
  EXPECT_THAT(csv, HasSubstr("tuần / week of 2024-11-04,60\n"));
}

TEST(ReportFormat, SessionAndTimelinessTexts) {
  v1::SessionReportResponse s;
  s.set_term_code("XV");
  s.set_session_number(7);
  *s.mutable_as_of() = D(2024, 11, 2);
  *s.mutable_report_due_on() = D(2024, 9, 11);
  s.mutable_total()->set_total(148);
  s.mutable_total()->set_answered(129);
  s.mutable_total()->set_resolved(128);
  s.mutable_total()->set_in_resolution(1);
  s.add_carried_over();
  EXPECT_THAT(SessionText(s, Language::kEnglish),
              HasSubstr("Of the 148 voters' petitions sent for the 7th "
                        "session of the National Assembly (term XV), 129 have "
                        "been answered: 128 resolved, 1 being resolved"));
  EXPECT_THAT(SessionText(s, Language::kVietnamese),
              HasSubstr("Hạn gửi báo cáo: 11/09/2024."));
  v1::TimelinessReportResponse t;
  *t.mutable_from() = D(2024, 10, 1);
  *t.mutable_to() = D(2024, 10, 31);
  *t.mutable_as_of() = D(2024, 11, 2);
  t.mutable_total()->set_needing_reply(287);
  t.mutable_total()->set_answered(170);
  t.mutable_total()->set_on_time_permille(1000);
  t.mutable_total()->set_median_days(5);
  EXPECT_THAT(TimelinessText(t, Language::kEnglish),
              HasSubstr("Of the 287 items received from 2024-10-01 to "
                        "2024-10-31 that needed a reply, 170 were answered, "
                        "100.0% of them on time"));
  EXPECT_THAT(TimelinessText(t, Language::kVietnamese),
              HasSubstr("Không có việc quá hạn"));
}

}  // namespace
}  // namespace pqtrack::client
