#include "clients/common/report_document.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pqtrack::client {
namespace {

bool En(Language l) { return l == Language::kEnglish; }

// The Vietnamese or the English words.
const char* W(Language l, const char* vi, const char* en) {
  return En(l) ? en : vi;
}

// "Hà Nội, ngày 05 tháng 11 năm 2024": days below 10 and the months
// January and February with a leading zero (Decree 30, Appendix I).
// Unset parts are left as dots to fill in by hand.
std::string PlaceAndDate(const DocumentHeading& h, int year, Language l) {
  const std::string place = h.place.empty() ? "……………" : Html(h.place);
  if (!h.date) {
    return En(l) ? absl::StrCat(place, ", …… ……………… ", year)
                 : absl::StrCat(place, ", ngày …… tháng …… năm ", year);
  }
  const absl::CivilDay d = *h.date;
  if (En(l)) {
    return absl::StrCat(place, ", ", d.day(), " ", MonthName(d.month()), " ",
                        d.year());
  }
  return absl::StrFormat("%s, ngày %02d tháng %s năm %d", place, d.day(),
                         d.month() <= 2 ? absl::StrFormat("%02d", d.month())
                                        : absl::StrCat(d.month()),
                         d.year());
}

constexpr char kStyle[] = R"css(
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
html { background: #fff; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
  font-size: 13pt; line-height: 1.35; color: #000; max-width: 165mm;
  margin: 1em auto; }
table.heading, table.closing { width: 100%; border-collapse: collapse; }
table.heading td, table.closing td { border: 0; padding: 0; vertical-align: top; }
table.heading td { text-align: center; }
table.heading td.issuer { width: 36%; }
table.heading td.nation { font-size: 12pt; }
table.heading td.nation .caps { white-space: nowrap; }
/* Capitals by the style: the text keeps its own spelling. */
.caps { text-transform: uppercase; }
.rule { width: 35%; margin: 2pt auto 6pt; border-top: 1px solid #000; }
.motto { font-weight: bold; }
.place { font-style: italic; margin-top: 6pt; }
.number { margin-top: 2pt; }
h1 { font-size: 14pt; text-align: center; margin: 18pt 0 0; }
p.subject { font-weight: bold; text-align: center; margin: 2pt 0 12pt; }
h2 { font-size: 13pt; margin: 12pt 0 4pt; break-after: avoid; }
p { text-align: justify; text-indent: 1cm; margin: 0 0 6pt; }
table.figures { width: 100%; border-collapse: collapse; font-size: 12pt;
  margin: 4pt 0 8pt; }
table.figures th, table.figures td { border: 1px solid #000;
  padding: 2pt 4pt; }
table.figures th { font-weight: bold; text-align: center; font-size: 11pt; }
table.figures td.n { text-align: right; white-space: nowrap; }
table.figures tr { break-inside: avoid; }
table.figures thead { display: table-header-group; }
table.figures tr.total td { font-weight: bold; }
figure { margin: 4pt 0 8pt; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 11pt; font-style: italic; }
p.note { font-size: 11pt; font-style: italic; text-indent: 0; }
table.closing { margin-top: 18pt; break-inside: avoid; }
td.recipients { width: 50%; font-size: 11pt; }
td.recipients b { font-size: 12pt; font-style: italic; }
td.signature { text-align: center; }
td.signature .space { height: 25mm; }
)css";

// The whole document around `body`, with the day its figures are as of
// (whose year the date of issue takes when it is left blank).
std::string Document(const DocumentHeading& h, const v1::Date& as_of,
                     const std::string& subject, const std::string& body,
                     Language l) {
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"", W(l, "vi", "en"),
      "\"><head><meta charset=\"utf-8\"><title>", W(l, "Báo cáo", "Report"),
      " — ", Html(h.subject.empty() ? subject : h.subject), "</title><style>",
      kStyle, "</style></head><body>\n");
  // The heading: issuer and number; the nation, its motto, place and date.
  absl::StrAppend(&out, "<table class=\"heading\"><tr><td class=\"issuer\">");
  if (!h.parent_body.empty()) {
    absl::StrAppend(&out, "<div class=\"caps\">", Html(h.parent_body),
                    "</div>");
  }
  absl::StrAppend(
      &out, "<div class=\"caps\"><b>",
      h.issuer.empty() ? "……………………" : Html(h.issuer),
      "</b></div><div class=\"rule\"></div><div class=\"number\">",
      W(l, "Số: ", "No.: "), h.number.empty() ? "……/BC-……" : Html(h.number),
      "</div></td><td class=\"nation\"><div class=\"caps\"><b>",
      W(l, "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Socialist Republic of Viet Nam"),
      "</b></div><div class=\"motto\">",
      W(l, "Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
      "</div><div class=\"rule\"></div><div class=\"place\">",
      PlaceAndDate(h, as_of.year(), l), "</div></td></tr></table>\n");
  absl::StrAppend(
      &out, "<h1 class=\"caps\">", W(l, "Báo cáo", "Report"),
      "</h1>\n<p class=\"subject\">",
      Html(h.subject.empty() ? subject : h.subject), "</p>\n", body,
      "<p class=\"note\">",
      W(l, "Số liệu tính đến hết ngày ", "Figures as of the end of "),
      DayIn(as_of, l), ".</p>\n");
  // Recipients on the left, the signature on the right.
  absl::StrAppend(&out,
                  "<table class=\"closing\"><tr><td class=\"recipients\"><b>",
                  W(l, "Nơi nhận:", "To:"), "</b>");
  for (const std::string& r : h.recipients) {
    absl::StrAppend(&out, "<br>- ", Html(r), ";");
  }
  absl::StrAppend(&out, "<br>- ", W(l, "Lưu: VT.", "Archived: VT."),
                  "</td><td class=\"signature\">");
  if (!h.signer_authority.empty()) {
    absl::StrAppend(&out, "<div class=\"caps\"><b>", Html(h.signer_authority),
                    "</b></div>");
  }
  absl::StrAppend(&out, "<div class=\"caps\"><b>",
                  h.signer_title.empty() ? "……………………" : Html(h.signer_title),
                  "</b></div><div class=\"space\"></div><div><b>",
                  h.signer_name.empty() ? "……………………" : Html(h.signer_name),
                  "</b></div></td></tr></table>\n</body></html>\n");
  return out;
}

// A table: header cells, then rows whose cells are already HTML; cells
// given as numbers are right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header) {
    html_ = "<table class=\"figures\"><thead><tr>";
    for (const std::string& h : header) {
      absl::StrAppend(&html_, "<th>", Html(h), "</th>");
    }
    html_ += "</tr></thead><tbody>";
  }
  Table& Text(const std::string& s) {
    absl::StrAppend(&row_, "<td>", Html(s), "</td>");
    return *this;
  }
  Table& Num(const std::string& s) {
    absl::StrAppend(&row_, "<td class=\"n\">", Html(s), "</td>");
    return *this;
  }
  Table& End(bool total = false) {
    absl::StrAppend(&html_, total ? "<tr class=\"total\">" : "<tr>", row_,
                    "</tr>");
    row_.clear();
    return *this;
  }
  std::string Done() { return html_ + "</tbody></table>\n"; }

 private:
  std::string html_, row_;
};

std::string Para(const std::string& text) {
  return absl::StrCat("<p>", Html(text), "</p>\n");
}

std::string Figure(const std::string& svg, const std::string& caption) {
  return absl::StrCat("<figure>", svg, "<figcaption>", Html(caption),
                      "</figcaption></figure>\n");
}

// "I.", "II.", ... for the sections.
std::string Roman(int n) {
  static const char* kRoman[] = {"I", "II", "III", "IV",
                                 "V", "VI", "VII", "VIII"};
  return absl::StrCat(kRoman[std::clamp(n, 1, 8) - 1], ". ");
}

std::string KindName(const std::string& kind, Language l) {
  if (kind == "DOCUMENT") return W(l, "Văn bản", "Documents");
  if (kind == "TASK") return W(l, "Nhiệm vụ", "Tasks");
  if (kind == "QUESTION") return W(l, "Chất vấn", "Questions");
  if (kind == "PETITION") return W(l, "Kiến nghị cử tri", "Voters' petitions");
  return kind;
}

std::string UnitLabel(const std::string& code, const std::string& name) {
  return name.empty() ? code : absl::StrCat(name, " (", code, ")");
}

}  // namespace

std::string PeriodDocument(const v1::PeriodReportResponse& r,
                           const DocumentHeading& h, Language l) {
  const auto n = [&](int64_t v) { return Number(v, l); };
  const std::string from = DayIn(r.from(), l), to = DayIn(r.to(), l);
  std::string subject =
      En(l) ? absl::StrCat(
                  "On documents, tasks, questions and voters' "
                  "petitions received and answered from ",
                  from, " to ", to)
            : absl::StrCat(
                  "Tình hình tiếp nhận, trả lời văn bản, nhiệm vụ, "
                  "chất vấn và kiến nghị cử tri từ ngày ",
                  from, " đến ngày ", to);
  if (!r.unit_code().empty()) {
    absl::StrAppend(&subject, W(l, " của ", " of "),
                    UnitLabel(r.unit_code(), r.unit_name()));
  }
  std::string body = Para(PeriodText(r, l));
  int section = 0;

  const v1::DocumentFigures& d = r.documents();
  absl::StrAppend(&body, "<h2>", Roman(++section),
                  W(l, "Văn bản đến cần trả lời", "Documents received"),
                  "</h2>\n");
  Table docs({W(l, "Chỉ tiêu", "Figure"), W(l, "Số lượng", "Number")});
  docs.Text(W(l, "Văn bản tiếp nhận", "Received")).Num(n(d.received())).End();
  docs.Text(W(l, "Cần trả lời", "Needing a reply"))
      .Num(n(d.needing_reply()))
      .End();
  docs.Text(W(l, "Đã trả lời", "Answered")).Num(n(d.answered())).End();
  docs.Text(W(l, "— trong đó đúng hạn", "— of which on time"))
      .Num(n(d.answered_on_time()))
      .End();
  docs.Text(W(l, "— trong đó trả lời muộn (sau hạn)",
              "— of which answered late (after the due date)"))
      .Num(n(d.answered_late()))
      .End();
  docs.Text(W(l, "Chưa trả lời, chưa đến hạn", "Not answered, not yet due"))
      .Num(n(d.not_yet_due()))
      .End();
  docs.Text(W(l, "Quá hạn, chưa trả lời", "Overdue, not answered"))
      .Num(n(d.overdue()))
      .End();
  body += docs.Done();

  absl::StrAppend(
      &body, "<h2>", Roman(++section),
      W(l, "Nhiệm vụ được giao và chất vấn", "Tasks assigned and questions"),
      "</h2>\n");
  Table tasks({W(l, "Chỉ tiêu", "Figure"), W(l, "Số lượng", "Number")});
  tasks.Text(W(l, "Nhiệm vụ được giao", "Tasks assigned"))
      .Num(n(r.tasks().assigned()))
      .End();
  tasks.Text(W(l, "Nhiệm vụ đã hoàn thành", "Tasks completed"))
      .Num(absl::StrCat(n(r.tasks().completed()), " (",
                        Percent(r.tasks().completed_permille(), l), ")"))
      .End();
  tasks.Text(W(l, "Chất vấn tiếp nhận", "Questions received"))
      .Num(n(r.questions().received()))
      .End();
  tasks.Text(W(l, "Chất vấn đã trả lời", "Questions answered"))
      .Num(n(r.questions().answered()))
      .End();
  body += tasks.Done();

  absl::StrAppend(&body, "<h2>", Roman(++section),
                  W(l, "Kiến nghị cử tri theo kỳ họp và đợt",
                    "Voters' petitions by session and batch"),
                  "</h2>\n");
  Table petitions({W(l, "Kỳ họp", "Session"), W(l, "Đợt", "Batch"),
                   W(l, "Ngày nhận", "Received on"),
                   W(l, "Kiến nghị", "Petitions"),
                   W(l, "Đã trả lời", "Answered")});
  for (const auto& x : r.petitions()) {
    const std::string session =
        En(l) ? absl::StrCat("Session ", x.session_number(), ", term ",
                             x.term_code())
              : absl::StrCat("Kỳ họp thứ ", x.session_number(), ", khóa ",
                             x.term_code());
    if (x.batches_size() == 0) {
      petitions.Text(session)
          .Text(W(l, "chưa nhận", "none received yet"))
          .Text("")
          .Num("0")
          .Num("0")
          .End();
    }
    for (const auto& b : x.batches()) {
      petitions.Text(session)
          .Text(BatchPhaseWords(b.phase(), l))
          .Text(DayIn(b.received_on(), l))
          .Num(n(b.petitions()))
          .Num(n(b.answered()))
          .End();
    }
  }
  body += petitions.Done();

  absl::StrAppend(&body, "<h2>", Roman(++section),
                  W(l, "Kết quả theo đơn vị chủ trì", "By lead unit"),
                  "</h2>\n");
  Table units({W(l, "Đơn vị", "Unit"), W(l, "Cần trả lời", "Needing a reply"),
               W(l, "Đã trả lời", "Answered"), W(l, "Đúng hạn", "On time"),
               W(l, "Tỷ lệ đúng hạn", "On-time share"),
               W(l, "Quá hạn, chưa trả lời", "Overdue, not answered")});
  std::vector<std::pair<std::string, double>> rates;
  for (const auto& u : r.units()) {
    units.Text(UnitLabel(u.unit_code(), u.unit_name()))
        .Num(n(u.needing_reply()))
        .Num(n(u.answered()))
        .Num(n(u.answered_on_time()))
        .Num(u.answered() == 0 ? "—" : Percent(u.on_time_permille(), l))
        .Num(n(u.overdue()))
        .End();
    if (u.answered() > 0) {
      rates.push_back({u.unit_name().empty() ? u.unit_code() : u.unit_name(),
                       u.on_time_permille() / 10.0});
    }
  }
  body += units.Done();
  if (!rates.empty()) {
    body += Figure(Bars(rates, 100, "%"),
                   W(l, "Tỷ lệ trả lời đúng hạn theo đơn vị (%)",
                     "Share answered on time per unit (%)"));
  }

  absl::StrAppend(&body, "<h2>", Roman(++section),
                  W(l, "Việc đang mở theo tuần đến hạn",
                    "Open items by the week they fall due"),
                  "</h2>\n");
  Table weeks({W(l, "Hạn trả lời", "Due"), W(l, "Đang mở", "Open")});
  std::vector<std::pair<std::string, double>> bars;
  double most = 0;
  const auto week = [&](const std::string& label, int v, bool total = false) {
    weeks.Text(label).Num(n(v)).End(total);
    if (total) return;
    bars.push_back({label, static_cast<double>(v)});
    most = std::max(most, static_cast<double>(v));
  };
  if (r.due_weeks_size() > 0) {
    week(absl::StrCat(W(l, "trước tuần ", "before the week of "),
                      DayIn(r.due_weeks(0).week_of(), l)),
         r.open_due_earlier());
  }
  for (const auto& w : r.due_weeks()) {
    week(absl::StrCat(W(l, "tuần từ ", "week of "), DayIn(w.week_of(), l)),
         w.open_items());
  }
  week(W(l, "sau đó", "later"), r.open_due_later());
  week(W(l, "không có hạn", "no due date"), r.open_without_due_date());
  week(W(l, "Tổng số việc đang mở", "All open items"), r.open_total(), true);
  body += weeks.Done();
  body +=
      Figure(Bars(bars, most, ""), W(l, "Việc đang mở theo tuần đến hạn",
                                     "Open items by the week they fall due"));
  return Document(h, r.as_of(), subject, body, l);
}

std::string SessionDocument(const v1::SessionReportResponse& r,
                            const DocumentHeading& h, Language l) {
  const auto n = [&](int64_t v) { return Number(v, l); };
  std::string subject =
      En(l) ? absl::StrCat(
                  "Results of resolving and answering the voters' "
                  "petitions sent to the session ",
                  r.session_number(),
                  " of the National Assembly, "
                  "term ",
                  r.term_code())
            : absl::StrCat(
                  "Kết quả giải quyết, trả lời kiến nghị của cử tri "
                  "gửi tới Kỳ họp thứ ",
                  r.session_number(), ", Quốc hội khóa ", r.term_code());
  if (r.batch_id() != 0) {
    absl::StrAppend(&subject, W(l, " (đợt ", " (batch "), r.batch_id(), ")");
  }
  if (!r.unit_code().empty()) {
    absl::StrAppend(&subject, W(l, ", đơn vị ", ", unit "), r.unit_code());
  }
  std::string body = Para(SessionText(r, l));
  int section = 0;
  const auto outcomes =
      [&](const std::string& title, const char* group,
          const google::protobuf::RepeatedPtrField<v1::OutcomeFigures>& rows) {
        absl::StrAppend(&body, "<h2>", Roman(++section), Html(title),
                        "</h2>\n");
        Table t({group, W(l, "Tổng số", "Total"),
                 W(l, "Đã trả lời", "Answered"),
                 W(l, "Đã giải quyết", "Resolved"),
                 W(l, "Đang giải quyết", "Being resolved"),
                 W(l, "Giải trình, cung cấp thông tin", "Explained")});
        const auto row = [&](const v1::OutcomeFigures& f,
                             const std::string& label, bool total) {
          t.Text(label)
              .Num(n(f.total()))
              .Num(n(f.answered()))
              .Num(n(f.resolved()))
              .Num(n(f.in_resolution()))
              .Num(n(f.explained()))
              .End(total);
        };
        for (const auto& f : rows) {
          row(f, f.name().empty() ? f.key() : UnitLabel(f.key(), f.name()),
              false);
        }
        row(r.total(), W(l, "Tổng cộng", "Total"), true);
        body += t.Done();
      };
  outcomes(W(l, "Theo lĩnh vực", "By field"), W(l, "Lĩnh vực", "Field"),
           r.fields());
  outcomes(W(l, "Theo đơn vị chủ trì", "By lead unit"), W(l, "Đơn vị", "Unit"),
           r.units());
  const auto in_resolution =
      [&](const std::string& title,
          const google::protobuf::RepeatedPtrField<v1::InResolution>& rows) {
        if (rows.empty()) return;
        absl::StrAppend(&body, "<h2>", Roman(++section), Html(title),
                        "</h2>\n");
        Table t({W(l, "Số", "No."), W(l, "Kiến nghị", "Petition"),
                 W(l, "Đơn vị", "Unit"), W(l, "Lộ trình", "Roadmap"),
                 W(l, "Dự kiến hoàn thành", "Expected completion")});
        for (const auto& x : rows) {
          t.Num(absl::StrCat(x.item_id()))
              .Text(x.title())
              .Text(x.unit_code())
              .Text(x.roadmap())
              .Text(DayIn(x.expected_completion(), l))
              .End();
        }
        body += t.Done();
      };
  in_resolution(W(l, "Kiến nghị đang giải quyết theo lộ trình",
                  "Petitions being resolved on a roadmap"),
                r.in_resolution());
  in_resolution(W(l, "Kiến nghị các kỳ họp trước còn đang giải quyết",
                  "Petitions of earlier sessions still being resolved"),
                r.carried_over());
  if (!r.transferred_out().empty()) {
    absl::StrAppend(&body, "<h2>", Roman(++section),
                    W(l, "Kiến nghị đã chuyển cơ quan có thẩm quyền",
                      "Petitions transferred to the competent agencies"),
                    "</h2>\n");
    Table t({W(l, "Số", "No."), W(l, "Kiến nghị", "Petition"),
             W(l, "Chuyển tới", "Transferred to"), W(l, "Lý do", "Reason")});
    for (const auto& x : r.transferred_out()) {
      t.Num(absl::StrCat(x.item_id()))
          .Text(x.title())
          .Text(x.to_unit_code())
          .Text(x.reason())
          .End();
    }
    body += t.Done();
  }
  return Document(h, r.as_of(), subject, body, l);
}

std::string TimelinessDocument(const v1::TimelinessReportResponse& r,
                               const DocumentHeading& h, Language l) {
  const auto n = [&](int64_t v) { return Number(v, l); };
  std::string subject =
      En(l) ? absl::StrCat(
                  "On the timeliness of replies to the items "
                  "received from ",
                  DayIn(r.from(), l), " to ", DayIn(r.to(), l))
            : absl::StrCat(
                  "Tình hình trả lời đúng hạn các văn bản, nhiệm vụ, "
                  "chất vấn và kiến nghị tiếp nhận từ ngày ",
                  DayIn(r.from(), l), " đến ngày ", DayIn(r.to(), l));
  if (!r.unit_code().empty()) {
    absl::StrAppend(&subject, W(l, ", đơn vị ", ", unit "), r.unit_code());
  }
  std::string body = Para(TimelinessText(r, l));
  absl::StrAppend(
      &body, "<h2>", Roman(1),
      W(l, "Trả lời theo đơn vị và loại việc", "Answers by unit and kind"),
      "</h2>\n");
  Table answers(
      {W(l, "Đơn vị", "Unit"), W(l, "Loại", "Kind"),
       W(l, "Cần trả lời", "Needing a reply"), W(l, "Đã trả lời", "Answered"),
       W(l, "Đúng hạn", "On time"), W(l, "Tỷ lệ đúng hạn", "On-time share"),
       W(l, "Số ngày trả lời (trung vị)", "Days to answer (median)"),
       W(l, "90% được trả lời trong (ngày)", "90% answered within (days)")});
  Table open({W(l, "Đơn vị", "Unit"), W(l, "Loại", "Kind"),
              W(l, "Quá hạn 1–7 ngày", "Overdue 1–7 days"),
              W(l, "8–30 ngày", "8–30 days"), W(l, "31–90 ngày", "31–90 days"),
              W(l, "Trên 90 ngày", "Over 90 days"),
              W(l, "Gia hạn", "Extensions"), W(l, "Chuyển", "Transfers")});
  std::vector<std::pair<std::string, double>> rates;
  const auto row = [&](const v1::TimelinessRow& x, const std::string& unit,
                       const std::string& kind, bool total) {
    const bool none = x.answered() == 0;
    answers.Text(unit)
        .Text(kind)
        .Num(n(x.needing_reply()))
        .Num(n(x.answered()))
        .Num(n(x.answered_on_time()))
        .Num(none ? "—" : Percent(x.on_time_permille(), l))
        .Num(none ? "—" : n(x.median_days()))
        .Num(none ? "—" : n(x.p90_days()))
        .End(total);
    open.Text(unit)
        .Text(kind)
        .Num(n(x.overdue_1_7()))
        .Num(n(x.overdue_8_30()))
        .Num(n(x.overdue_31_90()))
        .Num(n(x.overdue_over_90()))
        .Num(n(x.extensions()))
        .Num(n(x.transfers()))
        .End(total);
  };
  for (const auto& x : r.rows()) {
    const std::string kind = KindName(x.kind(), l);
    row(x, UnitLabel(x.unit_code(), x.unit_name()), kind, false);
    if (x.answered() > 0) {
      rates.push_back({absl::StrCat(x.unit_code(), " · ", kind),
                       x.on_time_permille() / 10.0});
    }
  }
  row(r.total(), W(l, "Tổng cộng", "Total"), "", true);
  body += answers.Done();
  if (!rates.empty()) {
    body += Figure(Bars(rates, 100, "%"), W(l, "Tỷ lệ trả lời đúng hạn (%)",
                                            "Share answered on time (%)"));
  }
  absl::StrAppend(&body, "<h2>", Roman(2),
                  W(l,
                    "Quá hạn, chưa trả lời, theo số ngày quá hạn; gia hạn "
                    "và chuyển",
                    "Overdue, not answered, by days overdue; extensions and "
                    "transfers"),
                  "</h2>\n", open.Done());
  return Document(h, r.as_of(), subject, body, l);
}

}  // namespace pqtrack::client
