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
// Pages: /login; / (the queue of the user's unit: ListInbox, sorted by due
// date, filtered, counted and paged on the server: views with their counts,
// filters by kind, session and batch); /items/N (the item: its fields,
// sources, due date with its explanation, coordination, the answer as
// sent, the drafts and the history, and a form for each move the server
// says the user may make now); POST /items/N/{draft,input,submit,approve,
// return,send,files}; /items/N/files/F (a download); /reports (a form)
// and /reports/document (a report as a document to sign, downloaded in the
// page's language, for the user's scope); /logout and /lang
// (POST); /events (see Live); /style.css and /desk.js. Vietnamese by default,
// English with one click; dates dd/mm/yyyy, times in Asia/Ho_Chi_Minh.
//
// Every move carries the item version the page showed. A draft saved over
// someone else's change comes back with both texts side by side (the
// user's still in the editor); any other refusal shows the server's reason
// with what was typed kept.
//
// Live: the pages' script (/desk.js) listens on GET /events, which
// relays the user's WatchAlerts (their unit's alerts) as Server-Sent Events
// and refreshes the queue when one arrives. A reconnecting browser sends
// Last-Event-ID and resumes from that cursor; a new one starts from now
// (WatchAlerts from_now). Each stream holds one of httplib's threads, so
// at most Options::max_live are open at once (503 beyond: the queue still
// works by reloading); each ends after Options::stream_lifetime and the
// browser reconnects, which checks the session again.
//
// Log: each request is a JSON line on stderr (request_log.h); a request
// that fails on the server's side (5xx, an exception in a handler) is logged
// with its detail, and its page shows only the request id.
//
// Thread-safety: httplib calls the handlers on its pool; WebDesk holds
// immutable state, a thread-safe gRPC channel and, under its mutex, the
// set of live streams.
#ifndef PQTRACK_CLIENTS_WEB_WEB_DESK_H_
#define PQTRACK_CLIENTS_WEB_WEB_DESK_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <httplib.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pqtrack/v1/admin.pb.h"
#include "pqtrack/v1/attachment.pb.h"

namespace pqtrack::web {

class WebDesk {
 public:
  struct Options {
    // Live streams open at once (each holds an HTTP thread).
    int max_live = 100;
    // How long one stream lasts before the browser reconnects.
    absl::Duration stream_lifetime = absl::Minutes(15);
    // WatchAlerts heartbeats, which also notice a browser gone away.
    int heartbeat_seconds = 15;
    // Cookies marked Secure (set when serving HTTPS).
    bool secure_cookies = false;
    // Every request in the log (request_log.h); false: only failures.
    bool log_requests = true;
  };

  // `channel`: to pqtrack-server.
  explicit WebDesk(std::shared_ptr<grpc::Channel> channel)
      : WebDesk(std::move(channel), Options()) {}
  WebDesk(std::shared_ptr<grpc::Channel> channel, Options options);

  // Adds the routes and the response headers to `server`.
  void Register(httplib::Server& server);

  // Ends every live stream and refuses new ones; call before stopping the
  // HTTP server, whose threads they hold.
  void Shutdown();
  // Live streams open now.
  int live_streams() const;

 private:
  void LoginPage(const httplib::Request& req, httplib::Response& res,
                 const std::string& error = "");
  void LoginPost(const httplib::Request& req, httplib::Response& res);
  void LogoutPost(const httplib::Request& req, httplib::Response& res);
  void LangPost(const httplib::Request& req, httplib::Response& res);
  void QueuePage(const httplib::Request& req, httplib::Response& res);
  // /reports: the form; /reports/document: the document, downloaded.
  void ReportsPage(const httplib::Request& req, httplib::Response& res,
                   const std::string& error = "");
  void ReportDocumentGet(const httplib::Request& req, httplib::Response& res);

  // A signed-in user, as the session cookie says.
  struct Session {
    std::string secret;
    std::string csrf;
    std::string lang;
    // The page asked for (path and query), to come back to.
    std::string path;
    v1::WhoAmIResponse who;
  };
  // The session of `req`; without one (or when it ended) the response is
  // the login page and nullopt is returned.
  std::optional<Session> SignedIn(const httplib::Request& req,
                                  httplib::Response& res);
  // The login page with "your session has ended", the cookie dropped.
  void SessionEnded(const httplib::Request& req, httplib::Response& res);
  // The top bar: who is signed in, the language switch, sign out.
  std::string HeaderBar(const Session& s) const;
  // A page saying the server refused or failed: its message, and 400, 403
  // or 404 for a bad request, a denied or unknown item; otherwise 502,
  // logged with the detail, the page showing the request id.
  void ServerError(httplib::Response& res, const Session& s,
                   const std::string& title, const grpc::Status& st) const;

  // What the item page says above its forms.
  struct Notice {
    std::string error;
    // "done_<move>" after a move went through.
    std::string done;
    // A draft saved on a stale version: `my_text` was not saved.
    bool conflict = false;
    std::string my_text;
    // The refused form, to keep what was typed.
    const httplib::Request* posted = nullptr;
  };
  void ItemPage(const httplib::Request& req, httplib::Response& res,
                const Session& s, int64_t id, const Notice& notice);
  void MovePost(const httplib::Request& req, httplib::Response& res, int64_t id,
                const std::string& move);
  // Streams one posted file to UploadAttachment.
  grpc::Status UploadFile(const Session& s, int64_t id,
                          const httplib::MultipartFormData& file,
                          v1::AttachmentKind kind);
  void FileGet(const httplib::Request& req, httplib::Response& res, int64_t id,
               int64_t file);

  struct LiveStream;
  void EventsGet(const httplib::Request& req, httplib::Response& res);
  // Writes the stream's events to the browser until either side ends.
  bool Pump(LiveStream& s, httplib::DataSink& sink);
  // Unregisters the stream and ends its call if it is still open.
  void EndStream(LiveStream& s);
  // Ends the live streams this desk holds for a session (signed out here).
  void EndLiveStreamsOf(const std::string& secret);

  std::shared_ptr<grpc::Channel> channel_;
  const Options options_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Each open stream's call, with the CSRF code of its session (a digest,
  // not the secret) so that signing out ends that session's streams.
  std::map<grpc::ClientContext*, std::string> live_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pqtrack::web

#endif  // PQTRACK_CLIENTS_WEB_WEB_DESK_H_
