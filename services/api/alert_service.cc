#include <deque>
#include <optional>

#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/grpc_status.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

namespace pqtrack::api {
namespace {

// SERVICE (the notifier) hears every alert, like the ministry office.
std::optional<std::string> AlertScope(const core::Principal& who) {
  if (who.role == core::Role::kService) return std::nullopt;
  return ScopeOf(who);
}

void CheckSubscriber(core::Violations& v, const std::string& s, bool required) {
  if (s.empty()) {
    if (required) v.Add("subscriber", "required");
    return;
  }
  bool ok = s.size() <= 100;
  for (char c : s) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-');
  }
  if (!ok) {
    v.Add("subscriber",
          "must be 1-100 characters from a-z, 0-9, '.', '_' and '-'");
  }
}

void AlertToProto(const store::Alert& a, v1::Alert* out) {
  out->set_id(a.id);
  out->set_item_id(a.item_id);
  out->set_kind(static_cast<v1::AlertKind>(a.kind));
  out->set_level(a.level);
  out->set_days_left(a.days_left.value_or(0));
  out->set_unit_code(a.unit_code);
  if (a.due_on) SetDate(a.due_on, out->mutable_due_on());
  out->set_title(a.title);
  out->set_detail_json(a.detail_json);
  TimeToProto(a.create_time, out->mutable_create_time());
}

// Checks the filters shared by ListAlerts and WatchAlerts. Their counts
// were bounded when the request was read (limits.proto).
void ReadFilters(core::Violations& v,
                 const google::protobuf::RepeatedPtrField<std::string>& units,
                 const google::protobuf::RepeatedField<int>& kinds,
                 std::vector<std::string>* unit_codes,
                 std::vector<core::AlertKind>* alert_kinds) {
  for (const std::string& u : units) {
    core::CheckUnitCode(v, "unit_codes", u, true);
    unit_codes->push_back(u);
  }
  for (int k : kinds) {
    if (k <= 0 || k > static_cast<int>(core::kLastAlertKind)) {
      v.Add("kinds", absl::StrCat(k, " is not a known alert kind"));
    } else {
      alert_kinds->push_back(static_cast<core::AlertKind>(k));
    }
  }
}

// Encodes a response once. Alerts are encoded once for every watcher
// (AlertEncoder); the buffer's slices are shared, not copied, by each
// stream that writes it.
grpc::ByteBuffer Encode(const v1::WatchAlertsResponse& r) {
  grpc::ByteBuffer bb;
  bool own = false;
  (void)grpc::GenericSerialize<grpc::ProtoBufferWriter,
                               grpc::protobuf::MessageLite>(r, &bb, &own);
  return bb;
}

}  // namespace

grpc::ByteBuffer AlertEncoder::Encoded(const store::Alert& a) {
  {
    // The hub's fan-out threads all look up the same few alerts.
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = cache_.find(a.id); it != cache_.end()) return it->second;
  }
  v1::WatchAlertsResponse r;
  AlertToProto(a, r.mutable_alert());
  grpc::ByteBuffer bb = Encode(r);
  absl::MutexLock lock(&mu_);
  // Another thread may have encoded it meanwhile: keep one copy.
  if (auto [it, added] = cache_.emplace(a.id, bb); !added) return it->second;
  order_.push_back(a.id);
  if (order_.size() > kKept) {
    cache_.erase(order_.front());
    order_.pop_front();
  }
  return bb;
}

namespace {

// One WatchAlerts stream: a write queue fed by the hub, drained one write at
// a time. Deletes itself when gRPC is done with it.
class Watcher final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                      public alerts::AlertSink {
 public:
  Watcher(alerts::AlertHub* hub, AlertEncoder* encoder)
      : hub_(*hub), encoder_(*encoder) {}

  void Begin(alerts::Subscription sub) { hub_.Subscribe(this, std::move(sub)); }
  void Refuse(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    Finish(status);
  }

  void Deliver(const std::vector<store::Alert>& alerts) override {
    absl::MutexLock lock(&mu_);
    for (const store::Alert& a : alerts) {
      queue_.push_back(encoder_.Encoded(a));
    }
    PumpLocked();
  }
  void Heartbeat(int64_t last_cursor, absl::Time now) override {
    absl::MutexLock lock(&mu_);
    v1::WatchAlertsResponse r;
    r.mutable_heartbeat()->set_last_cursor(last_cursor);
    TimeToProto(now, r.mutable_heartbeat()->mutable_time());
    queue_.push_back(Encode(r));
    PumpLocked();
  }
  void Changed(const std::vector<store::Change>& changes) override {
    absl::MutexLock lock(&mu_);
    for (const store::Change& c : changes) {
      v1::WatchAlertsResponse r;
      r.mutable_change()->set_item_id(c.item_id);
      r.mutable_change()->set_event_kind(c.event_kind);
      queue_.push_back(Encode(r));
    }
    PumpLocked();
  }
  void Close(const absl::Status& status) override {
    absl::MutexLock lock(&mu_);
    closing_ = ToGrpcStatus(status);
    if (!writing_) FinishLocked();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      return;
    }
    if (closing_) {
      FinishLocked();
      return;
    }
    PumpLocked();
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    if (!writing_) FinishLocked(grpc::Status::CANCELLED);
  }
  void OnDone() override {
    hub_.Unsubscribe(this);
    delete this;
  }

 private:
  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || finished_ || queue_.empty()) return;
    current_ = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    // More messages behind this one: let gRPC gather them into fewer
    // frames and system calls; the last one of the queue flushes. Never
    // the first message of the stream: gRPC holds it back, with the
    // stream's headers, until a later write flushes, and the next write
    // waits for this one to be done (a replay on a new connection never
    // arrived).
    grpc::WriteOptions options;
    if (!queue_.empty() && wrote_) options.set_buffer_hint();
    wrote_ = true;
    StartWrite(&current_, options);
  }
  void FinishLocked(std::optional<grpc::Status> status = std::nullopt)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(status ? *status : closing_.value_or(grpc::Status::OK));
  }

  alerts::AlertHub& hub_;
  AlertEncoder& encoder_;
  absl::Mutex mu_;
  std::deque<grpc::ByteBuffer> queue_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer current_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool wrote_ ABSL_GUARDED_BY(mu_) = false;  // a write has been started
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> closing_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* AlertServiceImpl::WatchAlerts(
    grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* raw) {
  auto* watcher = new Watcher(&hub_, &encoder_);
  // The raw method (so that alerts are encoded once) parses its own request.
  v1::WatchAlertsRequest parsed;
  grpc::ByteBuffer bytes(*raw);
  if (grpc::Status bad = wire::ParseRequest(&bytes, &parsed); !bad.ok()) {
    watcher->Refuse(bad);
    return watcher;
  }
  const v1::WatchAlertsRequest* req = &parsed;
  absl::StatusOr<core::Principal> who = d_.auth.Authenticate(*ctx);
  absl::Status st = who.status();
  if (st.ok()) st = core::Authorize(*who, core::Action::kReadAlerts);
  core::Violations v;
  alerts::Subscription sub;
  if (st.ok()) {
    if (req->after_cursor() < 0) v.Add("after_cursor", "must not be negative");
    if (req->from_now() && req->after_cursor() != 0) {
      v.Add("after_cursor", "must be 0 with from_now");
    }
    ReadFilters(v, req->unit_codes(), req->kinds(), &sub.unit_codes,
                &sub.kinds);
    if (req->heartbeat_seconds() < 0 || req->heartbeat_seconds() > 300) {
      v.Add("heartbeat_seconds", "must be between 0 and 300");
    }
    st = v.ToStatus();
  }
  if (!st.ok()) {
    watcher->Refuse(ToGrpcStatus(st));
    return watcher;
  }
  sub.after_cursor = req->after_cursor();
  sub.from_now = req->from_now();
  sub.changes = req->changes();
  sub.scope_unit = AlertScope(*who);
  // A revoked token (or user) ends the stream: the hub asks again when
  // tokens change.
  if (auto hash = Authenticator::TokenHashOf(*ctx); hash.ok()) {
    sub.token_hash = *hash;
    sub.recheck = [auth = &d_.auth, h = *hash] {
      return auth->AuthenticateHash(h).status();
    };
  }
  sub.heartbeat = absl::Seconds(
      req->heartbeat_seconds() == 0 ? 15 : req->heartbeat_seconds());
  watcher->Begin(std::move(sub));
  return watcher;
}

grpc::Status AlertServiceImpl::ListAlerts(grpc::ServerContext* ctx,
                                          const v1::ListAlertsRequest* req,
                                          v1::ListAlertsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadAlerts));
    core::Violations v;
    store::AlertFilter f;
    if (req->after_cursor() < 0) v.Add("after_cursor", "must not be negative");
    f.after_cursor = req->after_cursor();
    ReadFilters(v, req->unit_codes(), req->kinds(), &f.unit_codes, &f.kinds);
    if (req->limit() < 0 || req->limit() > 1000) {
      v.Add("limit", "must be between 0 and 1000");
    }
    f.limit = req->limit() == 0 ? 100 : req->limit();
    CheckSubscriber(v, req->subscriber(), false);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    // Read your writes: alerts of calls that have returned are numbered.
    PQ_RETURN_IF_ERROR(d_.log.Seal(d_.clock.Now()).status());
    PQ_ASSIGN_OR_RETURN(const auto alerts,
                        d_.alerts.ListAlerts(AlertScope(who), f));
    for (const store::Alert& a : alerts) AlertToProto(a, resp->add_alerts());
    if (!req->subscriber().empty()) {
      PQ_ASSIGN_OR_RETURN(const int64_t acked,
                          d_.alerts.AckedCursor(req->subscriber()));
      resp->set_acked_cursor(acked);
    }
    return absl::OkStatus();
  });
}

grpc::Status AlertServiceImpl::AckAlerts(grpc::ServerContext* ctx,
                                         const v1::AckAlertsRequest* req,
                                         v1::AckAlertsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadAlerts));
    core::Violations v;
    CheckSubscriber(v, req->subscriber(), true);
    if (req->cursor() <= 0) v.Add("cursor", "required (a positive alert id)");
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const int64_t acked,
        d_.alerts.Ack(req->subscriber(), req->cursor(), d_.clock.Now()));
    resp->set_acked_cursor(acked);
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
