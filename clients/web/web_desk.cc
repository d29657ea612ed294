#include "clients/web/web_desk.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/common/output.h"
#include "pqtrack/v1/admin.grpc.pb.h"
#include "pqtrack/v1/workflow.grpc.pb.h"
#include "services/common/crypto.h"

namespace pqtrack::web {
namespace {

constexpr char kSessionCookie[] = "pqtrack_session";
constexpr char kLoginCsrfCookie[] = "pqtrack_login_csrf";
constexpr char kLangCookie[] = "pqtrack_lang";
// Queue entries per page.
constexpr int kQueuePage = 50;

// The queue's filters: the `view` parameter, its label and what it asks
// ListInbox for.
struct View {
  const char* name;
  const char* label;
  void (*apply)(v1::ListInboxRequest&);
};
constexpr View kViews[] = {
    {"all", "view_all", [](v1::ListInboxRequest&) {}},
    {"overdue", "view_overdue",
     [](v1::ListInboxRequest& r) { r.add_timeliness(v1::TIMELINESS_OVERDUE); }},
    {"soon", "view_soon",
     [](v1::ListInboxRequest& r) {
       r.add_timeliness(v1::TIMELINESS_DUE_TODAY);
       r.add_timeliness(v1::TIMELINESS_DUE_SOON);
     }},
    {"approval", "view_approval",
     [](v1::ListInboxRequest& r) {
       r.add_statuses(v1::ITEM_STATUS_PENDING_APPROVAL);
     }},
    {"lead", "view_lead",
     [](v1::ListInboxRequest& r) { r.set_role(v1::INBOX_ROLE_LEAD); }},
    {"coordinating", "view_coordinating",
     [](v1::ListInboxRequest& r) { r.set_role(v1::INBOX_ROLE_COORDINATING); }},
};

constexpr char kStyle[] = R"css(
:root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe2; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #f6f8fa; }
header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem;
         background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.1rem; margin: 0 auto 0 0; }
main { max-width: 72rem; margin: 1rem auto; padding: 0 1rem; }
form.inline { display: inline; margin: 0; }
button, input { font: inherit; }
button { border: 1px solid var(--accent); background: var(--accent); color: #fff;
         border-radius: 4px; padding: .35rem .8rem; cursor: pointer; }
button.link { background: none; color: var(--accent); border: none; padding: 0;
              text-decoration: underline; }
button:focus, input:focus, a:focus { outline: 3px solid #f0b400; outline-offset: 2px; }
.login { max-width: 24rem; margin: 3rem auto; background: #fff; padding: 1.5rem;
         border: 1px solid var(--line); border-radius: 6px; }
.login label { display: block; margin: .8rem 0 .2rem; font-weight: 600; }
.login input { width: 100%; padding: .45rem; border: 1px solid var(--line);
               border-radius: 4px; }
.login button { margin-top: 1rem; width: 100%; }
.error { color: #a11; background: #fdecec; border: 1px solid #f3b7b7;
         padding: .5rem; border-radius: 4px; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { font-size: .85rem; color: var(--muted); }
.t { white-space: nowrap; font-weight: 600; }
.t::before { content: ""; display: inline-block; width: .7em; height: .7em;
             border-radius: 50%; margin-right: .35em; vertical-align: baseline; }
.t-OVERDUE::before { background: #c62828; } .t-DUE_TODAY::before { background: #ef6c00; }
.t-DUE_SOON::before { background: #f9a825; } .t-ON_TRACK::before { background: #2e7d32; }
.t-NO_DEADLINE::before { background: #90a4ae; }
.count { color: var(--muted); }
nav.views { display: flex; flex-wrap: wrap; gap: .4rem; margin: .5rem 0 1rem; }
nav.views a { padding: .25rem .7rem; border: 1px solid var(--line); border-radius: 999px;
              background: #fff; color: var(--ink); text-decoration: none; }
nav.views a[aria-current] { background: var(--accent); border-color: var(--accent);
                            color: #fff; }
p.pages { display: flex; justify-content: space-between; }
@media print { header form, header a { display: none; } body { background: #fff; } }
)css";

// The words of the pages, Vietnamese first.
const std::map<std::string, std::pair<std::string, std::string>>& Words() {
  static const auto* const words =
      new std::map<std::string, std::pair<std::string, std::string>>{
          {"app", {"Theo dõi trả lời Quốc hội", "National Assembly replies"}},
          {"login", {"Đăng nhập", "Sign in"}},
          {"user", {"Tên đăng nhập", "User name"}},
          {"password", {"Mật khẩu", "Password"}},
          {"logout", {"Đăng xuất", "Sign out"}},
          {"wrong",
           {"Sai tên đăng nhập hoặc mật khẩu.",
            "Wrong user name or password."}},
          {"expired",
           {"Phiên làm việc đã hết, xin đăng nhập lại.",
            "Your session has ended; please sign in again."}},
          {"refused",
           {"Yêu cầu bị từ chối (thiếu mã bảo vệ biểu mẫu).",
            "Request refused (the form's protection code is "
            "missing)."}},
          {"queue", {"Việc của đơn vị", "My unit's queue"}},
          {"due", {"Hạn trả lời", "Due"}},
          {"left", {"Còn lại", "Time left"}},
          {"state", {"Tình trạng", "Standing"}},
          {"kind", {"Loại", "Kind"}},
          {"title", {"Trích yếu", "Subject"}},
          {"role", {"Vai trò", "Role"}},
          {"status", {"Trạng thái", "Status"}},
          {"items", {"việc", "items"}},
          {"next", {"Trang sau →", "Next page →"}},
          {"first", {"← Về trang đầu", "← First page"}},
          {"views", {"Lọc", "Filter"}},
          {"view_all", {"Tất cả", "All"}},
          {"view_overdue", {"Quá hạn", "Overdue"}},
          {"view_soon", {"Sắp đến hạn", "Due soon"}},
          {"view_approval", {"Chờ duyệt", "Awaiting approval"}},
          {"view_lead", {"Chủ trì", "Leading"}},
          {"view_coordinating", {"Phối hợp", "Coordinating"}},
          {"empty", {"Không có việc nào đang chờ.", "Nothing is waiting."}},
          {"other", {"English", "Tiếng Việt"}},
          {"OVERDUE", {"Quá hạn", "Overdue"}},
          {"DUE_TODAY", {"Đến hạn hôm nay", "Due today"}},
          {"DUE_SOON", {"Sắp đến hạn", "Due soon"}},
          {"ON_TRACK", {"Trong hạn", "On track"}},
          {"NO_DEADLINE", {"Không có hạn", "No deadline"}},
          {"PETITION", {"Kiến nghị cử tri", "Voters' petition"}},
          {"QUESTION", {"Chất vấn", "Question"}},
          {"DOCUMENT", {"Văn bản", "Document"}},
          {"TASK", {"Nhiệm vụ", "Task"}},
          {"LEAD", {"Chủ trì", "Lead"}},
          {"COORDINATING", {"Phối hợp", "Coordinating"}},
          {"RECEIVED", {"Mới tiếp nhận", "Received"}},
          {"ASSIGNED", {"Đã giao", "Assigned"}},
          {"IN_PROGRESS", {"Đang xử lý", "In progress"}},
          {"PENDING_APPROVAL", {"Chờ duyệt", "Awaiting approval"}},
          {"ANSWERED", {"Đã trả lời", "Answered"}},
      };
  return *words;
}

std::string T(const std::string& lang, const std::string& key) {
  const auto it = Words().find(key);
  if (it == Words().end()) return key;
  return lang == "en" ? it->second.second : it->second.first;
}

std::string Escape(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> Cookies(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  for (absl::string_view part :
       absl::StrSplit(req.get_header_value("Cookie"), ';')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) continue;
    out.emplace(std::string(part.substr(0, eq)),
                std::string(part.substr(eq + 1)));
  }
  return out;
}

std::string Cookie(const httplib::Request& req, const std::string& name) {
  const auto all = Cookies(req);
  const auto it = all.find(name);
  return it == all.end() ? "" : it->second;
}

std::string Lang(const httplib::Request& req) {
  return Cookie(req, kLangCookie) == "en" ? "en" : "vi";
}

// Equal without leaking where two strings first differ.
bool SameSecret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string CsrfFor(const std::string& session_secret) {
  return Sha256Hex(absl::StrCat("pqtrack-web csrf:", session_secret));
}

std::string SetCookie(const std::string& name, const std::string& value,
                      bool expire_now = false) {
  return absl::StrCat(name, "=", value, "; Path=/; HttpOnly; SameSite=Strict",
                      expire_now ? "; Max-Age=0" : "");
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& secret) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(15));
  if (!secret.empty()) ctx->AddMetadata("authorization", "Bearer " + secret);
  return ctx;
}

std::string Page(const std::string& lang, const std::string& title,
                 const std::string& body, const std::string& header_extra) {
  return absl::StrCat(
      "<!doctype html><html lang=\"", lang,
      "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><title>",
      Escape(title), " · ", Escape(T(lang, "app")),
      "</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body>"
      "<header><h1>",
      Escape(T(lang, "app")), "</h1>", header_extra, "</header><main>", body,
      "</main></body></html>");
}

std::string LangForm(const std::string& lang, const std::string& csrf) {
  return absl::StrCat(
      "<form class=\"inline\" method=\"post\" action=\"/lang\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"",
      Escape(csrf), "\"><input type=\"hidden\" name=\"to\" value=\"",
      lang == "en" ? "vi" : "en", "\"><button class=\"link\" type=\"submit\">",
      Escape(T(lang, "other")), "</button></form>");
}

std::string Date(const v1::Date& d) {
  if (d.year() == 0) return "";
  return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year());
}

std::string DaysLeft(const std::string& lang, const v1::InboxEntry& e) {
  if (e.due_on().year() == 0) return "";
  const int d = e.days_left();
  if (lang == "en") {
    if (d == 0) return "today";
    return d > 0 ? absl::StrCat(d, d == 1 ? " day left" : " days left")
                 : absl::StrCat(-d, -d == 1 ? " day late" : " days late");
  }
  if (d == 0) return "hôm nay";
  return d > 0 ? absl::StrCat("còn ", d, " ngày")
               : absl::StrCat("quá hạn ", -d, " ngày");
}

}  // namespace

WebDesk::WebDesk(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)) {}

void WebDesk::Register(httplib::Server& server) {
  server.set_default_headers(
      {{"Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
       {"X-Content-Type-Options", "nosniff"},
       {"Referrer-Policy", "no-referrer"},
       {"Cache-Control", "no-store"}});
  server.Get("/style.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kStyle, "text/css; charset=utf-8");
  });
  server.Get("/login", [this](const httplib::Request& req,
                              httplib::Response& res) { LoginPage(req, res); });
  server.Post("/login",
              [this](const httplib::Request& req, httplib::Response& res) {
                LoginPost(req, res);
              });
  server.Post("/logout",
              [this](const httplib::Request& req, httplib::Response& res) {
                LogoutPost(req, res);
              });
  server.Post("/lang", [this](const httplib::Request& req,
                              httplib::Response& res) { LangPost(req, res); });
  server.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
    QueuePage(req, res);
  });
}

void WebDesk::LoginPage(const httplib::Request& req, httplib::Response& res,
                        const std::string& error) {
  const std::string lang = Lang(req);
  // Double submit: the form's code must match the cookie's.
  std::string csrf = Cookie(req, kLoginCsrfCookie);
  if (csrf.size() != 43) {
    csrf = RandomSecret(32);
    res.set_header("Set-Cookie", SetCookie(kLoginCsrfCookie, csrf));
  }
  std::string body = absl::StrCat("<section class=\"login\"><h2>",
                                  Escape(T(lang, "login")), "</h2>");
  if (!error.empty()) {
    absl::StrAppend(&body, "<p class=\"error\" role=\"alert\">",
                    Escape(T(lang, error)), "</p>");
  }
  absl::StrAppend(
      &body,
      "<form method=\"post\" action=\"/login\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"",
      Escape(csrf), "\"><label for=\"user\">", Escape(T(lang, "user")),
      "</label><input id=\"user\" name=\"user\" autocomplete=\"username\" "
      "required value=\"",
      Escape(req.get_param_value("user")), "\"><label for=\"password\">",
      Escape(T(lang, "password")),
      "</label><input id=\"password\" name=\"password\" type=\"password\" "
      "autocomplete=\"current-password\" required><button type=\"submit\">",
      Escape(T(lang, "login")), "</button></form></section>");
  res.set_content(Page(lang, T(lang, "login"), body, LangForm(lang, csrf)),
                  "text/html; charset=utf-8");
}

void WebDesk::LoginPost(const httplib::Request& req, httplib::Response& res) {
  if (!SameSecret(req.get_param_value("csrf"), Cookie(req, kLoginCsrfCookie))) {
    res.status = 403;
    return LoginPage(req, res, "refused");
  }
  v1::LoginRequest login;
  login.set_user_login(req.get_param_value("user"));
  login.set_password(req.get_param_value("password"));
  login.set_label("pqtrack-web");
  v1::LoginResponse resp;
  const grpc::Status st = v1::AdminService::NewStub(channel_)->Login(
      Context("").get(), login, &resp);
  if (!st.ok()) {
    res.status = st.error_code() == grpc::RESOURCE_EXHAUSTED ? 429 : 401;
    return LoginPage(req, res, "wrong");
  }
  res.set_header("Set-Cookie", SetCookie(kSessionCookie, resp.secret()));
  res.set_redirect("/", 303);
}

void WebDesk::LogoutPost(const httplib::Request& req, httplib::Response& res) {
  const std::string secret = Cookie(req, kSessionCookie);
  if (secret.empty() ||
      !SameSecret(req.get_param_value("csrf"), CsrfFor(secret))) {
    res.status = 403;
    return LoginPage(req, res, "refused");
  }
  v1::LogoutResponse out;
  (void)v1::AdminService::NewStub(channel_)->Logout(Context(secret).get(), {},
                                                    &out);
  res.set_header("Set-Cookie", SetCookie(kSessionCookie, "", true));
  res.set_redirect("/login", 303);
}

void WebDesk::LangPost(const httplib::Request& req, httplib::Response& res) {
  const std::string secret = Cookie(req, kSessionCookie);
  const std::string expected =
      secret.empty() ? Cookie(req, kLoginCsrfCookie) : CsrfFor(secret);
  if (!SameSecret(req.get_param_value("csrf"), expected)) {
    res.status = 403;
    return LoginPage(req, res, "refused");
  }
  const std::string to = req.get_param_value("to") == "en" ? "en" : "vi";
  res.set_header("Set-Cookie", SetCookie(kLangCookie, to));
  res.set_redirect(secret.empty() ? "/login" : "/", 303);
}

void WebDesk::QueuePage(const httplib::Request& req, httplib::Response& res) {
  const std::string lang = Lang(req);
  const std::string secret = Cookie(req, kSessionCookie);
  if (secret.empty()) return res.set_redirect("/login", 303);
  v1::WhoAmIResponse who;
  grpc::Status st = v1::AdminService::NewStub(channel_)->WhoAmI(
      Context(secret).get(), {}, &who);
  const View* view = &kViews[0];
  for (const View& v : kViews) {
    if (req.get_param_value("view") == v.name) view = &v;
  }
  v1::ListInboxRequest ask;
  view->apply(ask);
  ask.set_page_size(kQueuePage);
  ask.set_page_token(req.get_param_value("page"));
  v1::ListInboxResponse inbox;
  if (st.ok()) {
    st = v1::WorkflowService::NewStub(channel_)->ListInbox(
        Context(secret).get(), ask, &inbox);
  }
  if (st.error_code() == grpc::UNAUTHENTICATED) {
    res.set_header("Set-Cookie", SetCookie(kSessionCookie, "", true));
    res.status = 401;
    return LoginPage(req, res, "expired");
  }
  const std::string csrf = CsrfFor(secret);
  const std::string header = absl::StrCat(
      "<span>", Escape(who.user().display_name()), " · ",
      Escape(who.user().unit_code()), "</span>", LangForm(lang, csrf),
      "<form class=\"inline\" method=\"post\" action=\"/logout\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"",
      Escape(csrf), "\"><button type=\"submit\">", Escape(T(lang, "logout")),
      "</button></form>");
  if (!st.ok()) {
    // A bad address (a forged page, say) is the browser's; the rest is the
    // server's side.
    res.status = st.error_code() == grpc::INVALID_ARGUMENT ? 400 : 502;
    res.set_content(Page(lang, T(lang, "queue"),
                         absl::StrCat("<p class=\"error\" role=\"alert\">",
                                      Escape(st.error_message()), "</p>"),
                         header),
                    "text/html; charset=utf-8");
    return;
  }
  // ListInbox gives the entries soonest due first, a page at a time.
  std::vector<const v1::InboxEntry*> entries;
  for (const v1::InboxEntry& e : inbox.entries()) entries.push_back(&e);
  std::string body = absl::StrCat(
      "<h2>", Escape(T(lang, "queue")), " <span class=\"count\">(",
      inbox.total(), " ", Escape(T(lang, "items")), ")</span></h2>",
      "<nav class=\"views\" aria-label=\"", Escape(T(lang, "views")), "\">");
  for (const View& v : kViews) {
    absl::StrAppend(&body, "<a href=\"/?view=", v.name, "\"",
                    &v == view ? " aria-current=\"page\"" : "", ">",
                    Escape(T(lang, v.label)), "</a>");
  }
  absl::StrAppend(&body, "</nav>");
  if (entries.empty()) {
    absl::StrAppend(&body, "<p>", Escape(T(lang, "empty")), "</p>");
  } else {
    absl::StrAppend(&body, "<table><thead><tr>");
    for (const char* col :
         {"due", "left", "state", "kind", "title", "role", "status"}) {
      absl::StrAppend(&body, "<th scope=\"col\">", Escape(T(lang, col)),
                      "</th>");
    }
    absl::StrAppend(&body, "</tr></thead><tbody>");
    for (const v1::InboxEntry* e : entries) {
      const std::string timeliness =
          client::EnumLabel(v1::Timeliness_descriptor(), e->timeliness());
      absl::StrAppend(
          &body, "<tr><td>", Date(e->due_on()), "</td><td>",
          Escape(DaysLeft(lang, *e)), "</td><td><span class=\"t t-",
          Escape(timeliness), "\">", Escape(T(lang, timeliness)),
          "</span></td><td>",
          Escape(T(lang, client::EnumLabel(v1::ItemKind_descriptor(),
                                           e->item().kind()))),
          "</td><td>", Escape(e->item().title()), "</td><td>",
          Escape(T(lang,
                   client::EnumLabel(v1::InboxRole_descriptor(), e->role()))),
          " ", Escape(e->unit_code()), "</td><td>",
          Escape(T(lang, client::EnumLabel(v1::ItemStatus_descriptor(),
                                           e->item().status()))),
          "</td></tr>");
    }
    absl::StrAppend(&body, "</tbody></table>");
  }
  absl::StrAppend(&body, "<p class=\"pages\">");
  if (!ask.page_token().empty()) {
    absl::StrAppend(&body, "<a href=\"/?view=", view->name, "\">",
                    Escape(T(lang, "first")), "</a>");
  }
  if (!inbox.next_page_token().empty()) {
    absl::StrAppend(&body, "<a href=\"/?view=", view->name, "&amp;page=",
                    Escape(inbox.next_page_token()),  // URL-safe base64 "\">",
                    Escape(T(lang, "next")), "</a>");
  }
  absl::StrAppend(&body, "</p>");
  res.set_content(Page(lang, T(lang, "queue"), body, header),
                  "text/html; charset=utf-8");
}

}  // namespace pqtrack::web
