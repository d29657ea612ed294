#include "clients/web/request_log.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/crypto.h"
#include "services/common/json.h"
#include "services/common/log.h"

namespace pqtrack::web {
namespace {

struct Current {
  std::optional<absl::Time> start;
  std::string id;
  std::string user;
  std::string detail;
};

Current& This() {
  thread_local Current current;
  return current;
}

}  // namespace

void BeginRequest() {
  Current& c = This();
  c = Current();
  c.start = absl::Now();
  c.id = RandomSecret(8);
}

const std::string& RequestId() {
  Current& c = This();
  if (c.id.empty()) c.id = RandomSecret(8);
  return c.id;
}

void NoteRequestUser(const std::string& login) { This().user = login; }

void NoteRequestFailure(const std::string& detail) { This().detail = detail; }

void NoteRequestFailure(const std::string& call, const grpc::Status& st) {
  NoteRequestFailure(absl::StrCat(
      call, ": ",
      absl::StatusCodeToString(static_cast<absl::StatusCode>(st.error_code())),
      ": ", st.error_message()));
}

void LogRequest(const httplib::Request& req, const httplib::Response& res,
                bool all) {
  Current& c = This();
  const bool failed = res.status >= 500;
  if (all || failed) {
    JsonObject line;
    line.Add("method", req.method)
        .Add("path", req.path)
        .Add("status", res.status);
    if (c.start) {
      line.AddRaw("latency_ms",
                  absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(
                                              absl::Now() - *c.start)));
    }
    if (!c.user.empty()) line.Add("user", c.user);
    line.Add("remote", req.remote_addr).Add("request_id", RequestId());
    if (!c.detail.empty()) line.Add("detail", c.detail);
    WriteLog(failed ? LogLevel::kError : LogLevel::kInfo, "", line);
  }
  c = Current();
}

}  // namespace pqtrack::web
