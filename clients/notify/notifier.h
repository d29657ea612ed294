// Provides Notifier, the loop of pqtrack-notify: it watches every alert
// after its subscriber's acknowledged cursor, delivers each to the routes
// it matches (retrying with exponential backoff; a delivery that keeps
// failing goes to the dead-letter file with the reason), and acknowledges
// the alert only once every delivery is done, so a restart resumes from the
// last acknowledged alert and nothing is lost. Digest routes spool their
// alerts in the state directory (that counts as delivered) and are e-mailed
// once a day. When the server goes away it reconnects by itself.
//
// Thread-safety: Run() on one thread; Stop() from any other.
#ifndef PQTRACK_CLIENTS_NOTIFY_NOTIFIER_H_
#define PQTRACK_CLIENTS_NOTIFY_NOTIFIER_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>

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
  std::unique_ptr<grpc::ClientContext> Context(bool stream) const;
  void Log(const std::string& line) const;
  // Waits up to `d`; false when stopping.
  bool Wait(absl::Duration d);
  bool Stopping();
  absl::Status LoadUnits();
  absl::StatusOr<int64_t> AckedCursor();
  absl::Status Ack(int64_t cursor);
  // Delivers `alert` everywhere it goes; returns when done (delivered,
  // dead-lettered or spooled) or stopping (false).
  bool Handle(const v1::Alert& alert);
  bool Attempt(const v1::Alert& alert, const std::string& target,
               const std::function<absl::Status()>& send);
  // One delivery to `target` (as DeadLetter names it: "webhook URL",
  // "e-mail to A, B"), once; UNIMPLEMENTED for a target it cannot re-send.
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
  std::map<std::string, std::string> parents_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* stream_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace pqtrack::notify

#endif  // PQTRACK_CLIENTS_NOTIFY_NOTIFIER_H_
