// Provides Metrics, the server's counters in Prometheus' text format
// (version 0.0.4), served on --metrics-listen as GET /metrics:
//
//   pqtrack_rpc_total{method,code}              calls ended, by status
//   pqtrack_rpc_duration_seconds{method}        latency histogram
//   pqtrack_unreadable_requests_total           refused before decoding
//   pqtrack_open_watchers                       WatchAlerts streams open
//   pqtrack_alerts_fired_total                  ladder alerts fired here
//   pqtrack_scheduler_seconds_since_round       scheduler lag
//   pqtrack_db_connections{state="open"|"idle"} the database pool
//   pqtrack_db_pool_max                         its bound (--db-pool-size)
//
// Calls are counted by the call log's interceptor (call_log.h); the rest
// is read when scraped, through the gauges given to SetGauges. Methods are
// the registered rpcs only (gRPC answers an unknown one itself), so the
// label sets stay bounded.
//
// Thread-safe.
#ifndef PQTRACK_SERVICES_API_METRICS_H_
#define PQTRACK_SERVICES_API_METRICS_H_

#include <grpcpp/support/status.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace pqtrack::api {

class Metrics {
 public:
  // What is read at each scrape; an empty function leaves its lines out.
  struct Gauges {
    std::function<int64_t()> unreadable_requests;
    std::function<int64_t()> open_watchers;
    std::function<int64_t()> alerts_fired;
    std::function<double()> seconds_since_scheduler_round;
    std::function<std::pair<int64_t, int64_t>()> db_open_idle;
    int64_t db_pool_max = 0;
  };

  // The process's one instance.
  static Metrics& Get();

  void RecordCall(const std::string& method, grpc::StatusCode code,
                  absl::Duration latency);
  void SetGauges(Gauges gauges);

  // Everything, in the text format.
  std::string Render() const;

  // Histogram bounds in seconds (the last bucket is +Inf).
  static constexpr std::array<double, 12> kBuckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

 private:
  struct Histogram {
    std::array<int64_t, kBuckets.size() + 1> counts{};
    double sum = 0;
    int64_t count = 0;
  };
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> calls_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
  Gauges gauges_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_METRICS_H_
