#include "services/api/call_log.h"

#include <grpcpp/support/status.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/api/metrics.h"
#include "services/common/crypto.h"
#include "services/common/json.h"
#include "services/common/log.h"

namespace pqtrack::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

// The login of each call in progress that passed authentication.
class Users {
 public:
  void Note(const void* call, const std::string& login) {
    absl::MutexLock lock(&mu_);
    logins_[call] = login;
  }
  std::string Take(const void* call) {
    absl::MutexLock lock(&mu_);
    auto it = logins_.find(call);
    if (it == logins_.end()) return "";
    std::string login = std::move(it->second);
    logins_.erase(it);
    return login;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const void*, std::string> logins_ ABSL_GUARDED_BY(mu_);
};

Users& TheUsers() {
  static Users* users = new Users;
  return *users;
}

bool Unexpected(grpc::StatusCode code) {
  return code == grpc::StatusCode::INTERNAL ||
         code == grpc::StatusCode::UNKNOWN ||
         code == grpc::StatusCode::DATA_LOSS;
}

class CallLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                     const CallLogOptions& options)
      : info_(info), options_(options), start_(absl::Now()) {}
  // A call cancelled before its status leaves its user noted: forget it.
  ~CallLogInterceptor() override {
    if (!done_) TheUsers().Take(info_->server_context());
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finish(methods);
    }
    methods->Proceed();
  }

 private:
  void Finish(grpc::experimental::InterceptorBatchMethods* methods) {
    done_ = true;
    const grpc::Status st = methods->GetSendStatus();
    const absl::Time now = absl::Now();
    Metrics::Get().RecordCall(info_->method(), st.error_code(), now - start_);
    const std::string user = TheUsers().Take(info_->server_context());
    const bool unexpected = Unexpected(st.error_code());
    if (!unexpected && (!options_.all_calls || user.empty())) return;
    const std::string request_id = RandomSecret(8);
    JsonObject line;
    line.Add("rpc", info_->method())
        .Add("user", user)
        .Add("status", absl::StatusCodeToString(
                           static_cast<absl::StatusCode>(st.error_code())))
        .AddRaw(
            "latency_ms",
            absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(now - start_)))
        .Add("request_id", request_id);
    if (unexpected) {
      // The detail stays here; the client gets the id to quote.
      line.Add("detail", st.error_message());
      methods->ModifySendStatus(
          grpc::Status(st.error_code(), InternalErrorMessage(request_id)));
    }
    WriteLog(unexpected ? LogLevel::kError : LogLevel::kInfo, "", line,
             options_.out);
  }

  grpc::experimental::ServerRpcInfo* const info_;
  const CallLogOptions& options_;
  const absl::Time start_;
  bool done_ = false;
};

class CallLogFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallLogFactory(CallLogOptions options) : options_(options) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallLogInterceptor(info, options_);
  }

 private:
  const CallLogOptions options_;
};

}  // namespace

void NoteUser(const grpc::ServerContextBase* context,
              const std::string& login) {
  TheUsers().Note(context, login);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallLogFactory(CallLogOptions options) {
  return std::make_unique<CallLogFactory>(options);
}

std::string InternalErrorMessage(const std::string& request_id) {
  return absl::StrCat("internal error (request id ", request_id,
                      "; the server's log has the detail)");
}

}  // namespace pqtrack::api
