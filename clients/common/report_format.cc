#include "clients/common/report_format.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "services/common/csv.h"

namespace pqtrack::client {
namespace {

bool En(Language l) { return l == Language::kEnglish; }

absl::CivilDay Day(const v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

std::string Iso(const v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string Vn(const v1::Date& d) {
  return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year());
}

// "In October 2024" / "Trong tháng 10/2024", or the two days.
std::string PeriodPhrase(const v1::PeriodReportResponse& r, Language lang) {
  const absl::CivilDay from = Day(r.from()), to = Day(r.to());
  const bool month = from.day() == 1 &&
                     absl::CivilMonth(from) == absl::CivilMonth(to) &&
                     absl::CivilDay(absl::CivilMonth(to) + 1) - 1 == to;
  if (month) {
    return En(lang)
               ? absl::StrCat("In ", MonthName(from.month()), " ", from.year())
               : absl::StrFormat("Trong tháng %d/%d", from.month(),
                                 from.year());
  }
  return En(lang)
             ? absl::StrCat("From ", Iso(r.from()), " to ", Iso(r.to()))
             : absl::StrCat("Từ ngày ", Vn(r.from()), " đến ngày ", Vn(r.to()));
}

std::string Who(const v1::PeriodReportResponse& r, Language lang) {
  if (r.unit_code().empty()) return En(lang) ? "the Ministry" : "Bộ";
  return absl::StrCat(r.unit_name(), " (", r.unit_code(), ")");
}

std::string Ordinal(int n) {
  const int mod100 = n % 100;
  const char* suffix = "th";
  if (mod100 < 11 || mod100 > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return absl::StrCat(n, suffix);
}

}  // namespace

const char* MonthName(int month) {
  static const char* const kMonths[] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  return kMonths[std::clamp(month, 1, 12) - 1];
}

std::string DayIn(const v1::Date& d, Language lang) {
  if (d.year() == 0) return "";
  return En(lang) ? Iso(d) : Vn(d);
}

std::string BatchPhaseWords(const std::string& phase, Language lang) {
  if (phase == "BATCH_PHASE_BEFORE_SESSION") {
    return En(lang) ? "before the session" : "trước kỳ họp";
  }
  if (phase == "BATCH_PHASE_AFTER_SESSION") {
    return En(lang) ? "after the session" : "sau kỳ họp";
  }
  return phase;
}

std::string Html(const std::string& s) {
  return absl::StrReplaceAll(
      s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string Bars(const std::vector<std::pair<std::string, double>>& rows,
                 double max, const std::string& unit_suffix) {
  const int row_h = 24, label_w = 220, bar_w = 360;
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "role=\"img\">",
      label_w + bar_w + 80, static_cast<int>(rows.size()) * row_h + 8);
  for (size_t i = 0; i < rows.size(); ++i) {
    const int y = static_cast<int>(i) * row_h + 4;
    const double v = rows[i].second;
    const int w =
        max > 0 ? static_cast<int>(bar_w * std::min(1.0, v / max)) : 0;
    absl::StrAppendFormat(
        &svg,
        "<text x=\"0\" y=\"%d\" font-size=\"13\">%s</text>"
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#2f6fb0\"/>"
        "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s%s</text>",
        y + 13, Html(rows[i].first), label_w, y, std::max(w, 1),
        label_w + w + 6, y + 13, absl::StrFormat("%g", v), unit_suffix);
  }
  svg += "</svg>";
  return svg;
}

std::string Number(int64_t n, Language lang) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += En(lang) ? ',' : '.';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Percent(int permille, Language lang) {
  return absl::StrCat(permille / 10, En(lang) ? "." : ",", permille % 10, "%");
}

std::string PeriodText(const v1::PeriodReportResponse& r, Language lang) {
  const v1::DocumentFigures& d = r.documents();
  const auto n = [&](int64_t v) { return Number(v, lang); };
  std::string out;
  if (En(lang)) {
    absl::StrAppend(&out, PeriodPhrase(r, lang), " ", Who(r, lang),
                    " received ", n(d.received()), " documents, of which ",
                    n(d.needing_reply()),
                    " required a reply: ", n(d.answered()), " answered");
    if (d.answered() > 0) {
      absl::StrAppend(
          &out, " (", n(d.answered_on_time()), " on time",
          d.answered_late() > 0
              ? absl::StrCat(", ", n(d.answered_late()), " answered late")
              : "",
          ")");
    }
    absl::StrAppend(&out, ", ", n(d.not_yet_due()), " not yet due, ",
                    d.overdue() == 0 ? "none overdue"
                                     : absl::StrCat(n(d.overdue()),
                                                    " overdue, not answered"),
                    ".");
    if (r.tasks().assigned() > 0) {
      absl::StrAppend(&out, " Of ", n(r.tasks().assigned()),
                      " tasks assigned, ", n(r.tasks().completed()),
                      " were completed (",
                      Percent(r.tasks().completed_permille(), lang), ").");
    }
    for (const auto& s : r.petitions()) {
      if (s.batches_size() == 0) {
        absl::StrAppend(&out,
                        " No voters' petitions have been received yet "
                        "for the ",
                        Ordinal(s.session_number()), " session.");
      } else {
        absl::StrAppend(&out, " Of the ", n(s.petitions()),
                        " voters' petitions sent before and after the ",
                        Ordinal(s.session_number()),
                        " session of the National Assembly (term ",
                        s.term_code(), "), ", n(s.answered()),
                        " have been answered.");
      }
    }
    if (r.questions().received() > 0) {
      absl::StrAppend(&out, " Questions: ", n(r.questions().received()),
                      " received, ", n(r.questions().answered()), " answered.");
    }
    absl::StrAppend(&out, " (Figures as of ", Iso(r.as_of()), ".)");
  } else {
    absl::StrAppend(&out, PeriodPhrase(r, lang), ", ", Who(r, lang),
                    " đã tiếp nhận ", n(d.received()), " văn bản, trong đó có ",
                    n(d.needing_reply()), " văn bản cần trả lời: đã trả lời ",
                    n(d.answered()), " văn bản");
    if (d.answered() > 0) {
      absl::StrAppend(&out, " (đúng hạn ", n(d.answered_on_time()),
                      d.answered_late() > 0 ? absl::StrCat(", trả lời muộn ",
                                                           n(d.answered_late()))
                                            : "",
                      ")");
    }
    absl::StrAppend(&out, ", chưa đến hạn ", n(d.not_yet_due()), " văn bản, ",
                    d.overdue() == 0 ? "không có văn bản quá hạn"
                                     : absl::StrCat("quá hạn chưa trả lời ",
                                                    n(d.overdue()), " văn bản"),
                    ".");
    if (r.tasks().assigned() > 0) {
      absl::StrAppend(&out, " Được giao ", n(r.tasks().assigned()),
                      " nhiệm vụ, đã hoàn thành ", n(r.tasks().completed()),
                      " nhiệm vụ (đạt ",
                      Percent(r.tasks().completed_permille(), lang), ").");
    }
    for (const auto& s : r.petitions()) {
      if (s.batches_size() == 0) {
        absl::StrAppend(&out,
                        " Chưa nhận được kiến nghị cử tri gửi tới Kỳ họp thứ ",
                        s.session_number(), ".");
      } else {
        absl::StrAppend(
            &out, " Đã trả lời ", n(s.answered()), "/", n(s.petitions()),
            " kiến nghị cử tri gửi trước và sau Kỳ họp thứ ",
            s.session_number(), ", Quốc hội khóa ", s.term_code(), ".");
      }
    }
    if (r.questions().received() > 0) {
      absl::StrAppend(&out, " Chất vấn: tiếp nhận ",
                      n(r.questions().received()), ", đã trả lời ",
                      n(r.questions().answered()), ".");
    }
    absl::StrAppend(&out, " (Số liệu tính đến ngày ", Vn(r.as_of()), ".)");
  }
  return out + "\n";
}

// The UTF-8 byte-order mark: Excel on Windows reads the file as UTF-8 only
// when it starts with one.
constexpr char kBom[] = "\xEF\xBB\xBF";

// A figure as a spreadsheet cell: tenths of a percent as a plain number
// with one decimal (91.9), which every locale's spreadsheet reads.
std::string PercentCell(int permille) {
  return absl::StrCat(permille / 10, ".", permille % 10);
}

std::string PeriodCsv(const v1::PeriodReportResponse& r) {
  std::string out = kBom;
  const auto n = [](int64_t v) { return absl::StrCat(v); };
  // Each table: a title line, a header line, its rows, a blank line.
  const auto table = [&](const std::string& title,
                         const std::vector<std::string>& header) {
    out += CsvLine({title});
    out += CsvLine(header);
  };
  out += CsvLine(
      {absl::StrCat("Báo cáo / Report ", Iso(r.from()), " – ", Iso(r.to()),
                    ", số liệu đến ngày / as of ", Iso(r.as_of())),
       r.unit_code().empty()
           ? std::string("Toàn Bộ / whole ministry")
           : absl::StrCat(r.unit_code(), " ", r.unit_name())});
  out += "\n";
  const v1::DocumentFigures& d = r.documents();
  table("Văn bản / Documents",
        {"Tiếp nhận / Received", "Cần trả lời / Needing a reply",
         "Đã trả lời / Answered", "Đúng hạn / On time",
         "Trả lời muộn / Answered late", "Chưa đến hạn / Not yet due",
         "Quá hạn chưa trả lời / Overdue, not answered"});
  out += CsvLine({n(d.received()), n(d.needing_reply()), n(d.answered()),
                  n(d.answered_on_time()), n(d.answered_late()),
                  n(d.not_yet_due()), n(d.overdue())});
  out += "\n";
  table("Nhiệm vụ và chất vấn / Tasks and questions",
        {"Nhiệm vụ được giao / Tasks assigned", "Đã hoàn thành / Completed",
         "Tỷ lệ hoàn thành (%) / Completed (%)",
         "Chất vấn tiếp nhận / Questions received", "Đã trả lời / Answered"});
  out += CsvLine({n(r.tasks().assigned()), n(r.tasks().completed()),
                  PercentCell(r.tasks().completed_permille()),
                  n(r.questions().received()), n(r.questions().answered())});
  out += "\n";
  table("Theo đơn vị / By unit",
        {"Mã / Code", "Đơn vị / Unit", "Cần trả lời / Needing a reply",
         "Đã trả lời / Answered", "Đúng hạn / On time",
         "Quá hạn chưa trả lời / Overdue, not answered"});
  for (const auto& u : r.units()) {
    out += CsvLine({u.unit_code(), u.unit_name(), n(u.needing_reply()),
                    n(u.answered()), n(u.answered_on_time()), n(u.overdue())});
  }
  out += "\n";
  table("Kiến nghị cử tri theo đợt / Voters' petitions by batch",
        {"Khóa / Term", "Kỳ họp / Session", "Đợt / Batch", "Gửi / Forwarded",
         "Ngày nhận / Received on", "Kiến nghị / Petitions",
         "Đã trả lời / Answered"});
  for (const auto& x : r.petitions()) {
    if (x.batches_size() == 0) {
      out +=
          CsvLine({x.term_code(), n(x.session_number()), "", "", "", "0", "0"});
    }
    for (const auto& b : x.batches()) {
      out += CsvLine(
          {x.term_code(), n(x.session_number()), n(b.batch_id()),
           absl::StrCat(BatchPhaseWords(b.phase(), Language::kVietnamese),
                        " / ", BatchPhaseWords(b.phase(), Language::kEnglish)),
           Iso(b.received_on()), n(b.petitions()), n(b.answered())});
    }
  }
  out += "\n";
  table("Việc đang mở theo tuần đến hạn / Open items by due week",
        {"Hạn / Due", "Đang mở / Open"});
  if (r.due_weeks_size() > 0) {
    out +=
        CsvLine({absl::StrCat("trước / before ", Iso(r.due_weeks(0).week_of())),
                 n(r.open_due_earlier())});
  }
  for (const auto& w : r.due_weeks()) {
    out += CsvLine(
        {absl::StrCat("tuần / week of ", Iso(w.week_of())), n(w.open_items())});
  }
  out += CsvLine({"sau đó / later", n(r.open_due_later())});
  out += CsvLine({"không có hạn / no due date", n(r.open_without_due_date())});
  out += CsvLine({"tổng / total", n(r.open_total())});
  return out;
}

std::string SessionText(const v1::SessionReportResponse& r, Language lang) {
  const auto n = [&](int64_t v) { return Number(v, lang); };
  const v1::OutcomeFigures& t = r.total();
  std::string out;
  if (En(lang)) {
    absl::StrAppend(
        &out, "Of the ", n(t.total()), " voters' petitions sent for the ",
        Ordinal(r.session_number()), " session of the National Assembly (term ",
        r.term_code(), "), ", n(t.answered()),
        " have been answered: ", n(t.resolved()), " resolved, ",
        n(t.in_resolution()), " being resolved (with a roadmap), ",
        n(t.explained()), " explained.");
    if (r.carried_over_size() > 0) {
      absl::StrAppend(&out, " ", n(r.carried_over_size()),
                      " petitions of earlier sessions are still being "
                      "resolved.");
    }
    if (r.transferred_out_size() > 0) {
      absl::StrAppend(&out, " ", n(r.transferred_out_size()),
                      " were transferred to the competent agencies.");
    }
    if (r.report_due_on().year() != 0) {
      absl::StrAppend(&out, " The report is due by ", Iso(r.report_due_on()),
                      ".");
    }
    absl::StrAppend(&out, " (Figures as of ", Iso(r.as_of()), ".)");
  } else {
    absl::StrAppend(&out, "Về ", n(t.total()),
                    " kiến nghị cử tri gửi tới Kỳ họp thứ ", r.session_number(),
                    ", Quốc hội khóa ", r.term_code(), ": đã trả lời ",
                    n(t.answered()), " kiến nghị, trong đó ", n(t.resolved()),
                    " đã giải quyết, ", n(t.in_resolution()),
                    " đang giải quyết (có lộ trình), ", n(t.explained()),
                    " đã giải trình, cung cấp thông tin.");
    if (r.carried_over_size() > 0) {
      absl::StrAppend(&out, " Còn ", n(r.carried_over_size()),
                      " kiến nghị của các kỳ họp trước đang giải quyết.");
    }
    if (r.transferred_out_size() > 0) {
      absl::StrAppend(&out, " Đã chuyển ", n(r.transferred_out_size()),
                      " kiến nghị tới cơ quan có thẩm quyền.");
    }
    if (r.report_due_on().year() != 0) {
      absl::StrAppend(&out, " Hạn gửi báo cáo: ", Vn(r.report_due_on()), ".");
    }
    absl::StrAppend(&out, " (Số liệu tính đến ngày ", Vn(r.as_of()), ".)");
  }
  return out + "\n";
}

std::string SessionCsv(const v1::SessionReportResponse& r) {
  std::string out = kBom + CsvLine({"group", "key", "name", "total", "answered",
                                    "resolved", "in_resolution", "explained"});
  const auto add = [&](const std::string& group, const v1::OutcomeFigures& f) {
    out +=
        CsvLine({group, f.key(), f.name(), absl::StrCat(f.total()),
                 absl::StrCat(f.answered()), absl::StrCat(f.resolved()),
                 absl::StrCat(f.in_resolution()), absl::StrCat(f.explained())});
  };
  add("total", r.total());
  for (const auto& f : r.fields()) add("field", f);
  for (const auto& u : r.units()) add("unit", u);
  return out;
}

std::string TimelinessCsv(const v1::TimelinessReportResponse& r) {
  std::string out =
      kBom +
      CsvLine({"unit", "kind", "needing_reply", "answered", "answered_on_time",
               "on_time_percent", "median_days", "p90_days", "overdue_1_7",
               "overdue_8_30", "overdue_31_90", "overdue_over_90", "extensions",
               "transfers"});
  const auto add = [&](const v1::TimelinessRow& x, const std::string& unit,
                       const std::string& kind) {
    out += CsvLine(
        {unit, kind, absl::StrCat(x.needing_reply()),
         absl::StrCat(x.answered()), absl::StrCat(x.answered_on_time()),
         x.answered() == 0 ? "" : PercentCell(x.on_time_permille()),
         absl::StrCat(x.median_days()), absl::StrCat(x.p90_days()),
         absl::StrCat(x.overdue_1_7()), absl::StrCat(x.overdue_8_30()),
         absl::StrCat(x.overdue_31_90()), absl::StrCat(x.overdue_over_90()),
         absl::StrCat(x.extensions()), absl::StrCat(x.transfers())});
  };
  for (const auto& x : r.rows()) add(x, x.unit_code(), x.kind());
  add(r.total(), "total", "all");
  return out;
}

std::string TimelinessText(const v1::TimelinessReportResponse& r,
                           Language lang) {
  const v1::TimelinessRow& t = r.total();
  const auto n = [&](int64_t v) { return Number(v, lang); };
  const int overdue = t.overdue_1_7() + t.overdue_8_30() + t.overdue_31_90() +
                      t.overdue_over_90();
  const std::string from = DayIn(r.from(), lang);
  const std::string to = DayIn(r.to(), lang);
  std::string out;
  if (En(lang)) {
    absl::StrAppend(
        &out, "Of the ", n(t.needing_reply()), " items received from ", from,
        " to ", to, " that needed a reply, ", n(t.answered()),
        " were answered, ", Percent(t.on_time_permille(), lang),
        " of them on time; an answer took ", t.median_days(),
        " days (median), ", t.p90_days(), " days for the slowest tenth. ",
        overdue == 0
            ? "None is overdue"
            : absl::StrCat(n(overdue), " are overdue (", n(t.overdue_over_90()),
                           " by more than 90 days)"),
        "; ", n(t.extensions()), " deadline(s) were extended and ",
        n(t.transfers()), " item(s) transferred. (Figures as of ",
        Iso(r.as_of()), ".)");
  } else {
    absl::StrAppend(
        &out, "Trong ", n(t.needing_reply()),
        " văn bản, kiến nghị, nhiệm vụ tiếp nhận từ ngày ", from, " đến ngày ",
        to, " cần trả lời, đã trả lời ", n(t.answered()),
        ", trong đó đúng hạn ", Percent(t.on_time_permille(), lang),
        "; thời gian trả lời trung vị ", t.median_days(),
        " ngày, 10% chậm nhất từ ", t.p90_days(), " ngày trở lên. ",
        overdue == 0
            ? "Không có việc quá hạn"
            : absl::StrCat("Còn ", n(overdue), " việc quá hạn (",
                           n(t.overdue_over_90()), " việc quá 90 ngày)"),
        "; gia hạn ", n(t.extensions()), " lần, chuyển ", n(t.transfers()),
        " việc. (Số liệu tính đến ngày ", Vn(r.as_of()), ".)");
  }
  return out + "\n";
}

}  // namespace pqtrack::client
