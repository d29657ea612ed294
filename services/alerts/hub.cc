#include "services/alerts/hub.h"

#include <algorithm>
#include <iterator>
#include <pqxx/pqxx>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace pqtrack::alerts {
namespace {

constexpr int kPage = 1000;
// Fewer live subscribers than this are served by the hub's thread alone.
constexpr size_t kParallelFrom = 512;
// Most threads handing out one batch by default: two per core (a thread
// spends part of each write waiting inside gRPC), at most this many.
constexpr unsigned kMaxFanOutThreads = 8;

// Wakes the hub when PostgreSQL notifies.
class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, bool* flag)
      : pqxx::notification_receiver(c, "pqtrack_alerts"), flag_(flag) {}
  void operator()(const std::string&, int) override { *flag_ = true; }

 private:
  bool* flag_;
};

}  // namespace

AlertHub::AlertHub(std::string listen_url, store::AlertStore* store,
                   const Clock* clock, unsigned fan_out_threads)
    : listen_url_(std::move(listen_url)),
      store_(*store),
      clock_(*clock),
      fan_out_threads_(fan_out_threads != 0
                           ? fan_out_threads
                           : std::clamp(2 * std::thread::hardware_concurrency(),
                                        1u, kMaxFanOutThreads)) {}

AlertHub::~AlertHub() { Stop(); }

void AlertHub::Start() {
  thread_ = std::thread([this] { Run(); });
}

void AlertHub::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  for (auto& [sink, s] : subscribers_) {
    sink->Close(absl::UnavailableError(
        "the server is shutting down; reconnect with your last cursor"));
  }
  subscribers_.clear();
}

void AlertHub::Subscribe(AlertSink* sink, Subscription subscription) {
  absl::MutexLock lock(&mu_);
  Subscriber s;
  s.cursor = subscription.after_cursor;
  s.sub = std::move(subscription);
  subscribers_[sink] = std::move(s);
  wake_ = true;
}

void AlertHub::Unsubscribe(AlertSink* sink) {
  absl::MutexLock lock(&mu_);
  subscribers_.erase(sink);
}

void AlertHub::TokensChanged(const std::string& payload) {
  absl::MutexLock lock(&mu_);
  token_changes_.push_back(payload);
  wake_ = true;
}

void AlertHub::Recheck(const std::vector<std::string>& changes) {
  const bool all =
      std::find(changes.begin(), changes.end(), "*") != changes.end();
  std::vector<std::pair<AlertSink*, std::function<absl::Status()>>> checks;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [sink, s] : subscribers_) {
      if (!s.sub.recheck) continue;
      if (all || std::find(changes.begin(), changes.end(), s.sub.token_hash) !=
                     changes.end()) {
        checks.emplace_back(sink, s.sub.recheck);
      }
    }
  }
  for (const auto& [sink, check] : checks) {
    const absl::Status st = check();
    if (!absl::IsUnauthenticated(st) && !absl::IsPermissionDenied(st)) {
      continue;  // still good, or the database is away: checked next time
    }
    absl::MutexLock lock(&mu_);
    auto it = subscribers_.find(sink);
    if (it == subscribers_.end()) continue;  // gone meanwhile
    sink->Close(st);
    subscribers_.erase(it);
  }
}

int AlertHub::size() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(subscribers_.size());
}

bool AlertHub::Wants(const Subscriber& s, const store::Alert& a) const {
  if (!s.sub.kinds.empty() && std::find(s.sub.kinds.begin(), s.sub.kinds.end(),
                                        a.kind) == s.sub.kinds.end()) {
    return false;
  }
  return !s.units || s.units->count(a.unit_code) > 0;
}

bool AlertHub::Wants(const Subscriber& s, const store::Change& c) const {
  if (!s.sub.changes) return false;
  if (!s.units) return true;
  return std::any_of(c.unit_codes.begin(), c.unit_codes.end(),
                     [&](const std::string& u) { return s.units->count(u); });
}

absl::Status AlertHub::Activate(AlertSink*, Subscriber& s) {
  // Units it may see: its scope's subtree, narrowed by its filters.
  if (s.sub.scope_unit || !s.sub.unit_codes.empty()) {
    std::optional<std::set<std::string>> allowed;
    if (s.sub.scope_unit) {
      allowed.emplace();
      if (!s.sub.scope_unit->empty()) {
        auto codes = store_.SubtreeCodes(*s.sub.scope_unit);
        if (!codes.ok()) return codes.status();
        allowed->insert(codes->begin(), codes->end());
      }
    }
    if (!s.sub.unit_codes.empty()) {
      std::set<std::string> wanted;
      for (const std::string& u : s.sub.unit_codes) {
        auto codes = store_.SubtreeCodes(u);
        if (absl::IsNotFound(codes.status())) {
          // A filter naming no unit is the caller's mistake, as ListAlerts
          // says.
          return absl::InvalidArgumentError(
              absl::StrCat("unit_codes: ", codes.status().message()));
        }
        if (!codes.ok()) return codes.status();
        wanted.insert(codes->begin(), codes->end());
      }
      if (allowed) {
        std::set<std::string> both;
        for (const std::string& u : wanted) {
          if (allowed->count(u)) both.insert(u);
        }
        allowed = std::move(both);
      } else {
        allowed = std::move(wanted);
      }
    }
    s.units = std::move(allowed);
  }
  return absl::OkStatus();
}

void AlertHub::Run() {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<Receiver> receiver;
  bool notified = false;
  // The last change read; -1 while nobody asks for changes.
  int64_t last_seq = -1;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    // Wait for a notification (or a short while: new subscribers and
    // heartbeats are handled on this thread too).
    try {
      if (conn == nullptr) {
        conn = std::make_unique<pqxx::connection>(listen_url_);
        receiver = std::make_unique<Receiver>(*conn, &notified);
        notified = true;  // read whatever fired while we were away
      }
      conn->await_notification(0, 100000);
    } catch (const std::exception& e) {
      WriteLog(LogLevel::kWarning,
               absl::StrCat("alerts: LISTEN connection lost (", e.what(),
                            "); retrying"));
      receiver.reset();
      conn.reset();
      absl::MutexLock lock(&mu_);
      const auto stop = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&stop), absl::Seconds(1));
      continue;
    }

    int64_t last_id;
    std::vector<std::pair<AlertSink*, Subscriber>> joining;
    bool changes_wanted = false;
    std::vector<std::string> token_changes;
    {
      absl::MutexLock lock(&mu_);
      token_changes.swap(token_changes_);
    }
    // Streams of revoked tokens end first.
    if (!token_changes.empty()) Recheck(token_changes);
    {
      absl::MutexLock lock(&mu_);
      last_id = last_id_;
      for (auto& [sink, s] : subscribers_) {
        if (!s.live) joining.emplace_back(sink, s);
        changes_wanted = changes_wanted || s.sub.changes;
      }
      notified = notified || wake_ || last_id_ < 0;
      wake_ = false;
    }
    // Read new alerts (and changes) once for everybody.
    News news;
    std::vector<store::Alert>& fresh = news.alerts;
    if (!changes_wanted) {
      last_seq = -1;
    } else if (last_seq < 0) {
      // Changes start now: nothing before is handed out.
      auto seq = store_.LastChangeSeq();
      if (seq.ok()) last_seq = *seq;
    } else if (notified) {
      for (;;) {
        auto page = store_.ListChanges(last_seq, kPage);
        if (!page.ok() || page->empty()) break;
        last_seq = page->back().seq;
        news.changes.insert(news.changes.end(), page->begin(), page->end());
        if (static_cast<int>(page->size()) < kPage) break;
      }
    }
    if (notified) {
      notified = false;
      store::AlertFilter f;
      f.after_cursor = std::max<int64_t>(last_id, 0);
      f.limit = kPage;
      for (;;) {
        auto page = store_.ListAlerts(std::nullopt, f);
        if (!page.ok()) break;
        fresh.insert(fresh.end(), page->begin(), page->end());
        if (static_cast<int>(page->size()) < kPage) break;
        f.after_cursor = page->back().id;
      }
      if (!fresh.empty()) {
        last_id = fresh.back().id;
      } else if (last_id < 0) {
        last_id = 0;
      }
    }
    // Bring joining subscribers up to `last_id` from the database.
    for (auto& [sink, s] : joining) {
      absl::Status st = Activate(sink, s);
      if (s.sub.from_now) s.cursor = std::max(s.cursor, last_id);
      std::vector<store::Alert> replay;
      store::AlertFilter f;
      f.after_cursor = s.cursor;
      f.until_cursor = last_id;
      f.unit_codes = s.sub.unit_codes;
      f.kinds = s.sub.kinds;
      f.limit = kPage;
      while (st.ok() && f.after_cursor < last_id) {
        auto page = store_.ListAlerts(s.sub.scope_unit, f);
        if (!page.ok()) {
          st = page.status();
          break;
        }
        replay.insert(replay.end(), page->begin(), page->end());
        if (static_cast<int>(page->size()) < kPage) break;
        f.after_cursor = page->back().id;
      }
      absl::MutexLock lock(&mu_);
      auto it = subscribers_.find(sink);
      if (it == subscribers_.end()) continue;  // gone meanwhile
      if (!st.ok()) {
        sink->Close(st);
        subscribers_.erase(it);
        continue;
      }
      it->second.units = s.units;
      it->second.live = true;
      it->second.cursor = std::max(s.cursor, last_id);
      it->second.next_heartbeat = clock_.Now() + s.sub.heartbeat;
      if (!replay.empty()) sink->Deliver(replay);
      // The replay is complete: from here on the stream is live.
      sink->Heartbeat(it->second.cursor, clock_.Now());
    }
    // Live alerts and heartbeats.
    absl::MutexLock lock(&mu_);
    last_id_ = std::max(last_id_, last_id);
    Live live;
    live.reserve(subscribers_.size());
    for (auto& [sink, s] : subscribers_) {
      if (s.live) live.emplace_back(sink, &s);
    }
    FanOut(live, news, clock_.Now());
  }
}

void AlertHub::FanOut(const Live& live, const News& news, absl::Time now) {
  // A write to a stream costs tens of microseconds inside gRPC: with
  // thousands of watchers one thread would make the last of them wait for
  // all the others.
  const unsigned threads = fan_out_threads_;
  if ((news.alerts.empty() && news.changes.empty()) || threads == 1 ||
      live.size() < kParallelFrom) {
    DeliverRange(live.begin(), live.end(), news, now);
    return;
  }
  std::vector<std::thread> helpers;
  const size_t chunk = (live.size() + threads - 1) / threads;
  for (size_t from = chunk; from < live.size(); from += chunk) {
    const auto begin = live.begin() + static_cast<std::ptrdiff_t>(from);
    const auto end = live.begin() + static_cast<std::ptrdiff_t>(
                                        std::min(from + chunk, live.size()));
    try {
      helpers.emplace_back([this, begin, end, &news, now] {
        DeliverRange(begin, end, news, now);
      });
    } catch (const std::system_error&) {
      // No thread to be had: this thread delivers the range itself.
      DeliverRange(begin, end, news, now);
    }
  }
  DeliverRange(
      live.begin(),
      live.begin() + static_cast<std::ptrdiff_t>(std::min(chunk, live.size())),
      news, now);
  for (std::thread& t : helpers) t.join();
}

// The caller holds mu_ until every range is done, and each subscriber is
// in one range only, so the subscribers' state needs no lock of its own.
void AlertHub::DeliverRange(
    Live::const_iterator begin, Live::const_iterator end, const News& news,
    absl::Time now) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
  const std::vector<store::Alert>& fresh = news.alerts;
  for (auto it = begin; it != end; ++it) {
    AlertSink* sink = it->first;
    Subscriber& s = *it->second;
    // Most watchers want every new alert: they get `fresh` itself, with
    // no copy per watcher.
    const auto wanted = [&](const store::Alert& a) {
      return a.id > s.cursor && Wants(s, a);
    };
    const bool all = std::all_of(fresh.begin(), fresh.end(), wanted);
    std::vector<store::Alert> mine;
    if (!all) {
      std::copy_if(fresh.begin(), fresh.end(), std::back_inserter(mine),
                   wanted);
    }
    const std::vector<store::Alert>& delivered = all ? fresh : mine;
    if (!fresh.empty()) s.cursor = std::max(s.cursor, fresh.back().id);
    if (!delivered.empty()) {
      sink->Deliver(delivered);
      s.next_heartbeat = now + s.sub.heartbeat;
    } else if (now >= s.next_heartbeat) {
      sink->Heartbeat(s.cursor, now);
      s.next_heartbeat = now + s.sub.heartbeat;
    }
    if (s.sub.changes && !news.changes.empty()) {
      std::vector<store::Change> changed;
      for (const store::Change& c : news.changes) {
        if (Wants(s, c)) changed.push_back(c);
      }
      if (!changed.empty()) sink->Changed(changed);
    }
  }
}

}  // namespace pqtrack::alerts