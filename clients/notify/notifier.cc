#include "clients/notify/notifier.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "pqtrack/v1/unit.grpc.pb.h"
#include "services/common/dates.h"
#include "services/common/json.h"
#include "services/common/log.h"

namespace pqtrack::notify {
namespace {

std::string KindName(v1::AlertKind k) {
  std::string name = v1::AlertKind_Name(k);
  const std::string prefix = "ALERT_KIND_";
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  return name;
}

std::string Day(const v1::Date& d) {
  if (d.year() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string OneLine(std::string s) {
  return absl::StrReplaceAll(s, {{"\t", " "}, {"\r", " "}, {"\n", " "}});
}

// The key a receiver can drop duplicates by.
std::string Key(const v1::Alert& a) {
  return absl::StrCat("pqtrack-alert-", a.id());
}

// The log fields of one alert's delivery to `target`.
JsonObject AlertFields(const v1::Alert& a, const std::string& target) {
  JsonObject fields;
  fields.Add("alert_id", a.id())
      .Add("kind", KindName(a.kind()))
      .Add("item_id", a.item_id())
      .Add("receiver", target);
  return fields;
}

}  // namespace

bool Matches(const Route& route, const v1::Alert& alert,
             const std::map<std::string, std::string>& parents) {
  if (!route.kinds.empty() &&
      std::find(route.kinds.begin(), route.kinds.end(),
                KindName(alert.kind())) == route.kinds.end()) {
    return false;
  }
  if (route.units.empty()) return true;
  std::string unit = alert.unit_code();
  for (int depth = 0; !unit.empty() && depth < 64; ++depth) {
    if (std::find(route.units.begin(), route.units.end(), unit) !=
        route.units.end()) {
      return true;
    }
    auto it = parents.find(unit);
    if (it == parents.end()) break;
    unit = it->second;
  }
  return false;
}

std::string AlertJson(const v1::Alert& alert) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(alert, &out, o);
  return out;
}

namespace {

// An alert kind as people read it.
std::string KindLabel(v1::AlertKind k, bool vi) {
  switch (k) {
    case v1::ALERT_KIND_ASSIGNED:
      return vi ? "Được giao" : "Assigned";
    case v1::ALERT_KIND_DUE_SOON:
      return vi ? "Sắp đến hạn" : "Due soon";
    case v1::ALERT_KIND_DUE_TODAY:
      return vi ? "Đến hạn hôm nay" : "Due today";
    case v1::ALERT_KIND_OVERDUE:
      return vi ? "Quá hạn" : "Overdue";
    case v1::ALERT_KIND_ESCALATED:
      return vi ? "Quá hạn, báo cáo lãnh đạo" : "Escalated";
    case v1::ALERT_KIND_TRANSFERRED:
      return vi ? "Chuyển xử lý" : "Transferred";
    case v1::ALERT_KIND_RETURNED_FOR_REVISION:
      return vi ? "Trả lại để sửa" : "Returned for revision";
    case v1::ALERT_KIND_ANSWERED:
      return vi ? "Đã trả lời" : "Answered";
    case v1::ALERT_KIND_SUBMITTED_FOR_APPROVAL:
      return vi ? "Trình duyệt" : "Submitted for approval";
    default:
      return KindName(k);
  }
}

}  // namespace

std::string AlertText(const v1::Alert& a, const std::string& language) {
  const bool vi = language != "en";
  std::string text = absl::StrCat(KindLabel(a.kind(), vi),
                                  vi ? ": hồ sơ số " : ": item ", a.item_id());
  if (!a.unit_code().empty()) absl::StrAppend(&text, " (", a.unit_code(), ")");
  if (a.due_on().year() != 0) {
    if (vi) {
      absl::StrAppend(&text, ", hạn ",
                      absl::StrFormat("%02d/%02d/%04d", a.due_on().day(),
                                      a.due_on().month(), a.due_on().year()));
      if (a.days_left() > 0) {
        absl::StrAppend(&text, ", còn ", a.days_left(), " ngày");
      }
      if (a.days_left() < 0) {
        absl::StrAppend(&text, ", quá hạn ", -a.days_left(), " ngày");
      }
    } else {
      absl::StrAppend(&text, ", due ", Day(a.due_on()));
      if (a.days_left() > 0) {
        absl::StrAppend(&text, ", ", a.days_left(), " day(s) left");
      }
      if (a.days_left() < 0) {
        absl::StrAppend(&text, ", ", -a.days_left(), " day(s) overdue");
      }
    }
  }
  absl::StrAppend(&text, ": ", OneLine(a.title()));
  return text;
}

Notifier::Notifier(Config config, Sender* sender,
                   std::shared_ptr<grpc::Channel> channel, std::string token)
    : config_(std::move(config)),
      sender_(*sender),
      channel_(std::move(channel)),
      token_(std::move(token)),
      alerts_(v1::AlertService::NewStub(channel_)) {
  std::map<std::string, Receiver*> by_target;
  const auto receiver = [&](const std::string& target) {
    Receiver*& r = by_target[target];
    if (r == nullptr) {
      receivers_.push_back(std::make_unique<Receiver>());
      r = receivers_.back().get();
      r->target = target;
    }
    return r;
  };
  for (const Route& route : config_.routes) {
    std::vector<Receiver*>& mine = route_receivers_.emplace_back();
    const std::string to = absl::StrJoin(route.email, ", ");
    if (route.digest) {
      mine.push_back(receiver(absl::StrCat("the daily digest for ", to)));
      continue;
    }
    if (!route.webhook.empty()) {
      mine.push_back(receiver(absl::StrCat("webhook ", route.webhook)));
    }
    if (!route.email.empty()) {
      mine.push_back(receiver(absl::StrCat("e-mail to ", to)));
    }
  }
}

std::unique_ptr<grpc::ClientContext> Notifier::Context(bool stream) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  if (!stream) {
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(30));
  }
  return ctx;
}

bool Notifier::Stopping() {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

bool Notifier::Wait(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), d);
  return !stopping_;
}

void Notifier::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  if (stream_ != nullptr) stream_->TryCancel();
}

absl::Status Notifier::LoadUnits() {
  auto units = v1::UnitService::NewStub(channel_);
  v1::ListUnitsRequest req;
  req.set_include_expired(true);
  v1::ListUnitsResponse resp;
  const grpc::Status st = units->ListUnits(Context(false).get(), req, &resp);
  if (!st.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(st.error_code()),
                        st.error_message());
  }
  parents_.clear();
  for (const auto& u : resp.units()) parents_[u.code()] = u.parent_code();
  return absl::OkStatus();
}

absl::StatusOr<int64_t> Notifier::AckedCursor() {
  v1::ListAlertsRequest req;
  req.set_subscriber(config_.subscriber);
  req.set_limit(1);
  v1::ListAlertsResponse resp;
  const grpc::Status st = alerts_->ListAlerts(Context(false).get(), req, &resp);
  if (!st.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(st.error_code()),
                        st.error_message());
  }
  return resp.acked_cursor();
}

absl::Status Notifier::Ack(int64_t cursor) {
  v1::AckAlertsRequest req;
  req.set_subscriber(config_.subscriber);
  req.set_cursor(cursor);
  v1::AckAlertsResponse resp;
  const grpc::Status st = alerts_->AckAlerts(Context(false).get(), req, &resp);
  if (!st.ok()) return absl::UnavailableError(st.error_message());
  return absl::OkStatus();
}

void Notifier::DeadLetter(const v1::Alert& alert, const std::string& target,
                          const std::string& reason, int attempts) {
  const std::string line =
      JsonObject()
          .Add("time", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                                        absl::UTCTimeZone()))
          .Add("target", target)
          .Add("attempts", attempts)
          .Add("reason", reason)
          .AddRaw("alert", AlertJson(alert))
          .Build();
  {
    absl::MutexLock lock(&dead_mu_);
    std::ofstream out(config_.dead_letter, std::ios::app);
    out << line << "\n";
    out.flush();
  }
  WriteLog(LogLevel::kError,
           absl::StrCat("alert ", alert.id(), " to ", target,
                        " given up after ", attempts, " attempts (", reason,
                        "); written to ", config_.dead_letter),
           AlertFields(alert, target)
               .Add("attempts", attempts)
               .Add("reason", reason)
               .Add("dead_letter", config_.dead_letter));
}

bool Notifier::Attempt(const v1::Alert& alert, const std::string& target,
                       const std::function<absl::Status()>& send) {
  absl::Duration backoff = config_.initial_backoff;
  for (int attempt = 1;; ++attempt) {
    const absl::Status st = send();
    if (st.ok()) {
      WriteLog(LogLevel::kInfo,
               absl::StrCat("delivered alert ", alert.id(), " (",
                            KindName(alert.kind()), ", item ", alert.item_id(),
                            ") to ", target),
               AlertFields(alert, target).Add("attempt", attempt));
      return true;
    }
    WriteLog(LogLevel::kWarning,
             absl::StrCat("alert ", alert.id(), " to ", target, ": attempt ",
                          attempt, " of ", config_.max_attempts,
                          " failed: ", st.message()),
             AlertFields(alert, target)
                 .Add("attempt", attempt)
                 .Add("reason", st.message()));
    if (attempt >= config_.max_attempts) {
      DeadLetter(alert, target, std::string(st.message()), attempt);
      return true;
    }
    if (!Wait(backoff)) return false;
    backoff = std::min(backoff * 2, config_.max_backoff);
  }
}

absl::Status Notifier::Spool(const v1::Alert& alert, const Route& route) {
  absl::MutexLock lock(&spool_mu_);
  std::error_code ec;
  std::filesystem::create_directories(config_.state_dir, ec);
  std::ofstream out(config_.state_dir + "/digest.spool", std::ios::app);
  out << absl::StrJoin(route.email, ",") << "\t"
      << AlertText(alert, config_.language) << "\n";
  out.flush();
  if (!out) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", config_.state_dir, "/digest.spool"));
  }
  return absl::OkStatus();
}

absl::Status Notifier::Deliver(const v1::Alert& alert,
                               const std::string& target) {
  if (absl::StartsWith(target, "webhook ")) {
    return sender_.PostJson(target.substr(8), AlertJson(alert), Key(alert));
  }
  if (absl::StartsWith(target, "e-mail to ")) {
    const std::vector<std::string> to = absl::StrSplit(target.substr(10), ", ");
    return sender_.SendMail(
        config_.smtp, to,
        absl::StrCat("[pqtrack] ", AlertText(alert, config_.language)),
        absl::StrCat(AlertText(alert, config_.language), "\n\n",
                     alert.detail_json(), "\n\nAlert ", alert.id(),
                     " of pqtrack.\n"),
        Key(alert));
  }
  return absl::UnimplementedError(absl::StrCat("cannot re-send to ", target));
}

int Notifier::Redrive() {
  std::ifstream in(config_.dead_letter);
  std::vector<std::string> kept;
  int sent = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    google::protobuf::Struct entry;
    v1::Alert alert;
    std::string target;
    bool readable =
        google::protobuf::util::JsonStringToMessage(line, &entry).ok();
    if (readable) {
      const auto& f = entry.fields();
      readable = f.count("target") > 0 && f.count("alert") > 0;
      if (readable) {
        target = f.at("target").string_value();
        std::string json;
        readable =
            google::protobuf::util::MessageToJsonString(f.at("alert"), &json)
                .ok() &&
            google::protobuf::util::JsonStringToMessage(json, &alert).ok();
      }
    }
    if (!readable) {
      WriteLog(LogLevel::kWarning,
               "dead letter: a line that is not a dead letter stays in the "
               "file",
               JsonObject().Add("dead_letter", config_.dead_letter));
      kept.push_back(line);
      continue;
    }
    bool done = false;
    absl::Duration backoff = config_.initial_backoff;
    for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
      const absl::Status st = Deliver(alert, target);
      if (st.ok()) {
        done = true;
        break;
      }
      WriteLog(LogLevel::kWarning,
               absl::StrCat("redrive alert ", alert.id(), " to ", target,
                            ": attempt ", attempt, " of ", config_.max_attempts,
                            " failed: ", st.message()),
               AlertFields(alert, target)
                   .Add("attempt", attempt)
                   .Add("reason", st.message()));
      if (st.code() == absl::StatusCode::kUnimplemented || !Wait(backoff)) {
        break;
      }
      backoff = std::min(backoff * 2, config_.max_backoff);
    }
    if (done) {
      ++sent;
      WriteLog(LogLevel::kInfo,
               absl::StrCat("redrove alert ", alert.id(), " to ", target),
               AlertFields(alert, target));
    } else {
      kept.push_back(line);
    }
  }
  in.close();
  const std::string tmp = config_.dead_letter + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const std::string& k : kept) out << k << "\n";
    out.flush();
    if (!out) {
      WriteLog(LogLevel::kError,
               absl::StrCat("cannot write ", tmp, "; ", config_.dead_letter,
                            " is left as it was"));
      return 1;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, config_.dead_letter, ec);
  if (ec) {
    WriteLog(LogLevel::kError,
             absl::StrCat("cannot replace ", config_.dead_letter, ": ",
                          ec.message()));
    return 1;
  }
  WriteLog(kept.empty() ? LogLevel::kInfo : LogLevel::kWarning,
           absl::StrCat("redrive: ", sent, " sent, ", kept.size(), " left in ",
                        config_.dead_letter),
           JsonObject()
               .Add("sent", sent)
               .Add("left", static_cast<int64_t>(kept.size()))
               .Add("dead_letter", config_.dead_letter));
  return kept.empty() ? 0 : 1;
}

bool Notifier::Enqueue(const v1::Alert& a) {
  auto alert = std::make_shared<const v1::Alert>(a);
  std::vector<Job> jobs;
  std::vector<Receiver*> to;
  for (size_t i = 0; i < config_.routes.size(); ++i) {
    if (!Matches(config_.routes[i], a, parents_)) continue;
    for (Receiver* r : route_receivers_[i]) {
      if (std::find(to.begin(), to.end(), r) != to.end()) continue;
      to.push_back(r);
      jobs.push_back({alert, &config_.routes[i]});
    }
  }
  {
    absl::MutexLock lock(&mu_);
    const auto room = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (stopping_) return true;
      if (in_flight_.size() >= kInFlightLimit) return false;
      for (const Receiver* r : to) {
        if (r->queue.size() >= kQueueLimit) return false;
      }
      return true;
    };
    mu_.Await(absl::Condition(&room));
    if (stopping_) return false;
    in_flight_[a.id()] = static_cast<int>(jobs.size());
    for (size_t i = 0; i < to.size(); ++i) to[i]->queue.push_back(jobs[i]);
    read_cursor_ = a.id();
    Advance();
  }
  if (jobs.empty()) AckDone();
  return true;
}

void Notifier::Skip(int64_t cursor) {
  {
    absl::MutexLock lock(&mu_);
    if (cursor <= read_cursor_) return;
    in_flight_.emplace(cursor, 0);
    read_cursor_ = cursor;
    Advance();
  }
  AckDone();
}

bool Notifier::Idle() {
  absl::MutexLock lock(&mu_);
  return in_flight_.empty();
}

void Notifier::Advance() {
  while (!in_flight_.empty() && in_flight_.begin()->second == 0) {
    done_cursor_ = in_flight_.begin()->first;
    in_flight_.erase(in_flight_.begin());
  }
}

void Notifier::Done(int64_t id) {
  {
    absl::MutexLock lock(&mu_);
    auto it = in_flight_.find(id);
    if (it != in_flight_.end()) --it->second;
    Advance();
  }
  AckDone();
}

void Notifier::AckDone() {
  absl::MutexLock ack_lock(&ack_mu_);
  int64_t cursor;
  {
    absl::MutexLock lock(&mu_);
    cursor = done_cursor_;
  }
  if (cursor <= acked_) return;
  if (absl::Status st = Ack(cursor); !st.ok()) {
    WriteLog(LogLevel::kWarning,
             absl::StrCat("cannot acknowledge alert ", cursor, " (",
                          st.message(), "); it will be acknowledged later"),
             JsonObject().Add("cursor", cursor));
    return;
  }
  acked_ = cursor;
}

void Notifier::Work(Receiver* r) {
  for (;;) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      const auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || closing_ || !r->queue.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (stopping_ || r->queue.empty()) return;
      job = r->queue.front();
      r->queue.pop_front();
    }
    const v1::Alert& alert = *job.alert;
    const bool done = job.route->digest
                          ? Attempt(alert, r->target,
                                    [&] { return Spool(alert, *job.route); })
                          : Attempt(alert, r->target,
                                    [&] { return Deliver(alert, r->target); });
    if (!done) return;  // stopping: not acknowledged, sent after a restart
    Done(alert.id());
  }
}

void Notifier::SendDigestsIfDue() {
  const absl::CivilSecond now =
      absl::ToCivilSecond(absl::Now(), MinistryTimeZone());
  if (now.hour() < config_.digest_hour) return;
  // Held while sending, once a day: only the digest receivers wait.
  absl::MutexLock lock(&spool_mu_);
  const std::string today = FormatIsoDate(absl::CivilDay(now));
  const std::string last_path = config_.state_dir + "/digest.last";
  std::string last;
  std::ifstream(last_path) >> last;
  if (last == today) return;
  const std::string spool_path = config_.state_dir + "/digest.spool";
  std::map<std::string, std::vector<std::string>> by_recipients;
  {
    std::ifstream in(spool_path);
    std::string line;
    while (std::getline(in, line)) {
      const size_t tab = line.find('\t');
      if (tab == std::string::npos) continue;
      by_recipients[line.substr(0, tab)].push_back(line.substr(tab + 1));
    }
  }
  for (const auto& [to, lines] : by_recipients) {
    const absl::Status st = sender_.SendMail(
        config_.smtp, absl::StrSplit(to, ','),
        config_.language == "en"
            ? absl::StrCat("[pqtrack] daily digest ", today, ": ", lines.size(),
                           " alert(s)")
            : absl::StrCat("[pqtrack] tổng hợp cảnh báo ngày ", today, ": ",
                           lines.size(), " cảnh báo"),
        absl::StrCat(absl::StrJoin(lines, "\n"), "\n"),
        absl::StrCat("pqtrack-digest-", today, "-", to));
    if (!st.ok()) {
      WriteLog(LogLevel::kWarning,
               absl::StrCat("daily digest to ", to, " failed (", st.message(),
                            "); kept for the next try"),
               JsonObject().Add("receiver", to).Add("reason", st.message()));
      return;
    }
    WriteLog(LogLevel::kInfo,
             absl::StrCat("sent the daily digest (", lines.size(),
                          " alerts) to ", to),
             JsonObject()
                 .Add("receiver", to)
                 .Add("alerts", static_cast<int64_t>(lines.size())));
  }
  std::error_code ec;
  std::filesystem::create_directories(config_.state_dir, ec);
  std::ofstream(spool_path, std::ios::trunc).flush();
  std::ofstream(last_path, std::ios::trunc) << today << "\n";
}

int Notifier::Run(bool once) {
  for (auto& r : receivers_) {
    r->thread = std::thread([this, r = r.get()] { Work(r); });
  }
  bool drained = false;
  const int code = Watch(once, &drained);
  {
    absl::MutexLock lock(&mu_);
    if (drained) {
      // Every alert read is delivered (or dead-lettered) before we exit.
      const auto idle = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || in_flight_.empty();
      };
      mu_.Await(absl::Condition(&idle));
    }
    closing_ = true;
  }
  for (auto& r : receivers_) r->thread.join();
  AckDone();
  SendDigestsIfDue();
  if (code == 0) {
    WriteLog(LogLevel::kInfo, drained && !Stopping()
                                  ? "drained: every alert so far is handled"
                                  : "stopped");
  }
  return code;
}

int Notifier::Watch(bool once, bool* drained) {
  bool started = false;
  absl::Duration backoff = absl::Seconds(1);
  bool checked = false;
  // With --once, a server that cannot be reached is given this many tries
  // (about 15 s of backoff) before giving up with exit status 1.
  constexpr int kOnceAttempts = 5;
  int failures = 0;
  while (!Stopping()) {
    if (absl::Status st = LoadUnits(); !st.ok()) {
      if (st.code() == absl::StatusCode::kUnauthenticated ||
          st.code() == absl::StatusCode::kPermissionDenied) {
        WriteLog(LogLevel::kError,
                 absl::StrCat("the server refused us: ", st.message()));
        return 1;
      }
      if (once && ++failures >= kOnceAttempts) {
        WriteLog(LogLevel::kError,
                 absl::StrCat("cannot reach the server (", st.message(),
                              "); giving up after ", failures, " attempts"));
        return 1;
      }
      WriteLog(LogLevel::kWarning,
               absl::StrCat("cannot reach the server (", st.message(),
                            "); retrying in ", absl::FormatDuration(backoff)));
      if (!Wait(backoff)) break;
      backoff = std::min(backoff * 2, absl::Seconds(30));
      continue;
    }
    failures = 0;
    if (!checked) {
      // A route naming a unit the server does not know would never match:
      // a configuration error, said at start.
      for (size_t i = 0; i < config_.routes.size(); ++i) {
        for (const std::string& unit : config_.routes[i].units) {
          if (parents_.count(unit) == 0) {
            WriteLog(
                LogLevel::kError,
                absl::StrCat("configuration: route ", i + 1, " names unit ",
                             unit, ", which the server does not know"),
                JsonObject()
                    .Add("route", static_cast<int64_t>(i + 1))
                    .Add("unit", unit));
            return 2;
          }
        }
      }
      checked = true;
    }
    if (!started) {
      absl::StatusOr<int64_t> acked = AckedCursor();
      if (!acked.ok()) {
        WriteLog(LogLevel::kWarning,
                 absl::StrCat("cannot read the acknowledged cursor (",
                              acked.status().message(), "); retrying"));
        if (!Wait(backoff)) break;
        continue;
      }
      {
        absl::MutexLock ack_lock(&ack_mu_);
        acked_ = *acked;
      }
      {
        absl::MutexLock lock(&mu_);
        read_cursor_ = done_cursor_ = *acked;
      }
      started = true;
      WriteLog(LogLevel::kInfo,
               absl::StrCat("subscriber ", config_.subscriber,
                            ": resuming after alert ", *acked),
               JsonObject()
                   .Add("subscriber", config_.subscriber)
                   .Add("cursor", *acked));
    }
    auto ctx = Context(true);
    v1::WatchAlertsRequest req;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
      stream_ = ctx.get();
      // What was read is queued: the stream goes on after it.
      req.set_after_cursor(read_cursor_);
    }
    auto reader = alerts_->WatchAlerts(ctx.get(), req);
    v1::WatchAlertsResponse r;
    while (reader->Read(&r)) {
      backoff = absl::Seconds(1);
      if (r.has_alert()) {
        if (!Enqueue(r.alert())) break;  // stopping
        continue;
      }
      Skip(r.heartbeat().last_cursor());
      // The daily digest goes out once what was read is spooled (with
      // --once, after the drain, in Run).
      if (!once && Idle()) SendDigestsIfDue();
      if (once) {
        *drained = true;  // the first heartbeat ends the replay
        ctx->TryCancel();
        break;
      }
    }
    const grpc::Status st = reader->Finish();
    int64_t cursor;
    {
      absl::MutexLock lock(&mu_);
      stream_ = nullptr;
      cursor = read_cursor_;
    }
    if (*drained || Stopping()) break;
    if (st.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
        st.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
        st.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      WriteLog(LogLevel::kError, absl::StrCat("the server refused the stream: ",
                                              st.error_message()));
      return 1;
    }
    if (once && ++failures >= kOnceAttempts) {
      WriteLog(LogLevel::kError,
               absl::StrCat("stream ended (", st.error_message(),
                            "); giving up after ", failures, " attempts"));
      return 1;
    }
    WriteLog(LogLevel::kWarning,
             absl::StrCat("stream ended (", st.error_message(),
                          "); reconnecting after alert ", cursor, " in ",
                          absl::FormatDuration(backoff)),
             JsonObject().Add("cursor", cursor));
    if (!Wait(backoff)) break;
    backoff = std::min(backoff * 2, absl::Seconds(30));
  }
  return 0;
}

}  // namespace pqtrack::notify
