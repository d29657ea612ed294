// Provides NotificationListener: one thread with its own PostgreSQL
// connection that LISTENs on some channels and hands each notification to a
// callback, reconnecting by itself when the connection is lost. It reports
// whether it is listening, so that a cache kept fresh by notifications can
// stop trusting itself while it may be missing some.
//
// Thread-safety: Start and Stop from one thread; the callbacks run on the
// listener's thread and must not block for long.
#ifndef PQTRACK_SERVICES_STORE_LISTENER_H_
#define PQTRACK_SERVICES_STORE_LISTENER_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace pqtrack::store {

class NotificationListener {
 public:
  struct Callbacks {
    // A notification on `channel` with `payload`.
    std::function<void(const std::string& channel, const std::string& payload)>
        notified;
    // true once LISTEN is in place (again); false when the connection was
    // lost (notifications sent meanwhile are lost too).
    std::function<void(bool listening)> state;
  };

  NotificationListener(std::string url, std::vector<std::string> channels,
                       Callbacks callbacks);
  // Stops the thread if it runs.
  ~NotificationListener();

  void Start();
  // Ends the thread; `state(false)` is called once more.
  void Stop();

 private:
  void Run();

  const std::string url_;
  const std::vector<std::string> channels_;
  const Callbacks callbacks_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace pqtrack::store

#endif  // PQTRACK_SERVICES_STORE_LISTENER_H_
