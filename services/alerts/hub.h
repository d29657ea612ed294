// Provides AlertHub, which feeds live alert streams. One thread LISTENs on
// PostgreSQL channel "pqtrack_alerts" (with a short poll as a safety net),
// reads new alerts once per wake-up and hands each subscriber the ones its
// scope and filters allow. A new subscriber first gets, on the same thread,
// every alert after its cursor up to the last one the hub has read, then
// the live ones — so the switch has no gap and no repeat. Every server
// replica runs its own hub; alerts fired by any replica reach all of them.
// Subscribers that ask for changes also get, from the round they go live,
// each sealed workflow event of an item of their units (read once per
// wake-up like the alerts); changes are never replayed.
//
// Thread-safety: all methods are thread-safe. Sinks are called on the hub's
// threads (new alerts for many subscribers are handed out by a few threads
// at once, each subscriber by one of them), one call at a time per sink,
// never after Unsubscribe returns, and must not block.
#ifndef PQTRACK_SERVICES_ALERTS_HUB_H_
#define PQTRACK_SERVICES_ALERTS_HUB_H_

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/store/alert_store.h"

namespace pqtrack::alerts {

// Receives a subscriber's alerts.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Alerts in cursor order.
  virtual void Deliver(const std::vector<store::Alert>& alerts) = 0;
  virtual void Heartbeat(int64_t last_cursor, absl::Time now) = 0;
  // Changes of items of its units, in commit order (only when asked for).
  virtual void Changed(const std::vector<store::Change>& changes) = 0;
  // The hub is done with this sink (shutdown or an error); no more calls.
  virtual void Close(const absl::Status& status) = 0;
};

struct Subscription {
  int64_t after_cursor = 0;
  // Skip the replay: start after the last alert the hub has read when the
  // subscriber joins.
  bool from_now = false;
  // The caller's scope (nullopt: every alert) and unit filters.
  std::optional<std::string> scope_unit;
  std::vector<std::string> unit_codes;
  std::vector<core::AlertKind> kinds;
  absl::Duration heartbeat = absl::Seconds(15);
  // Also hand over item changes (Subscription::units applies, kinds not).
  bool changes = false;
  // The caller's token (the hash the store keeps) and how to check that it
  // still works: when tokens change (TokensChanged), a subscriber whose
  // check fails is closed with that status. No check: never closed so.
  std::string token_hash;
  std::function<absl::Status()> recheck;
};

class AlertHub {
 public:
  // `listen_url`: where to LISTEN; `store` and `clock` must outlive the hub.
  // `fan_out_threads`: most threads handing out new alerts when there are
  // many live subscribers; 0 for two per core, up to 8.
  AlertHub(std::string listen_url, store::AlertStore* store, const Clock* clock,
           unsigned fan_out_threads = 0);
  ~AlertHub();

  void Start();
  // Closes every sink with UNAVAILABLE and stops the thread.
  void Stop();

  void Subscribe(AlertSink* sink, Subscription subscription);
  // After this returns the hub never calls `sink` again.
  void Unsubscribe(AlertSink* sink);
  // A notification on store::kTokensChannel: the token with this hash was
  // revoked, or ("*") any user's token may have stopped working. The hub's
  // thread rechecks the subscribers it concerns (within its next wake-up)
  // and closes those whose token no longer works.
  void TokensChanged(const std::string& payload);

  // Number of live subscribers (for tests and benchmarks).
  int size() const;

 private:
  struct Subscriber {
    Subscription sub;
    // Units whose alerts it may get; nullopt: all.
    std::optional<std::set<std::string>> units;
    int64_t cursor = 0;
    bool live = false;
    absl::Time next_heartbeat;
  };

  using Live = std::vector<std::pair<AlertSink*, Subscriber*>>;

  void Run();
  // Rechecks the tokens `changes` concern; closes the failing subscribers.
  void Recheck(const std::vector<std::string>& changes)
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::Status Activate(AlertSink* sink, Subscriber& s)
      ABSL_LOCKS_EXCLUDED(mu_);
  // What one wake-up read: new alerts and, when someone asked, changes.
  struct News {
    std::vector<store::Alert> alerts;
    std::vector<store::Change> changes;
  };
  // Hands `news` (and heartbeats that are due) to the live subscribers,
  // split across threads when there are many.
  void FanOut(const Live& live, const News& news, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DeliverRange(Live::const_iterator begin, Live::const_iterator end,
                    const News& news, absl::Time now) const;
  bool Wants(const Subscriber& s, const store::Alert& a) const;
  bool Wants(const Subscriber& s, const store::Change& c) const;

  const std::string listen_url_;
  store::AlertStore& store_;
  const Clock& clock_;
  const unsigned fan_out_threads_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::string> token_changes_ ABSL_GUARDED_BY(mu_);
  // The last alert id the hub has read.
  int64_t last_id_ ABSL_GUARDED_BY(mu_) = -1;
  absl::flat_hash_map<AlertSink*, Subscriber> subscribers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pqtrack::alerts

#endif  // PQTRACK_SERVICES_ALERTS_HUB_H_
