// /reports and /reports/document: the reports as documents to sign
// (clients/common/report_document), downloaded in the page's language, for
// the user's scope (the server narrows a leader's or responder's report to
// their unit).
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/common/report_document.h"
#include "clients/web/html.h"
#include "clients/web/web_desk.h"
#include "pqtrack/v1/assembly.grpc.pb.h"
#include "pqtrack/v1/report.grpc.pb.h"
#include "services/common/dates.h"

namespace pqtrack::web {
namespace {

v1::Date ProtoDate(absl::CivilDay d) {
  v1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

// "2024-10" -> its first and last day.
bool ParseMonth(const std::string& s, v1::Date* from, v1::Date* to) {
  const std::vector<std::string> parts = absl::StrSplit(s, '-');
  int y = 0, m = 0;
  if (parts.size() != 2 || parts[0].size() != 4 || parts[1].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      y < 1990 || y > 2200 || m < 1 || m > 12) {
    return false;
  }
  const absl::CivilMonth month(y, m);
  *from = ProtoDate(absl::CivilDay(month));
  *to = ProtoDate(absl::CivilDay(month + 1) - 1);
  return true;
}

// The query of a GET form. httplib keeps a '+' (a browser's space) as it
// is in query strings, so they are split and decoded here, '+' as space.
std::map<std::string, std::string> Query(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  const size_t q = req.target.find('?');
  if (q == std::string::npos) return out;
  for (absl::string_view pair :
       absl::StrSplit(absl::string_view(req.target).substr(q + 1), '&')) {
    const size_t eq = pair.find('=');
    if (eq == absl::string_view::npos) continue;
    out[httplib::detail::decode_url(std::string(pair.substr(0, eq)), true)] =
        httplib::detail::decode_url(std::string(pair.substr(eq + 1)), true);
  }
  return out;
}

// A labelled input, holding what the form last sent (a refused form comes
// back as it was typed).
std::string Field(const std::string& lang,
                  std::map<std::string, std::string>& sent, const char* name,
                  const char* key, const std::string& type = "text") {
  return absl::StrCat("<label for=\"r-", name, "\">", Escape(T(lang, key)),
                      "</label><input id=\"r-", name, "\" name=\"", name,
                      "\" type=\"", type, "\" value=\"", Escape(sent[name]),
                      "\">");
}

}  // namespace

void WebDesk::ReportsPage(const httplib::Request& req, httplib::Response& res,
                          const std::string& error) {
  const std::optional<Session> s = SignedIn(req, res);
  if (!s) return;
  const std::string& lang = s->lang;
  v1::ListSessionsResponse sessions;
  const grpc::Status st = v1::AssemblyService::NewStub(channel_)->ListSessions(
      Context(s->secret).get(), {}, &sessions);
  if (!st.ok()) return ServerError(res, *s, T(lang, "reports"), st);
  std::map<std::string, std::string> sent = Query(req);
  const std::string month =
      sent["month"].empty()
          ? absl::FormatTime("%Y-%m", absl::Now(), MinistryTimeZone())
          : sent["month"];
  std::string body =
      absl::StrCat("<p><a href=\"/\">", Escape(T(lang, "back")), "</a></p><h2>",
                   Escape(T(lang, "reports")), "</h2><p>",
                   Escape(T(lang, "reports_intro")), "</p>");
  if (!error.empty()) {
    absl::StrAppend(&body, "<p class=\"error\" role=\"alert\">", Escape(error),
                    "</p>");
  }
  absl::StrAppend(
      &body,
      "<form class=\"move\" method=\"get\" action=\"/reports/document\">"
      "<label for=\"r-report\">",
      Escape(T(lang, "report_kind")),
      "</label><select id=\"r-report\" name=\"report\">");
  for (const char* kind : {"period", "timeliness", "session"}) {
    absl::StrAppend(&body, "<option value=\"", kind, "\"",
                    sent["report"] == kind ? " selected" : "", ">",
                    Escape(T(lang, absl::StrCat("report_", kind))),
                    "</option>");
  }
  absl::StrAppend(&body, "</select><label for=\"r-month\">",
                  Escape(T(lang, "report_month")),
                  "</label><input id=\"r-month\" name=\"month\" type=\"month\" "
                  "value=\"",
                  month, "\"><label for=\"r-session\">",
                  Escape(T(lang, "report_session_pick")),
                  "</label><select id=\"r-session\" name=\"session\">");
  for (auto it = sessions.sessions().rbegin(); it != sessions.sessions().rend();
       ++it) {
    const std::string id = absl::StrCat(it->id());
    absl::StrAppend(&body, "<option value=\"", id, "\"",
                    sent["session"] == id ? " selected" : "", ">",
                    Escape(SessionLabel(lang, *it)), "</option>");
  }
  absl::StrAppend(
      &body, "</select><fieldset><legend>", Escape(T(lang, "heading")),
      "</legend>", Field(lang, sent, "issuer", "issuer"),
      Field(lang, sent, "number", "doc_number"),
      Field(lang, sent, "date", "issue_date", "date"),
      Field(lang, sent, "signer_authority", "signer_authority"),
      Field(lang, sent, "signer_title", "signer_title"),
      Field(lang, sent, "signer", "signer"), "<label for=\"r-recipients\">",
      Escape(T(lang, "recipients")),
      "</label><textarea id=\"r-recipients\" name=\"recipients\" rows=\"3\">",
      Escape(sent["recipients"]),
      "</textarea></fieldset><button type=\"submit\">",
      Escape(T(lang, "download")), "</button></form>");
  res.set_content(Page(lang, T(lang, "reports"), body, HeaderBar(*s)),
                  "text/html; charset=utf-8");
}

void WebDesk::ReportDocumentGet(const httplib::Request& req,
                                httplib::Response& res) {
  const std::optional<Session> s = SignedIn(req, res);
  if (!s) return;
  const std::string& lang = s->lang;
  const client::Language language =
      lang == "en" ? client::Language::kEnglish : client::Language::kVietnamese;
  std::map<std::string, std::string> q = Query(req);
  client::DocumentHeading h;
  h.issuer = q["issuer"];
  h.number = q["number"];
  h.place = "Hà Nội";
  h.signer_authority = q["signer_authority"];
  h.signer_title = q["signer_title"];
  h.signer_name = q["signer"];
  for (absl::string_view line : absl::StrSplit(q["recipients"], '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) h.recipients.emplace_back(line);
  }
  const std::string date = q["date"];
  const absl::StatusOr<absl::CivilDay> day = ParseIsoDate(date);
  if (day.ok()) h.date = *day;
  const std::string report = q["report"];
  const auto refuse = [&](const std::string& what) {
    ReportsPage(req, res, what);
    res.status = 400;
  };
  if (!date.empty() && !h.date) {
    return refuse(absl::StrCat(T(lang, "issue_date"), ": ", date));
  }
  const auto stub = v1::ReportService::NewStub(channel_);
  std::string html, name;
  grpc::Status st;
  if (report == "period" || report == "timeliness") {
    v1::Date from, to;
    const std::string month = q["month"];
    if (!ParseMonth(month, &from, &to)) {
      return refuse(absl::StrCat(T(lang, "report_month"), ": ", month));
    }
    name = absl::StrCat(report, "-", month);
    if (report == "period") {
      v1::PeriodReportRequest ask;
      *ask.mutable_from() = from;
      *ask.mutable_to() = to;
      v1::PeriodReportResponse r;
      st = stub->PeriodReport(Context(s->secret).get(), ask, &r);
      if (st.ok()) html = client::PeriodDocument(r, h, language);
    } else {
      v1::TimelinessReportRequest ask;
      *ask.mutable_from() = from;
      *ask.mutable_to() = to;
      v1::TimelinessReportResponse r;
      st = stub->TimelinessReport(Context(s->secret).get(), ask, &r);
      if (st.ok()) html = client::TimelinessDocument(r, h, language);
    }
  } else if (report == "session") {
    int64_t id = 0;
    if (!absl::SimpleAtoi(q["session"], &id) || id <= 0) {
      return refuse(T(lang, "report_session_pick"));
    }
    name = absl::StrCat("session-", id);
    v1::SessionReportRequest ask;
    ask.set_session_id(id);
    v1::SessionReportResponse r;
    st = stub->SessionReport(Context(s->secret).get(), ask, &r);
    if (st.ok()) html = client::SessionDocument(r, h, language);
  } else {
    return refuse(T(lang, "report_kind"));
  }
  if (!st.ok()) return ServerError(res, *s, T(lang, "reports"), st);
  // A file to keep, print and sign: never shown inside the desk's origin
  // (its own style would be refused by the page's policy anyway).
  res.set_header("Content-Disposition",
                 absl::StrCat("attachment; filename=\"bao-cao-", name, "-",
                              lang, ".html\""));
  res.set_content(std::move(html), "text/html; charset=utf-8");
}

}  // namespace pqtrack::web
