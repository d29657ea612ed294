// Provides Notifier, the loop of pqtrack-notify: it watches every alert
// after its subscriber's acknowledged cursor, delivers each to the routes
// it matches (retrying with exponential backoff; a delivery that keeps
// failing goes to the dead-letter file with the reason), and acknowledges
// an alert only once every delivery of it and of every alert before it is
// done, so a restart resumes from the last acknowledged alert and nothing
// is lost. Digest routes spool their alerts in the state directory (that
// counts as delivered) and are e-mailed once a day. When the server goes
// away it reconnects by itself.
//
// Receivers are delivered in parallel: each receiver (a webhook URL, a list
// of e-mail recipients, a digest) has its own queue and thread and gets its
// alerts in cursor order, so a slow or failing receiver holds back only its
// own alerts, and the acknowledgement, which follows the slowest. A queue
// holds at most kQueueLimit alerts; when one is full, reading the stream
// waits. An alert matched by several routes with the same receiver is sent
// to it once. After a crash, alerts past the acknowledged cursor that some
// receivers already had are sent to them again (with the same key).
//
// What it does is logged as JSON lines on stderr (services/common/log.h),
// with the alert's id, kind, item and receiver as fields where they apply.
//
// Thread-safety: Run() on one thread; Stop() from any other.
#ifndef PQTRACK_CLIENTS_NOTIFY_NOTIFIER_H_
#define PQTRACK_CLIENTS_NOTIFY_NOTIFIER_H_

#include <grpcpp/grpcpp.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "clients/notify/config.h"
#include "clients/notify/delivery.h"
#include "pqtrack/v1/alert.grpc.pb.h"

namespace pqtrack::notify {

// Whether `route` wants `alert`; `parents` maps unit codes to their parent
// (for the subtree test).
bool Matches(const Route& route, const v1::Alert& alert,
             const std::map<std::string, std::string>& parents);

// The alert as a webhook's JSON body (protobuf JSON, proto field names).
std::string AlertJson(const v1::Alert& alert);
// One line for people in `language` ("vi" or "en"): "Quá hạn: hồ sơ số 12
// (TL), hạn 18/09/2024, quá hạn 1 ngày: title"; "Overdue: item 12 (TL), due
// 2024-09-18, 1 day(s) overdue: title".
std::string AlertText(const v1::Alert& alert, const std::string& language);

class Notifier {
 public:
  // Alerts waiting for one receiver at most; then reading waits.
  static constexpr size_t kQueueLimit = 1000;
  // Alerts read but not yet acknowledgeable at most; then reading waits.
  static constexpr size_t kInFlightLimit = 100000;

  Notifier(Config config, Sender* sender,
           std::shared_ptr<grpc::Channel> channel, std::string token);

  // Runs until Stop(), or with `once` until everything fired so far is
  // handled. Returns the exit code: 0; 1 when the server refused us, or,
  // with `once`, could not be reached in five attempts (about 15 s); 2 when
  // a route names a unit the server does not know.
  int Run(bool once);
  // Ends Run() soon: the stream is cancelled and waits are cut short.
  void Stop();

  // Sends each delivery of the dead-letter file again to the receiver it
  // failed for (with the usual retries); those that succeed leave the
  // file, the others stay in it (rewritten at once, through a temporary).
  // Lines it cannot read stay too. Returns the exit code: 0 when the file
  // is empty afterwards, 1 otherwise.
  int Redrive();

 private:
  // One alert for one receiver; `route` is the route that matched (a
  // digest spools under its recipients).
  struct Job {
    std::shared_ptr<const v1::Alert> alert;
    const Route* route = nullptr;
  };
  struct Receiver {
    // As DeadLetter names it: "webhook URL", "e-mail to A, B", "the daily
    // digest for A, B".
    std::string target;
    std::deque<Job> queue;  // guarded by mu_
    std::thread thread;
  };

  std::unique_ptr<grpc::ClientContext> Context(bool stream) const;
  // Waits up to `d`; false when stopping.
  bool Wait(absl::Duration d);
  bool Stopping();
  absl::Status LoadUnits();
  absl::StatusOr<int64_t> AckedCursor();
  absl::Status Ack(int64_t cursor);
  // Reads the stream until drained (with `once`), stopped or refused;
  // returns the exit code.
  int Watch(bool once, bool* drained);
  // Puts `alert` on the queue of every receiver of the routes it matches
  // (waiting for room); false when stopping.
  bool Enqueue(const v1::Alert& alert);
  // No alert for us up to `cursor` but those already read (a heartbeat).
  void Skip(int64_t cursor);
  // The loop of one receiver's thread.
  void Work(Receiver* receiver);
  // The delivery of alert `id` to one receiver is done.
  void Done(int64_t id);
  // Whether every alert read is delivered everywhere.
  bool Idle();
  // Moves done_cursor_ past the alerts whose deliveries are all done.
  void Advance() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Acknowledges done_cursor_ when it moved.
  void AckDone();
  bool Attempt(const v1::Alert& alert, const std::string& target,
               const std::function<absl::Status()>& send);
  // One delivery to `target` (as Receiver names it), once; UNIMPLEMENTED
  // for a target it cannot re-send (a digest).
  absl::Status Deliver(const v1::Alert& alert, const std::string& target);
  void DeadLetter(const v1::Alert& alert, const std::string& target,
                  const std::string& reason, int attempts);
  absl::Status Spool(const v1::Alert& alert, const Route& route);
  void SendDigestsIfDue();

  const Config config_;
  Sender& sender_;
  std::shared_ptr<grpc::Channel> channel_;
  const std::string token_;
  std::unique_ptr<v1::AlertService::Stub> alerts_;
  // Read and written by the thread of Run() only.
  std::map<std::string, std::string> parents_;
  std::vector<std::unique_ptr<Receiver>> receivers_;
  // Per route (by index), the receivers it sends to.
  std::vector<std::vector<Receiver*>> route_receivers_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Receivers end once their queue is empty.
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* stream_ ABSL_GUARDED_BY(mu_) = nullptr;
  // The last alert (or heartbeat cursor) read from the stream.
  int64_t read_cursor_ ABSL_GUARDED_BY(mu_) = 0;
  // Every alert up to here is delivered everywhere.
  int64_t done_cursor_ ABSL_GUARDED_BY(mu_) = 0;
  // Alerts read and not yet passed by done_cursor_: deliveries left.
  std::map<int64_t, int> in_flight_ ABSL_GUARDED_BY(mu_);

  absl::Mutex ack_mu_;  // before mu_
  int64_t acked_ ABSL_GUARDED_BY(ack_mu_) = 0;
  absl::Mutex dead_mu_;   // the dead-letter file
  absl::Mutex spool_mu_;  // the digest spool
};

}  // namespace pqtrack::notify

#endif  // PQTRACK_CLIENTS_NOTIFY_NOTIFIER_H_
