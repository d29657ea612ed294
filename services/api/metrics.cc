#include "services/api/metrics.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pqtrack::api {
namespace {

// A label value: backslash, quote and newline escaped.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Header(std::string& out, const char* name, const char* type,
            const char* help) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                  type, "\n");
}

}  // namespace

Metrics& Metrics::Get() {
  static Metrics* metrics = new Metrics;
  return *metrics;
}

void Metrics::RecordCall(const std::string& method, grpc::StatusCode code,
                         absl::Duration latency) {
  const double seconds = absl::ToDoubleSeconds(latency);
  absl::MutexLock lock(&mu_);
  ++calls_[{method, static_cast<int>(code)}];
  Histogram& h = latency_[method];
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  ++h.counts[b];
  h.sum += seconds;
  ++h.count;
}

void Metrics::SetGauges(Gauges gauges) {
  absl::MutexLock lock(&mu_);
  gauges_ = std::move(gauges);
}

std::string Metrics::Render() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  Header(out, "pqtrack_rpc_total", "counter",
         "Calls ended, by method and status code.");
  for (const auto& [key, n] : calls_) {
    absl::StrAppend(
        &out, "pqtrack_rpc_total{method=\"", Label(key.first), "\",code=\"",
        absl::StatusCodeToString(static_cast<absl::StatusCode>(key.second)),
        "\"} ", n, "\n");
  }
  Header(out, "pqtrack_rpc_duration_seconds", "histogram",
         "Time from a call's start to its status, by method.");
  for (const auto& [method, h] : latency_) {
    const std::string m = Label(method);
    int64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += h.counts[b];
      const std::string le =
          b < kBuckets.size() ? absl::StrFormat("%g", kBuckets[b]) : "+Inf";
      absl::StrAppend(&out, "pqtrack_rpc_duration_seconds_bucket{method=\"", m,
                      "\",le=\"", le, "\"} ", cumulative, "\n");
    }
    absl::StrAppend(&out, "pqtrack_rpc_duration_seconds_sum{method=\"", m,
                    "\"} ", absl::StrFormat("%.6f", h.sum), "\n",
                    "pqtrack_rpc_duration_seconds_count{method=\"", m, "\"} ",
                    h.count, "\n");
  }
  const Gauges& g = gauges_;
  if (g.unreadable_requests) {
    Header(out, "pqtrack_unreadable_requests_total", "counter",
           "Requests refused because they could not be decoded.");
    absl::StrAppend(&out, "pqtrack_unreadable_requests_total ",
                    g.unreadable_requests(), "\n");
  }
  if (g.open_watchers) {
    Header(out, "pqtrack_open_watchers", "gauge",
           "WatchAlerts streams open on this server.");
    absl::StrAppend(&out, "pqtrack_open_watchers ", g.open_watchers(), "\n");
  }
  if (g.alerts_fired) {
    Header(out, "pqtrack_alerts_fired_total", "counter",
           "Ladder alerts this server's scheduler fired.");
    absl::StrAppend(&out, "pqtrack_alerts_fired_total ", g.alerts_fired(),
                    "\n");
  }
  if (g.seconds_since_scheduler_round) {
    Header(out, "pqtrack_scheduler_seconds_since_round", "gauge",
           "Seconds since the scheduler last finished a round (alerts fire "
           "at most this late, plus one interval).");
    absl::StrAppend(&out, "pqtrack_scheduler_seconds_since_round ",
                    absl::StrFormat("%.3f", g.seconds_since_scheduler_round()),
                    "\n");
  }
  if (g.db_open_idle) {
    const auto [open, idle] = g.db_open_idle();
    Header(out, "pqtrack_db_connections", "gauge",
           "Database connections of the pool: open (idle or in use) and idle.");
    absl::StrAppend(&out, "pqtrack_db_connections{state=\"open\"} ", open,
                    "\npqtrack_db_connections{state=\"idle\"} ", idle, "\n");
    Header(out, "pqtrack_db_pool_max", "gauge",
           "Most database connections the pool opens.");
    absl::StrAppend(&out, "pqtrack_db_pool_max ", g.db_pool_max, "\n");
  }
  return out;
}

}  // namespace pqtrack::api
