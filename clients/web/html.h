// Provides what every page of pqtrack-web shares: the words in Vietnamese
// and English, HTML escaping, cookies and the CSRF code, dates and times in
// the ministry's zone, the page frame and the stylesheet. Internal to
// clients/web.
#ifndef PQTRACK_CLIENTS_WEB_HTML_H_
#define PQTRACK_CLIENTS_WEB_HTML_H_

#include <grpcpp/client_context.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "pqtrack/v1/assembly.pb.h"
#include "pqtrack/v1/common.pb.h"

namespace pqtrack::web {

inline constexpr char kSessionCookie[] = "pqtrack_session";
inline constexpr char kLoginCsrfCookie[] = "pqtrack_login_csrf";
inline constexpr char kLangCookie[] = "pqtrack_lang";

// The one stylesheet (/style.css), print rules included.
const char* StyleSheet();
// The pages' one script (/desk.js; see WebDesk).
const char* DeskScript();

// The word for `key` in `lang` ("vi" or "en"); the key itself when there
// is none (enum names without a translation, say).
std::string T(const std::string& lang, const std::string& key);

// Text made safe for HTML content and attribute values.
std::string Escape(absl::string_view s);

std::map<std::string, std::string> Cookies(const httplib::Request& req);
std::string Cookie(const httplib::Request& req, const std::string& name);
// "en" when the language cookie says so, else "vi".
std::string Lang(const httplib::Request& req);

// Equal without leaking where two strings first differ; false when empty.
bool SameSecret(const std::string& a, const std::string& b);
// The CSRF code of a session: derived from its secret, which a page cannot
// read, so every pqtrack-web of one server agrees on it.
std::string CsrfFor(const std::string& session_secret);
// A Set-Cookie value: HttpOnly, SameSite=Strict, whole site; `secure`
// (over HTTPS) keeps the browser from sending it in clear.
std::string SetCookie(const std::string& name, const std::string& value,
                      bool secure, bool expire_now = false);

// A call context with a deadline, carrying the session's bearer token when
// `secret` is not empty.
std::unique_ptr<grpc::ClientContext> Context(const std::string& secret);

// A whole page: `body` inside <main>, `header_extra` in the top bar.
std::string Page(const std::string& lang, const std::string& title,
                 const std::string& body, const std::string& header_extra);
// The one-click language switch, which comes back to `back` (a path of
// this site).
std::string LangForm(const std::string& lang, const std::string& csrf,
                     const std::string& back = "/");

// dd/mm/yyyy; empty for an unset date.
std::string Date(const v1::Date& d);
// "Kỳ họp thứ 8 khóa XV" / "Session 8 of term XV".
std::string SessionLabel(const std::string& lang, const v1::Session& s);
// dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh; empty for an unset time.
std::string LocalTime(const google::protobuf::Timestamp& t);

}  // namespace pqtrack::web

#endif  // PQTRACK_CLIENTS_WEB_HTML_H_
