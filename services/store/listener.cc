#include "services/store/listener.h"

#include <memory>
#include <pqxx/pqxx>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/log.h"

namespace pqtrack::store {
namespace {

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel,
           const NotificationListener::Callbacks& callbacks)
      : pqxx::notification_receiver(c, channel), callbacks_(callbacks) {}
  void operator()(const std::string& payload, int) override {
    if (callbacks_.notified) callbacks_.notified(channel(), payload);
  }

 private:
  const NotificationListener::Callbacks& callbacks_;
};

}  // namespace

NotificationListener::NotificationListener(std::string url,
                                           std::vector<std::string> channels,
                                           Callbacks callbacks)
    : url_(std::move(url)),
      channels_(std::move(channels)),
      callbacks_(std::move(callbacks)) {}

NotificationListener::~NotificationListener() { Stop(); }

void NotificationListener::Start() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void NotificationListener::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void NotificationListener::Run() {
  std::unique_ptr<pqxx::connection> conn;
  std::vector<std::unique_ptr<Receiver>> receivers;
  bool listening = false;
  const auto set_state = [&](bool now) {
    if (now != listening && callbacks_.state) callbacks_.state(now);
    listening = now;
  };
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    try {
      if (conn == nullptr) {
        conn = std::make_unique<pqxx::connection>(url_);
        for (const std::string& c : channels_) {
          receivers.push_back(std::make_unique<Receiver>(*conn, c, callbacks_));
        }
        set_state(true);
      }
      conn->await_notification(0, 100000);
    } catch (const std::exception& e) {
      if (listening) {
        WriteLog(LogLevel::kWarning, absl::StrCat("listener: connection lost (",
                                                  e.what(), "); retrying"));
      }
      set_state(false);
      receivers.clear();
      conn.reset();
      absl::MutexLock lock(&mu_);
      const auto stop = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&stop), absl::Seconds(1));
    }
  }
  set_state(false);
}

}  // namespace pqtrack::store
