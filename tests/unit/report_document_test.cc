// The reports as documents to sign: the Decree 30 layout, every table, the
// words that tell "answered late" from "overdue, not answered", and golden
// bytes for a fixed dataset (tests/golden/*.html). After a deliberate
// change of the layout, write the goldens again with
// PQTRACK_UPDATE_GOLDEN=1 and read the difference before committing it.
#include "clients/common/report_document.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pqtrack::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::Date D(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

v1::PeriodReportResponse Period() {
  v1::PeriodReportResponse r;
  *r.mutable_from() = D(2024, 10, 1);
  *r.mutable_to() = D(2024, 10, 31);
  *r.mutable_as_of() = D(2024, 11, 2);
  auto* d = r.mutable_documents();
  d->set_received(3629);
  d->set_needing_reply(287);
  d->set_answered(170);
  d->set_answered_on_time(162);
  d->set_answered_late(8);
  d->set_not_yet_due(105);
  d->set_overdue(12);
  r.mutable_tasks()->set_assigned(149);
  r.mutable_tasks()->set_completed(137);
  r.mutable_tasks()->set_completed_permille(919);
  r.mutable_questions()->set_received(4);
  r.mutable_questions()->set_answered(3);
  auto* s8 = r.add_petitions();
  s8->set_term_code("XV");
  s8->set_session_number(8);
  s8->set_petitions(148);
  s8->set_answered(129);
  auto* b = s8->add_batches();
  b->set_batch_id(6);
  b->set_phase("BATCH_PHASE_BEFORE_SESSION");
  *b->mutable_received_on() = D(2024, 10, 10);
  b->set_petitions(148);
  b->set_answered(129);
  const auto unit = [&](const char* code, const char* name, int needing,
                        int answered, int on_time, int permille, int overdue) {
    auto* u = r.add_units();
    u->set_unit_code(code);
    u->set_unit_name(name);
    u->set_needing_reply(needing);
    u->set_answered(answered);
    u->set_answered_on_time(on_time);
    u->set_on_time_permille(permille);
    u->set_overdue(overdue);
  };
  unit("TL", "Vụ Tiền lương", 40, 17, 16, 941, 2);
  unit("CCVC", "Vụ Công chức - Viên chức", 30, 0, 0, 0, 5);
  for (int i = 0; i < 3; ++i) {
    auto* w = r.add_due_weeks();
    *w->mutable_week_of() = D(2024, 11, 4 + 7 * i);
    w->set_open_items(20 * (i + 1));
  }
  r.set_open_due_earlier(12);
  r.set_open_due_later(7);
  r.set_open_without_due_date(3);
  r.set_open_total(142);
  return r;
}

v1::SessionReportResponse Session() {
  v1::SessionReportResponse r;
  r.set_term_code("XV");
  r.set_session_number(7);
  *r.mutable_as_of() = D(2024, 11, 2);
  *r.mutable_report_due_on() = D(2024, 9, 11);
  const auto fill = [](v1::OutcomeFigures* f, const char* key, const char* name,
                       int total, int resolved, int in_resolution,
                       int explained) {
    f->set_key(key);
    f->set_name(name);
    f->set_total(total);
    f->set_answered(resolved + in_resolution + explained);
    f->set_resolved(resolved);
    f->set_in_resolution(in_resolution);
    f->set_explained(explained);
  };
  fill(r.mutable_total(), "", "", 148, 120, 1, 8);
  fill(r.add_fields(), "TIEN_LUONG", "Tiền lương", 100, 90, 1, 2);
  fill(r.add_fields(), "CONG_CHUC", "Công chức", 48, 30, 0, 6);
  fill(r.add_units(), "TL", "Vụ Tiền lương", 148, 120, 1, 8);
  auto* x = r.add_in_resolution();
  x->set_item_id(41);
  x->set_title("Cải cách tiền lương");
  x->set_unit_code("TL");
  x->set_roadmap("Trình Chính phủ trong quý I/2025");
  *x->mutable_expected_completion() = D(2025, 3, 31);
  auto* t = r.add_transferred_out();
  t->set_item_id(52);
  t->set_title("Chế độ bảo hiểm xã hội");
  t->set_to_unit_code("BLDTBXH");
  t->set_reason("Thuộc thẩm quyền của Bộ Lao động");
  return r;
}

v1::TimelinessReportResponse Timeliness() {
  v1::TimelinessReportResponse r;
  *r.mutable_from() = D(2024, 10, 1);
  *r.mutable_to() = D(2024, 10, 31);
  *r.mutable_as_of() = D(2024, 11, 2);
  auto* row = r.add_rows();
  row->set_unit_code("TL");
  row->set_unit_name("Vụ Tiền lương");
  row->set_kind("DOCUMENT");
  row->set_needing_reply(40);
  row->set_answered(17);
  row->set_answered_on_time(16);
  row->set_on_time_permille(941);
  row->set_median_days(6);
  row->set_p90_days(14);
  row->set_overdue_1_7(1);
  row->set_overdue_8_30(1);
  row->set_extensions(2);
  *r.mutable_total() = *row;
  r.mutable_total()->clear_unit_code();
  r.mutable_total()->clear_kind();
  return r;
}

DocumentHeading Signed() {
  DocumentHeading h;
  h.issuer = "Bộ Nội vụ";
  h.number = "125/BC-BNV";
  h.place = "Hà Nội";
  h.date = absl::CivilDay(2024, 11, 5);
  h.recipients = {"Văn phòng Chính phủ", "Ban Dân nguyện"};
  h.signer_authority = "KT. Bộ trưởng";
  h.signer_title = "Thứ trưởng";
  h.signer_name = "Nguyễn Văn A";
  return h;
}

// The document must equal tests/golden/`name` byte for byte.
void ExpectGolden(const std::string& name, const std::string& html) {
  const std::string path =
      std::string(PQTRACK_SOURCE_DIR) + "/tests/golden/" + name;
  if (std::getenv("PQTRACK_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << html;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_TRUE(golden.str() == html) << path << " differs; the new document:\n"
                                    << html;
}

TEST(ReportDocument, PeriodIsADocumentToSign) {
  const std::string vi =
      PeriodDocument(Period(), Signed(), Language::kVietnamese);
  // The national heading, the issuer, number, place and date, the title.
  EXPECT_THAT(vi, HasSubstr("Cộng hòa xã hội chủ nghĩa Việt Nam"));
  EXPECT_THAT(vi, HasSubstr("Độc lập - Tự do - Hạnh phúc"));
  EXPECT_THAT(vi, HasSubstr("<b>Bộ Nội vụ</b>"));
  EXPECT_THAT(vi, HasSubstr("Số: 125/BC-BNV"));
  EXPECT_THAT(vi, HasSubstr("Hà Nội, ngày 05 tháng 11 năm 2024"));
  EXPECT_THAT(vi, HasSubstr("Tình hình tiếp nhận, trả lời văn bản"));
  // "Answered late" and "overdue, not answered" are different words.
  EXPECT_THAT(vi, HasSubstr("trong đó trả lời muộn (sau hạn)</td>"
                            "<td class=\"n\">8</td>"));
  EXPECT_THAT(vi, HasSubstr("Quá hạn, chưa trả lời</td><td class=\"n\">12"));
  // Units by name, the before-session batch, the weeks adding up.
  EXPECT_THAT(vi, HasSubstr("Vụ Tiền lương (TL)"));
  EXPECT_THAT(vi, HasSubstr("94,1%"));
  EXPECT_THAT(vi, HasSubstr("trước kỳ họp"));
  EXPECT_THAT(vi, HasSubstr("Tổng số việc đang mở</td><td class=\"n\">142"));
  EXPECT_THAT(vi, HasSubstr("<svg"));
  // The signature block and the recipients.
  EXPECT_THAT(vi, HasSubstr("- Văn phòng Chính phủ;<br>- Ban Dân nguyện;"
                            "<br>- Lưu: VT."));
  EXPECT_THAT(vi, HasSubstr("KT. Bộ trưởng"));
  EXPECT_THAT(vi, HasSubstr("<b>Nguyễn Văn A</b>"));
  // One language at a time, for A4, nothing fetched from elsewhere.
  EXPECT_THAT(vi, Not(HasSubstr("Answered")));
  EXPECT_THAT(vi, HasSubstr("size: A4"));
  EXPECT_THAT(vi, Not(HasSubstr("src=")));
  EXPECT_THAT(vi, Not(HasSubstr("<link")));
  EXPECT_THAT(vi, Not(HasSubstr("<script")));
  ExpectGolden("period-vi.html", vi);

  const std::string en = PeriodDocument(Period(), Signed(), Language::kEnglish);
  EXPECT_THAT(en, HasSubstr("Socialist Republic of Viet Nam"));
  EXPECT_THAT(en, HasSubstr("Hà Nội, 5 November 2024"));
  EXPECT_THAT(en, HasSubstr("— of which answered late (after the due date)"));
  EXPECT_THAT(en, HasSubstr("Overdue, not answered"));
  EXPECT_THAT(en, Not(HasSubstr("Đã trả lời")));
  ExpectGolden("period-en.html", en);
}

TEST(ReportDocument, WhatIsNotGivenIsLeftBlankToFillIn) {
  DocumentHeading h;
  h.place = "Hà Nội";
  const std::string vi = PeriodDocument(Period(), h, Language::kVietnamese);
  EXPECT_THAT(vi, HasSubstr("Số: ……/BC-……"));
  EXPECT_THAT(vi, HasSubstr("Hà Nội, ngày …… tháng …… năm 2024"));
  h.date = absl::CivilDay(2025, 1, 9);
  EXPECT_THAT(PeriodDocument(Period(), h, Language::kVietnamese),
              HasSubstr("Hà Nội, ngày 09 tháng 01 năm 2025"));
  h.subject = "Báo cáo tháng 10 của Bộ";
  EXPECT_THAT(PeriodDocument(Period(), h, Language::kVietnamese),
              HasSubstr("<p class=\"subject\">Báo cáo tháng 10 của Bộ</p>"));
}

TEST(ReportDocument, SessionAndTimelinessAreDocumentsToo) {
  const std::string session =
      SessionDocument(Session(), Signed(), Language::kVietnamese);
  EXPECT_THAT(session, HasSubstr("Kỳ họp thứ 7, Quốc hội khóa XV"));
  EXPECT_THAT(session, HasSubstr("Tiền lương (TIEN_LUONG)"));
  EXPECT_THAT(session, HasSubstr("Trình Chính phủ trong quý I/2025"));
  EXPECT_THAT(session, HasSubstr("31/03/2025"));
  EXPECT_THAT(session, HasSubstr("Thuộc thẩm quyền của Bộ Lao động"));
  EXPECT_THAT(session, HasSubstr("Tổng cộng</td><td class=\"n\">148"));
  ExpectGolden("session-vi.html", session);

  const std::string timeliness =
      TimelinessDocument(Timeliness(), Signed(), Language::kEnglish);
  EXPECT_THAT(timeliness, HasSubstr("Vụ Tiền lương (TL)</td><td>Documents"));
  EXPECT_THAT(timeliness, HasSubstr("Overdue, not answered, by days overdue"));
  EXPECT_THAT(timeliness,
              HasSubstr("Documents</td><td class=\"n\">1</td><td "
                        "class=\"n\">1</td><td class=\"n\">0</td>"));
  EXPECT_THAT(timeliness, HasSubstr("94.1%"));
  ExpectGolden("timeliness-en.html", timeliness);
}

}  // namespace
}  // namespace pqtrack::client
