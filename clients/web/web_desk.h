// Provides WebDesk, the browser desk of responders and leaders: an HTTP
// front (cpp-httplib) that is a gRPC client of pqtrack-server and keeps no
// data of its own, so several can run side by side.
//
// Sessions: POST /login exchanges user name and password for a session
// token (AdminService.Login); the browser holds it only in an HttpOnly,
// SameSite=Strict cookie. Every form carries a CSRF token derived from the
// session (a SHA-256 of the session secret, which a page cannot read), so
// any pqtrack-web of the same server accepts it; it is checked on every
// POST. The login form uses a double-submit cookie. Every response
// carries a Content-Security-Policy that allows only this server's own
// stylesheet and forms.
//
// Pages so far: /login, / (the queue of the user's unit: ListInbox, sorted
// by due date, Vietnamese or English, dates dd/mm/yyyy), /logout (POST),
// /lang (POST), /style.css.
//
// Thread-safety: httplib calls the handlers on its pool; WebDesk holds only
// immutable state and a thread-safe gRPC channel.
#ifndef PQTRACK_CLIENTS_WEB_WEB_DESK_H_
#define PQTRACK_CLIENTS_WEB_WEB_DESK_H_

#include <grpcpp/channel.h>
#include <httplib.h>

#include <memory>
#include <string>

namespace pqtrack::web {

class WebDesk {
 public:
  // `channel`: to pqtrack-server.
  explicit WebDesk(std::shared_ptr<grpc::Channel> channel);

  // Adds the routes and the response headers to `server`.
  void Register(httplib::Server& server);

 private:
  void LoginPage(const httplib::Request& req, httplib::Response& res,
                 const std::string& error = "");
  void LoginPost(const httplib::Request& req, httplib::Response& res);
  void LogoutPost(const httplib::Request& req, httplib::Response& res);
  void LangPost(const httplib::Request& req, httplib::Response& res);
  void QueuePage(const httplib::Request& req, httplib::Response& res);

  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace pqtrack::web

#endif  // PQTRACK_CLIENTS_WEB_WEB_DESK_H_
