// watch_bench: how the alert stream behaves with many watchers on one server.
//
//   watch_bench [--watchers 1,100,1000,10000] [--alerts 20]
//
// For each N it starts a fresh pqtrack-server (a child process, so its
// memory is its own) on a throwaway PostgreSQL, opens N WatchAlerts streams
// (100 per connection, as many clients would), waits until every stream is
// live, then fires alerts one at a time the way the scheduler does (a queued
// alert in one transaction; the server's sequencer numbers it after commit)
// and records when each watcher receives each alert. Printed side by side:
//   - time from the start of the firing transaction to arrival at every
//     watcher (p50, p99, max);
//   - the baseline, measured on the same alerts in the same run: a NOTIFY
//     sent by the firing transaction itself reaching one plain LISTEN
//     connection on PostgreSQL — the floor any design built on
//     LISTEN/NOTIFY pays;
//   - the server's resident memory idle and with N watchers, and the
//     difference per watcher.
// It is a benchmark, not a test: it asserts nothing but that every alert
// reached every watcher.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/bench_support.h"
#include "pqtrack/v1/alert.grpc.pb.h"
#include "pqtrack/v1/item.grpc.pb.h"
#include "pqtrack/v1/unit.grpc.pb.h"
#include "services/common/status_macros.h"
#include "services/server/embedded_postgres.h"
#include "services/store/alert_store.h"
#include "services/store/db.h"
#include "services/store/migrations.h"
#include "services/store/user_store.h"

namespace pqtrack::bench {
namespace {

constexpr int kStreamsPerConnection = 100;

// Arrival times of alerts, by alert id, from every watcher and from the
// plain LISTEN baseline.
class Arrivals {
 public:
  void Live() {
    absl::MutexLock lock(&mu_);
    ++live_;
  }
  void Ended() {
    absl::MutexLock lock(&mu_);
    ++ended_;
  }
  void Watcher(int64_t id, absl::Time at) {
    absl::MutexLock lock(&mu_);
    watcher_[id].push_back(at);
  }
  void Listener(int64_t id, absl::Time at) {
    absl::MutexLock lock(&mu_);
    listener_[id] = at;
  }
  // Waits until `n` streams are live (or `n` have ended: something failed).
  bool AwaitLive(int n) {
    absl::MutexLock lock(&mu_);
    const auto done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return live_ + ended_ >= n;
    };
    mu_.Await(absl::Condition(&done));
    return live_ >= n && ended_ == 0;
  }
  // Waits until alert `id` reached `n` watchers and the listener, or a
  // minute passed.
  bool AwaitAlert(int64_t id, int n) {
    absl::MutexLock lock(&mu_);
    const auto done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      auto w = watcher_.find(id);
      return w != watcher_.end() && static_cast<int>(w->second.size()) >= n &&
             listener_.count(id) > 0;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&done), absl::Minutes(1));
  }
  void AwaitEnded(int n) {
    absl::MutexLock lock(&mu_);
    const auto done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return ended_ >= n;
    };
    mu_.Await(absl::Condition(&done));
  }
  std::vector<absl::Time> WatcherTimes(int64_t id) {
    absl::MutexLock lock(&mu_);
    return watcher_[id];
  }
  absl::Time ListenerTime(int64_t id) {
    absl::MutexLock lock(&mu_);
    return listener_[id];
  }

 private:
  absl::Mutex mu_;
  int live_ ABSL_GUARDED_BY(mu_) = 0;
  int ended_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<int64_t, std::vector<absl::Time>> watcher_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, absl::Time> listener_ ABSL_GUARDED_BY(mu_);
};

// One WatchAlerts stream on the callback API (no thread per stream).
class Watcher : public grpc::ClientReadReactor<v1::WatchAlertsResponse> {
 public:
  Watcher(v1::AlertService::Stub* stub, const std::string& token, int64_t after,
          Arrivals* arrivals)
      : arrivals_(*arrivals) {
    ctx_.AddMetadata("authorization", "Bearer " + token);
    req_.set_after_cursor(after);
    req_.set_heartbeat_seconds(300);
    stub->async()->WatchAlerts(&ctx_, &req_, this);
    StartRead(&resp_);
    StartCall();
  }
  void Cancel() { ctx_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows
    const absl::Time now = absl::Now();
    if (resp_.has_alert()) {
      arrivals_.Watcher(resp_.alert().id(), now);
    } else if (!live_) {
      live_ = true;  // the first heartbeat ends the replay
      arrivals_.Live();
    }
    StartRead(&resp_);
  }
  void OnDone(const grpc::Status& status) override {
    if (!live_ && !status.ok()) {
      std::cerr << "a watcher failed: " << status.error_message() << "\n";
    }
    arrivals_.Ended();
  }

 private:
  Arrivals& arrivals_;
  grpc::ClientContext ctx_;
  v1::WatchAlertsRequest req_;
  v1::WatchAlertsResponse resp_;
  bool live_ = false;
};

// The baseline: one plain LISTEN connection on the alerts channel.
class Listener {
 public:
  Listener(const std::string& url, Arrivals* arrivals)
      : thread_([this, url, arrivals] { Run(url, arrivals); }) {}
  ~Listener() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    thread_.join();
  }
  void AwaitReady() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&ready_));
  }

 private:
  class Receiver : public pqxx::notification_receiver {
   public:
    Receiver(pqxx::connection_base& c, Arrivals* a)
        : pqxx::notification_receiver(c, "pqtrack_bench_fired"), a_(*a) {}
    void operator()(const std::string& payload, int) override {
      const absl::Time now = absl::Now();
      int64_t id = 0;
      if (absl::SimpleAtoi(payload, &id)) a_.Listener(id, now);
    }

   private:
    Arrivals& a_;
  };

  void Run(const std::string& url, Arrivals* arrivals) {
    pqxx::connection conn(url);
    Receiver receiver(conn, arrivals);
    conn.get_notifs();  // the LISTEN is sent
    {
      absl::MutexLock lock(&mu_);
      ready_ = true;
    }
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        if (stop_) return;
      }
      conn.await_notification(0, 50000);
    }
  }

  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

int64_t ResidentKiB(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      int64_t kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

struct Round {
  int watchers = 0;
  double connect_s = 0;
  double p50 = 0, p99 = 0, max = 0;   // ms, through pqtrack
  double base_p50 = 0, base_p99 = 0;  // ms, plain LISTEN
  int64_t idle_kib = 0, busy_kib = 0;
  bool complete = true;
};

// The firing transaction also NOTIFYs this channel with the cursor the
// alert will get (alerts fire one at a time here, so it is the last one
// plus one): the plain LISTEN baseline hears the writer's own commit, while
// watchers get the alert once the sequencer has numbered it.
constexpr store::Statement kBaselineNotify{
    "bench_notify", "SELECT pg_notify('pqtrack_bench_fired', $1)"};

class Bench {
 public:
  Bench(BenchDatabase* db, int64_t item_id)
      : db_(*db), token_(db->token()), item_id_(item_id) {}

  absl::StatusOr<Round> Run(int n, int alerts) {
    PQ_ASSIGN_OR_RETURN(
        auto server, BenchServer::Start(db_, absl::StrCat("server-", n),
                                        {"--alert-interval-seconds", "3600"}));
    const std::string address = server->address();

    Round r;
    r.watchers = n;
    Arrivals arrivals;
    Listener listener(db_.url(), &arrivals);
    listener.AwaitReady();

    // Warm the server up with one call, then measure it idle.
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    std::vector<std::unique_ptr<v1::AlertService::Stub>> stubs;
    for (int i = 0; i * kStreamsPerConnection < n; ++i) {
      grpc::ChannelArguments args;
      args.SetInt("pqtrack.bench.connection", i);  // one TCP connection each
      channels.push_back(grpc::CreateCustomChannel(
          address, grpc::InsecureChannelCredentials(), args));
      stubs.push_back(v1::AlertService::NewStub(channels.back()));
    }
    PQ_ASSIGN_OR_RETURN(const int64_t after, LastCursor(*stubs[0]));
    r.idle_kib = ResidentKiB(server->pid());

    const absl::Time connect_start = absl::Now();
    std::vector<std::unique_ptr<Watcher>> watchers;
    for (int i = 0; i < n; ++i) {
      watchers.push_back(std::make_unique<Watcher>(
          stubs[i / kStreamsPerConnection].get(), token_, after, &arrivals));
    }
    if (!arrivals.AwaitLive(n)) {
      return absl::UnavailableError("some watchers could not connect");
    }
    r.connect_s = absl::ToDoubleSeconds(absl::Now() - connect_start);
    r.busy_kib = ResidentKiB(server->pid());

    std::vector<double> through, base;
    int64_t id = after;
    for (int k = 0; k < alerts; ++k) {
      const absl::Time start = absl::Now();
      ++id;
      PQ_RETURN_IF_ERROR(db_.db().Transact([&](store::Tx& tx) -> absl::Status {
        store::RecordEventAlert(tx, item_id_, core::AlertKind::kAssigned,
                                absl::Now(), "{\"bench\":true}");
        tx.Run(kBaselineNotify, absl::StrCat(id));
        return absl::OkStatus();
      }));
      if (!arrivals.AwaitAlert(id, n)) r.complete = false;
      for (absl::Time t : arrivals.WatcherTimes(id)) {
        through.push_back(absl::ToDoubleMilliseconds(t - start));
      }
      base.push_back(
          absl::ToDoubleMilliseconds(arrivals.ListenerTime(id) - start));
    }
    r.p50 = Percentile(through, 0.50);
    r.p99 = Percentile(through, 0.99);
    r.max = Percentile(through, 1.0);
    r.base_p50 = Percentile(base, 0.50);
    r.base_p99 = Percentile(base, 0.99);

    for (auto& w : watchers) w->Cancel();
    arrivals.AwaitEnded(n);
    return r;
  }

 private:
  absl::StatusOr<int64_t> LastCursor(v1::AlertService::Stub& stub) {
    int64_t last = 0;
    for (;;) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + token_);
      v1::ListAlertsRequest req;
      req.set_after_cursor(last);
      req.set_limit(1000);
      v1::ListAlertsResponse resp;
      const grpc::Status st = stub.ListAlerts(&ctx, req, &resp);
      if (!st.ok()) return absl::UnavailableError(st.error_message());
      if (resp.alerts().empty()) return last;
      last = resp.alerts().rbegin()->id();
    }
  }

  BenchDatabase& db_;
  const std::string token_;
  const int64_t item_id_;
};

// One unit and one item, for the alerts to be about.
absl::StatusOr<int64_t> SeedItem(const std::string& address,
                                 const std::string& token) {
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto units = v1::UnitService::NewStub(channel);
  auto items = v1::ItemService::NewStub(channel);
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::CreateUnitRequest req;
    req.mutable_unit()->set_code("BNV");
    req.mutable_unit()->set_name_vi("Bộ Nội vụ");
    req.mutable_unit()->set_kind(v1::UNIT_KIND_MINISTRY);
    v1::CreateUnitResponse resp;
    const grpc::Status st = units->CreateUnit(&ctx, req, &resp);
    if (!st.ok()) return absl::UnavailableError(st.error_message());
  }
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  v1::RecordItemRequest req;
  req.set_request_id("bench-item");
  v1::Item* it = req.mutable_item();
  it->set_kind(v1::ITEM_KIND_DOCUMENT);
  it->set_title("Công văn đo thử luồng cảnh báo");
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  it->mutable_received_on()->set_year(static_cast<int>(today.year()));
  it->mutable_received_on()->set_month(today.month());
  it->mutable_received_on()->set_day(today.day());
  it->set_lead_unit_code("BNV");
  it->mutable_document()->set_sender("Văn phòng Quốc hội");
  it->mutable_document()->set_document_number("1/VPQH");
  *it->mutable_document()->mutable_document_date() = it->received_on();
  it->mutable_document()->set_requires_response(true);
  v1::RecordItemResponse resp;
  const grpc::Status st = items->RecordItem(&ctx, req, &resp);
  if (!st.ok()) return absl::UnavailableError(st.error_message());
  return resp.item().id();
}

int Main(int argc, char** argv) {
  // As the server does (services/server/main.cc): no lock-order graph.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  CLI::App app{
      "watch_bench: commit-to-arrival latency and server memory per watcher "
      "for N concurrent WatchAlerts streams, beside a plain PostgreSQL LISTEN "
      "measured on the same alerts."};
  std::string watchers_flag = "1,100,1000,10000";
  int alerts = 20;
  app.add_option("--watchers", watchers_flag,
                 "Comma-separated watcher counts, one round each")
      ->capture_default_str();
  app.add_option("--alerts", alerts, "Alerts fired per round")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  std::vector<std::string> pg_settings;
  AddPgSettingFlag(app, &pg_settings);
  CLI11_PARSE(app, argc, argv);
  const auto counts = ParseCounts(watchers_flag, "--watchers", 1, 100000);
  if (!counts.ok()) {
    std::cerr << counts.status().message() << "\n";
    return 2;
  }
  // Every stream holds a socket only per connection, but leave headroom.
  rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }

  auto db = BenchDatabase::Start(pg_settings);
  if (!db.ok()) {
    std::cerr << "cannot start PostgreSQL: " << db.status().message() << "\n";
    return 1;
  }
  int64_t item_id = 0;
  {
    auto server = BenchServer::Start(**db, "seed");
    if (!server.ok()) {
      std::cerr << server.status().message() << "\n";
      return 1;
    }
    auto id = SeedItem((*server)->address(), (*db)->token());
    if (!id.ok()) {
      std::cerr << "cannot seed: " << id.status().message() << "\n";
      return 1;
    }
    item_id = *id;
  }

  Bench bench(db->get(), item_id);
  std::printf(
      "WatchAlerts: %d alerts per round, fired like the scheduler fires them "
      "(a queued alert, numbered by the server's sequencer after commit);\n"
      "latency = from the start of that transaction to arrival. Baseline: a "
      "NOTIFY from the same transaction at one plain LISTEN connection.\n\n",
      alerts);
  std::printf("%9s %10s | %9s %9s %9s | %9s %9s | %10s %12s %11s\n", "watchers",
              "connect s", "p50 ms", "p99 ms", "max ms", "base p50", "base p99",
              "idle MiB", "watching MiB", "KiB/watcher");
  int failures = 0;
  for (const int64_t count : *counts) {
    const int n = static_cast<int>(count);
    auto r = bench.Run(n, alerts);
    if (!r.ok()) {
      std::printf("%9d  failed: %s\n", n,
                  std::string(r.status().message()).c_str());
      ++failures;
      continue;
    }
    std::printf(
        "%9d %10.2f | %9.2f %9.2f %9.2f | %9.2f %9.2f | %10.1f %12.1f "
        "%11.1f%s\n",
        r->watchers, r->connect_s, r->p50, r->p99, r->max, r->base_p50,
        r->base_p99, static_cast<double>(r->idle_kib) / 1024,
        static_cast<double>(r->busy_kib) / 1024,
        static_cast<double>(r->busy_kib - r->idle_kib) / r->watchers,
        r->complete ? "" : "  (some alerts did not arrive within a minute)");
    if (!r->complete) ++failures;
    if (n >= 10000) {
      std::printf(
          "%9s at %d watchers: p99 %.0f ms (target <= 250), %.1f KiB per "
          "watcher (target <= 20)\n",
          "", n, r->p99,
          static_cast<double>(r->busy_kib - r->idle_kib) / r->watchers);
    }
    std::fflush(stdout);
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace pqtrack::bench

int main(int argc, char** argv) { return pqtrack::bench::Main(argc, argv); }
