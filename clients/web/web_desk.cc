#include "clients/web/web_desk.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/common/output.h"
#include "clients/web/html.h"
#include "clients/web/request_log.h"
#include "pqtrack/v1/admin.grpc.pb.h"
#include "pqtrack/v1/assembly.grpc.pb.h"
#include "pqtrack/v1/workflow.grpc.pb.h"
#include "services/common/crypto.h"
#include "services/core/attachments.h"

namespace pqtrack::web {
namespace {

// Queue entries per page.
constexpr int kQueuePage = 50;
// The largest request body taken: one attachment and the form around it.
constexpr size_t kMaxPost = core::kMaxAttachmentBytes + (size_t{1} << 20);

// The request's id on a page that failed on the server's side, to quote.
std::string RequestIdNote(const std::string& lang) {
  return absl::StrCat("<p class=\"request-id\">", Escape(T(lang, "request_id")),
                      " <code>", Escape(RequestId()), "</code></p>");
}

// The HTTP status of a page whose call of pqtrack-server failed with `st`:
// 4xx when the request was the user's mistake, 502 when the server failed
// or cannot be reached.
int HttpStatusOf(const grpc::Status& st) {
  switch (st.error_code()) {
    case grpc::INVALID_ARGUMENT:
    case grpc::OUT_OF_RANGE:
      return 400;
    case grpc::UNAUTHENTICATED:
      return 401;
    case grpc::PERMISSION_DENIED:
      return 403;
    case grpc::NOT_FOUND:
      return 404;
    case grpc::ABORTED:
    case grpc::ALREADY_EXISTS:
      return 409;
    case grpc::FAILED_PRECONDITION:
      return 422;
    case grpc::RESOURCE_EXHAUSTED:
      return 429;
    default:
      return 502;
  }
}

// What a page says of a failure on the server's side: a sentence (the
// server's own for an internal error, which carries only its request id)
// and this request's id; the detail is in the log.
std::string FailureNote(const std::string& lang, const grpc::Status& st) {
  std::string said;
  switch (st.error_code()) {
    case grpc::UNAVAILABLE:
    case grpc::DEADLINE_EXCEEDED:
      said = T(lang, "unavailable");
      break;
    case grpc::INTERNAL:
      said = st.error_message();
      break;
    default:
      said = T(lang, "failed");
  }
  return absl::StrCat("<p class=\"error\" role=\"alert\">", Escape(said),
                      "</p>", RequestIdNote(lang));
}

// The queue's views: the `view` parameter, its label, what it asks
// ListInbox for and its count.
struct View {
  const char* name;
  const char* label;
  void (*apply)(v1::ListInboxRequest&);
  int (*count)(const v1::InboxCounts&);
};
constexpr View kViews[] = {
    {"all", "view_all", [](v1::ListInboxRequest&) {},
     [](const v1::InboxCounts& c) { return c.all(); }},
    {"approval", "view_approval",
     [](v1::ListInboxRequest& r) {
       r.add_statuses(v1::ITEM_STATUS_PENDING_APPROVAL);
     },
     [](const v1::InboxCounts& c) { return c.pending_approval(); }},
    {"returned", "view_returned",
     [](v1::ListInboxRequest& r) { r.set_returned(true); },
     [](const v1::InboxCounts& c) { return c.returned(); }},
    {"overdue", "view_overdue",
     [](v1::ListInboxRequest& r) { r.add_timeliness(v1::TIMELINESS_OVERDUE); },
     [](const v1::InboxCounts& c) { return c.overdue(); }},
    {"soon", "view_soon",
     [](v1::ListInboxRequest& r) {
       r.add_timeliness(v1::TIMELINESS_DUE_TODAY);
       r.add_timeliness(v1::TIMELINESS_DUE_SOON);
     },
     [](const v1::InboxCounts& c) { return c.due_today() + c.due_soon(); }},
    {"lead", "view_lead",
     [](v1::ListInboxRequest& r) { r.set_role(v1::INBOX_ROLE_LEAD); },
     [](const v1::InboxCounts& c) { return c.lead(); }},
    {"coordinating", "view_coordinating",
     [](v1::ListInboxRequest& r) { r.set_role(v1::INBOX_ROLE_COORDINATING); },
     [](const v1::InboxCounts& c) { return c.coordinating(); }},
};

constexpr v1::ItemKind kKinds[] = {v1::ITEM_KIND_PETITION,
                                   v1::ITEM_KIND_QUESTION,
                                   v1::ITEM_KIND_DOCUMENT, v1::ITEM_KIND_TASK};

// What the queue page was asked for: a view and the filters beside it.
struct QueueAsk {
  const View* view = &kViews[0];
  v1::ItemKind kind = v1::ITEM_KIND_UNSPECIFIED;
  int64_t session_id = 0;
  int64_t batch_id = 0;

  // "/?view=...&kind=..." for view `v` with these filters; `page` added
  // when not empty. HTML-escaped, for an href.
  std::string Href(const View& v, const std::string& page = "") const {
    std::string out = absl::StrCat("/?view=", v.name);
    if (kind != v1::ITEM_KIND_UNSPECIFIED) {
      absl::StrAppend(&out, "&amp;kind=",
                      client::EnumLabel(v1::ItemKind_descriptor(), kind));
    }
    if (session_id > 0) absl::StrAppend(&out, "&amp;session=", session_id);
    if (batch_id > 0) absl::StrAppend(&out, "&amp;batch=", batch_id);
    // Page tokens are URL-safe base64.
    if (!page.empty()) absl::StrAppend(&out, "&amp;page=", Escape(page));
    return out;
  }
};

QueueAsk ParseQueueAsk(const httplib::Request& req) {
  QueueAsk a;
  for (const View& v : kViews) {
    if (req.get_param_value("view") == v.name) a.view = &v;
  }
  for (v1::ItemKind k : kKinds) {
    if (req.get_param_value("kind") ==
        client::EnumLabel(v1::ItemKind_descriptor(), k)) {
      a.kind = k;
    }
  }
  // Anything else than a positive number means "every session / batch".
  if (!absl::SimpleAtoi(req.get_param_value("session"), &a.session_id) ||
      a.session_id < 0) {
    a.session_id = 0;
  }
  if (!absl::SimpleAtoi(req.get_param_value("batch"), &a.batch_id) ||
      a.batch_id < 0) {
    a.batch_id = 0;
  }
  return a;
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

WebDesk::WebDesk(std::shared_ptr<grpc::Channel> channel, Options options)
    : channel_(std::move(channel)), options_(options) {}

void WebDesk::Register(httplib::Server& server) {
  server.set_default_headers(
      {{"Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; "
        "script-src 'self'; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"},
       {"X-Content-Type-Options", "nosniff"},
       {"Referrer-Policy", "no-referrer"},
       {"Cache-Control", "no-store"}});
  server.Get("/style.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(StyleSheet(), "text/css; charset=utf-8");
  });
  server.Get("/desk.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(DeskScript(), "text/javascript; charset=utf-8");
  });
  server.Get("/events",
             [this](const httplib::Request& req, httplib::Response& res) {
               EventsGet(req, res);
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
  server.Get("/reports",
             [this](const httplib::Request& req, httplib::Response& res) {
               ReportsPage(req, res);
             });
  server.Get("/reports/document",
             [this](const httplib::Request& req, httplib::Response& res) {
               ReportDocumentGet(req, res);
             });
  server.Get(R"(/items/(\d{1,18}))",
             [this](const httplib::Request& req, httplib::Response& res) {
               const std::optional<Session> s = SignedIn(req, res);
               if (!s) return;
               Notice n;
               const std::string done = req.get_param_value("done");
               for (const char* move : {"draft", "input", "submit", "approve",
                                        "return", "send", "files"}) {
                 if (done == move) n.done = absl::StrCat("done_", move);
               }
               ItemPage(req, res, *s, std::stoll(req.matches[1]), n);
             });
  server.Get(R"(/items/(\d{1,18})/files/(\d{1,18}))",
             [this](const httplib::Request& req, httplib::Response& res) {
               FileGet(req, res, std::stoll(req.matches[1]),
                       std::stoll(req.matches[2]));
             });
  // The request log; an exception in a handler is a 500 page with the
  // request id (httplib would otherwise put its text in a header).
  server.set_pre_routing_handler(
      [](const httplib::Request&, httplib::Response&) {
        BeginRequest();
        return httplib::Server::HandlerResponse::Unhandled;
      });
  server.set_logger(
      [all = options_.log_requests](const httplib::Request& req,
                                    const httplib::Response& res) {
        LogRequest(req, res, all);
      });
  server.set_exception_handler([](const httplib::Request& req,
                                  httplib::Response& res,
                                  std::exception_ptr failure) {
    std::string what = "an exception that is not a std::exception";
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    NoteRequestFailure(what);
    const std::string lang = Lang(req);
    res.status = 500;
    res.set_content(Page(lang, T(lang, "app"),
                         absl::StrCat("<p class=\"error\" role=\"alert\">",
                                      Escape(T(lang, "failed")), "</p>",
                                      RequestIdNote(lang), "<p><a href=\"/\">",
                                      Escape(T(lang, "back")), "</a></p>"),
                         ""),
                    "text/html; charset=utf-8");
  });
  // A file of at most 20 MiB, with the form around it; a larger request
  // is cut short by httplib with 413, and gets a page saying why.
  server.set_payload_max_length(kMaxPost);
  // Errors httplib answers by itself (a request too large, no such page)
  // get a page of ours; those with a body of ours keep it.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        const std::string lang = Lang(req);
        const std::string what = res.status == 413 ? T(lang, "too_big")
                                 : res.status == 404
                                     ? T(lang, "no_page")
                                     : absl::StrCat("HTTP ", res.status);
        res.set_content(Page(lang, T(lang, "app"),
                             absl::StrCat("<p class=\"error\" role=\"alert\">",
                                          Escape(what), "</p><p><a href=\"/\">",
                                          Escape(T(lang, "back")), "</a></p>"),
                             ""),
                        "text/html; charset=utf-8");
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.Post(
      R"(/items/(\d{1,18})/(draft|input|submit|approve|return|send|files))",
      [this](const httplib::Request& req, httplib::Response& res) {
        MovePost(req, res, std::stoll(req.matches[1]), req.matches[2]);
      });
}

void WebDesk::LoginPage(const httplib::Request& req, httplib::Response& res,
                        const std::string& error) {
  const std::string lang = Lang(req);
  // Double submit: the form's code must match the cookie's.
  std::string csrf = Cookie(req, kLoginCsrfCookie);
  if (csrf.size() != 43) {
    csrf = RandomSecret(32);
    res.set_header("Set-Cookie",
                   SetCookie(kLoginCsrfCookie, csrf, options_.secure_cookies));
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
      "required autofocus value=\"",
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
  if (!st.ok() && HttpStatusOf(st) >= 500) {
    // Not the user's password: the server failed or cannot be reached.
    res.status = 502;
    NoteRequestFailure("Login", st);
    const std::string lang = Lang(req);
    res.set_content(Page(lang, T(lang, "login"), FailureNote(lang, st), ""),
                    "text/html; charset=utf-8");
    return;
  }
  if (!st.ok()) {
    res.status = st.error_code() == grpc::RESOURCE_EXHAUSTED ? 429 : 401;
    return LoginPage(req, res, "wrong");
  }
  NoteRequestUser(login.user_login());
  res.set_header("Set-Cookie", SetCookie(kSessionCookie, resp.secret(),
                                         options_.secure_cookies));
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
  EndLiveStreamsOf(secret);
  res.set_header("Set-Cookie",
                 SetCookie(kSessionCookie, "", options_.secure_cookies, true));
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
  res.set_header("Set-Cookie",
                 SetCookie(kLangCookie, to, options_.secure_cookies));
  // Back to the page it was asked from: a path of this site only.
  const std::string back = req.get_param_value("back");
  const bool local = !back.empty() && back[0] == '/' &&
                     back.find("//") == std::string::npos &&
                     back.find('\\') == std::string::npos &&
                     back.find_first_of("\r\n") == std::string::npos;
  res.set_redirect(secret.empty() ? "/login" : (local ? back : "/"), 303);
}

std::optional<WebDesk::Session> WebDesk::SignedIn(const httplib::Request& req,
                                                  httplib::Response& res) {
  Session s;
  s.lang = Lang(req);
  s.secret = Cookie(req, kSessionCookie);
  if (s.secret.empty()) {
    res.set_redirect("/login", 303);
    return std::nullopt;
  }
  const grpc::Status st = v1::AdminService::NewStub(channel_)->WhoAmI(
      Context(s.secret).get(), {}, &s.who);
  if (st.error_code() == grpc::UNAUTHENTICATED) {
    SessionEnded(req, res);
    return std::nullopt;
  }
  if (!st.ok()) {
    res.status = 502;
    NoteRequestFailure("WhoAmI", st);
    res.set_content(Page(s.lang, T(s.lang, "app"), FailureNote(s.lang, st), ""),
                    "text/html; charset=utf-8");
    return std::nullopt;
  }
  NoteRequestUser(s.who.user().login());
  s.csrf = CsrfFor(s.secret);
  s.path = req.path;
  if (!req.params.empty() && req.method == "GET") {
    std::string query;
    for (const auto& [name, value] : req.params) {
      if (name == "done") continue;  // a notice is shown once
      absl::StrAppend(&query, query.empty() ? "?" : "&",
                      httplib::detail::encode_query_param(name), "=",
                      httplib::detail::encode_query_param(value));
    }
    s.path += query;
  }
  return s;
}

void WebDesk::SessionEnded(const httplib::Request& req,
                           httplib::Response& res) {
  res.set_header("Set-Cookie",
                 SetCookie(kSessionCookie, "", options_.secure_cookies, true));
  res.status = 401;
  LoginPage(req, res, "expired");
}

std::string WebDesk::HeaderBar(const Session& s) const {
  return absl::StrCat(
      "<span>", Escape(s.who.user().display_name()), " · ",
      Escape(s.who.user().unit_code()), "</span><a href=\"/reports\">",
      Escape(T(s.lang, "reports")), "</a>", LangForm(s.lang, s.csrf, s.path),
      "<form class=\"inline\" method=\"post\" action=\"/logout\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"",
      Escape(s.csrf), "\"><button type=\"submit\">",
      Escape(T(s.lang, "logout")), "</button></form>");
}

void WebDesk::ServerError(httplib::Response& res, const Session& s,
                          const std::string& title,
                          const grpc::Status& st) const {
  res.status = HttpStatusOf(st);
  std::string body;
  if (res.status < 500) {
    // A bad address (a forged page, say), an item the user may not see or
    // that does not exist, a move refused: the reason is the user's.
    body = absl::StrCat("<p class=\"error\" role=\"alert\">",
                        Escape(st.error_message()), "</p>");
  } else {
    NoteRequestFailure(title, st);
    body = FailureNote(s.lang, st);
  }
  res.set_content(Page(s.lang, title, body, HeaderBar(s)),
                  "text/html; charset=utf-8");
}

void WebDesk::QueuePage(const httplib::Request& req, httplib::Response& res) {
  const std::optional<Session> s = SignedIn(req, res);
  if (!s) return;
  const std::string& lang = s->lang;
  const QueueAsk q = ParseQueueAsk(req);
  v1::ListInboxRequest ask;
  q.view->apply(ask);
  if (q.kind != v1::ITEM_KIND_UNSPECIFIED) ask.add_kinds(q.kind);
  ask.set_session_id(q.session_id);
  ask.set_batch_id(q.batch_id);
  ask.set_page_size(kQueuePage);
  ask.set_page_token(req.get_param_value("page"));
  v1::ListInboxResponse inbox;
  grpc::Status st = v1::WorkflowService::NewStub(channel_)->ListInbox(
      Context(s->secret).get(), ask, &inbox);
  if (st.error_code() == grpc::UNAUTHENTICATED) return SessionEnded(req, res);
  if (!st.ok()) return ServerError(res, *s, T(lang, "queue"), st);
  // The sessions and batches the filters offer.
  v1::ListSessionsResponse sessions;
  v1::ListBatchesResponse batches;
  const auto assembly = v1::AssemblyService::NewStub(channel_);
  st = assembly->ListSessions(Context(s->secret).get(), {}, &sessions);
  if (st.ok())
    st = assembly->ListBatches(Context(s->secret).get(), {}, &batches);
  if (!st.ok()) return ServerError(res, *s, T(lang, "queue"), st);
  std::map<int64_t, const v1::Session*> session_of;
  for (const v1::Session& x : sessions.sessions()) session_of[x.id()] = &x;

  // What /desk.js swaps in when something changes: #queue-summary (the
  // total and the views' counts) and #queue-list.
  std::string body = absl::StrCat(
      "<div id=\"queue-summary\"><h2>", Escape(T(lang, "queue")),
      " <span class=\"count\">(", inbox.total(), " ", Escape(T(lang, "items")),
      ")</span></h2>", "<nav class=\"views\" aria-label=\"",
      Escape(T(lang, "views")), "\">");
  for (const View& v : kViews) {
    absl::StrAppend(&body, "<a href=\"", q.Href(v), "\"",
                    &v == q.view ? " aria-current=\"page\"" : "", ">",
                    Escape(T(lang, v.label)), " <span class=\"n\">(",
                    v.count(inbox.counts()), ")</span></a>");
  }
  absl::StrAppend(&body, "</nav></div>");
  absl::StrAppend(&body,
                  "<p id=\"live\" class=\"live noprint\" aria-live=\"polite\"");
  for (const char* word :
       {"on", "updated", "changed", "show", "lost", "off", "ended"}) {
    absl::StrAppend(&body, " data-", word, "=\"",
                    Escape(T(lang, absl::StrCat("live_", word))), "\"");
  }
  absl::StrAppend(&body, "></p>");
  // The filters beside the view: a plain GET form.
  const auto option = [](std::string* out, const std::string& value,
                         const std::string& label, bool selected) {
    absl::StrAppend(out, "<option value=\"", Escape(value), "\"",
                    selected ? " selected" : "", ">", Escape(label),
                    "</option>");
  };
  absl::StrAppend(&body,
                  "<form class=\"filters\" method=\"get\" action=\"/\">"
                  "<input type=\"hidden\" name=\"view\" value=\"",
                  q.view->name, "\"><label for=\"f-kind\">",
                  Escape(T(lang, "kind")),
                  "</label><select id=\"f-kind\" name=\"kind\">");
  option(&body, "", T(lang, "any"), q.kind == v1::ITEM_KIND_UNSPECIFIED);
  for (v1::ItemKind k : kKinds) {
    const std::string name = client::EnumLabel(v1::ItemKind_descriptor(), k);
    option(&body, name, T(lang, name), k == q.kind);
  }
  absl::StrAppend(&body, "</select><label for=\"f-session\">",
                  Escape(T(lang, "session")),
                  "</label><select id=\"f-session\" name=\"session\">");
  option(&body, "", T(lang, "any"), q.session_id == 0);
  // Latest first.
  for (auto it = sessions.sessions().rbegin(); it != sessions.sessions().rend();
       ++it) {
    option(&body, absl::StrCat(it->id()), SessionLabel(lang, *it),
           it->id() == q.session_id);
  }
  absl::StrAppend(&body, "</select><label for=\"f-batch\">",
                  Escape(T(lang, "batch")),
                  "</label><select id=\"f-batch\" name=\"batch\">");
  option(&body, "", T(lang, "any"), q.batch_id == 0);
  for (auto it = batches.batches().rbegin(); it != batches.batches().rend();
       ++it) {
    const auto sess = session_of.find(it->session_id());
    option(&body, absl::StrCat(it->id()),
           absl::StrCat(
               T(lang,
                 client::EnumLabel(v1::BatchPhase_descriptor(), it->phase())),
               " ",
               sess == session_of.end() ? absl::StrCat(it->session_id())
                                        : SessionLabel(lang, *sess->second),
               " · ", it->document_number(), " · ", Date(it->received_on())),
           it->id() == q.batch_id);
  }
  absl::StrAppend(&body, "</select><button type=\"submit\">",
                  Escape(T(lang, "apply")), "</button></form>");

  absl::StrAppend(&body, "<div id=\"queue-list\">");
  if (inbox.entries().empty()) {
    absl::StrAppend(&body, "<p id=\"queue\">", Escape(T(lang, "empty")),
                    "</p>");
  } else {
    absl::StrAppend(&body, "<table id=\"queue\"><thead><tr>");
    for (const char* col :
         {"due", "left", "state", "kind", "title", "role", "status"}) {
      absl::StrAppend(&body, "<th scope=\"col\">", Escape(T(lang, col)),
                      "</th>");
    }
    absl::StrAppend(&body, "</tr></thead><tbody>");
    for (const v1::InboxEntry& e : inbox.entries()) {
      const std::string timeliness =
          client::EnumLabel(v1::Timeliness_descriptor(), e.timeliness());
      // Each cell names its column, for the narrow layout.
      const auto cell = [&](const char* col) {
        return absl::StrCat("<td data-label=\"", Escape(T(lang, col)), "\">");
      };
      absl::StrAppend(
          &body, "<tr>", cell("due"), Date(e.due_on()), "</td>", cell("left"),
          Escape(DaysLeft(lang, e)), "</td>", cell("state"),
          "<span class=\"t t-", Escape(timeliness), "\">",
          Escape(T(lang, timeliness)), "</span></td>", cell("kind"),
          Escape(T(lang, client::EnumLabel(v1::ItemKind_descriptor(),
                                           e.item().kind()))),
          "</td>", cell("title"), "<a href=\"/items/", e.item().id(), "\">",
          Escape(e.item().title()), "</a></td>", cell("role"),
          Escape(
              T(lang, client::EnumLabel(v1::InboxRole_descriptor(), e.role()))),
          " ", Escape(e.unit_code()), "</td>", cell("status"),
          Escape(T(lang, client::EnumLabel(v1::ItemStatus_descriptor(),
                                           e.item().status()))));
      if (e.role() == v1::INBOX_ROLE_LEAD && e.item().returned()) {
        absl::StrAppend(&body, " <span class=\"returned\">",
                        Escape(T(lang, "returned_mark")), "</span>");
      }
      absl::StrAppend(&body, "</td></tr>");
    }
    absl::StrAppend(&body, "</tbody></table>");
  }
  absl::StrAppend(&body, "<p class=\"pages\">");
  if (!ask.page_token().empty()) {
    absl::StrAppend(&body, "<a href=\"", q.Href(*q.view), "\">",
                    Escape(T(lang, "first")), "</a>");
  }
  if (!inbox.next_page_token().empty()) {
    absl::StrAppend(&body, "<a href=\"",
                    q.Href(*q.view, inbox.next_page_token()), "\">",
                    Escape(T(lang, "next")), "</a>");
  }
  absl::StrAppend(&body, "</p></div><script src=\"/desk.js\" defer></script>");
  res.set_content(Page(lang, T(lang, "queue"), body, HeaderBar(*s)),
                  "text/html; charset=utf-8");
}

}  // namespace pqtrack::web
