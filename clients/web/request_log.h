// Provides the web desk's request log: one JSON line a request, in the log
// every pqtrack daemon writes (services/common/log.h):
//
//   {"time":...,"level":"info","method":"GET","path":"/items/12",
//    "status":200,"latency_ms":4.210,"user":"vu.tl","remote":"10.0.0.7",
//    "request_id":"..."}
//
// The path goes without its query (a query may hold what a user searched
// for). A request answered 5xx is written at level "error" with the
// failure's detail (the server's status, an exception's text); its page
// shows only the request id, for the user to quote. With `all` false only
// those are written. An event stream (/events) is written when it ends,
// its latency being its life.
//
// httplib serves each request on one thread from start to log, so what a
// handler notes (the user, a failure) is kept per thread between
// BeginRequest (the pre-routing handler) and LogRequest (the logger). A
// request httplib refuses before routing (unreadable, too long a URI) is
// written without user or latency.
#ifndef PQTRACK_CLIENTS_WEB_REQUEST_LOG_H_
#define PQTRACK_CLIENTS_WEB_REQUEST_LOG_H_

#include <grpcpp/support/status.h>
#include <httplib.h>

#include <string>

namespace pqtrack::web {

// Starts the request this thread serves: a new id, the clock running.
void BeginRequest();
// The id of the request this thread serves.
const std::string& RequestId();
// The signed-in user of the request.
void NoteRequestUser(const std::string& login);
// Why the request failed, for the log only.
void NoteRequestFailure(const std::string& detail);
// ... a call of pqtrack-server that failed with `st`.
void NoteRequestFailure(const std::string& call, const grpc::Status& st);
// Writes the request's line (when `all`, or it failed) and ends it.
void LogRequest(const httplib::Request& req, const httplib::Response& res,
                bool all);

}  // namespace pqtrack::web

#endif  // PQTRACK_CLIENTS_WEB_REQUEST_LOG_H_
