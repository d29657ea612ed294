// The live queue: GET /events relays the user's WatchAlerts stream as
// Server-Sent Events, and /desk.js refreshes the queue when one arrives.
#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/web/html.h"
#include "clients/web/request_log.h"
#include "clients/web/web_desk.h"
#include "google/protobuf/util/json_util.h"
#include "pqtrack/v1/admin.grpc.pb.h"
#include "pqtrack/v1/alert.grpc.pb.h"

namespace pqtrack::web {
namespace {

// The pages' one script: progressive enhancement, every page works without
// it. A file larger than a form takes is refused before it is sent (the
// server refuses it anyway). On the queue page, it listens on /events and, when
// an alert arrives (or the stream has just started, to cover what changed since
// the page was made), fetches the same page again and swaps in the counts and
// the list — unless the user's keyboard focus is inside them, in which case a
// button offers the update. EventSource reconnects by itself with
// Last-Event-ID, so a page that lost its connection catches up from its cursor.
const char kDeskScript[] = R"js('use strict';
(function () {
  document.querySelectorAll('input[type=file][data-max-bytes]')
    .forEach(function (input) {
      if (!input.form) { return; }
      var max = Number(input.dataset.maxBytes);
      function tooBig() {
        return Array.prototype.some.call(input.files || [],
                                         function (f) { return f.size > max; });
      }
      function check() {
        var note = input.parentNode.querySelector('.too-big');
        if (!tooBig()) {
          if (note) { note.remove(); }
          return true;
        }
        if (!note) {
          note = document.createElement('p');
          note.className = 'error too-big';
          note.setAttribute('role', 'alert');
          input.after(note);
        }
        note.textContent = input.dataset.tooBig;
        return false;
      }
      input.addEventListener('change', check);
      input.form.addEventListener('submit', function (e) {
        if (!check()) { e.preventDefault(); input.focus(); }
      });
    });
})();
(function () {
  var live = document.getElementById('live');
  if (!live || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var regions = ['queue-summary', 'queue-list'];
  var pending = false, busy = false, timer = null;
  function say(text) { live.textContent = text; }
  function stamp() {
    var t = new Date().toLocaleTimeString('vi-VN',
        {timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit'});
    return live.dataset.on + ' ' + live.dataset.updated + ' ' + t + '.';
  }
  function focusInside() {
    var a = document.activeElement;
    return regions.some(function (id) {
      var r = document.getElementById(id);
      return r && a && r !== a && r.contains(a);
    });
  }
  function swap(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    regions.forEach(function (id) {
      var now = document.getElementById(id), fresh = doc.getElementById(id);
      if (now && fresh) now.replaceWith(fresh);
    });
    document.body.dataset.refreshed =
        String(Number(document.body.dataset.refreshed || '0') + 1);
    say(stamp());
  }
  function offer() {
    live.textContent = live.dataset.changed + ' ';
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'link';
    b.textContent = live.dataset.show;
    b.addEventListener('click', function () { refresh(true); });
    live.appendChild(b);
  }
  function refresh(forced) {
    timer = null;
    if (busy) { pending = true; return; }
    if (!forced && focusInside()) { offer(); return; }
    busy = true;
    fetch(window.location.href, {credentials: 'same-origin'})
      .then(function (r) {
        if (r.redirected || !r.ok) { throw new Error('HTTP ' + r.status); }
        return r.text();
      })
      .then(swap)
      .catch(function () { say(live.dataset.lost); })
      .then(function () {
        busy = false;
        if (pending) { pending = false; refresh(false); }
      });
  }
  function soon() { if (!timer) { timer = setTimeout(refresh, 300); } }
  // The first heartbeat of each connection reads the queue again: changes
  // made while the page was not connected are not replayed.
  var connected = false;
  var source = new EventSource('/events');
  source.addEventListener('open', function () { connected = false; });
  source.addEventListener('alert', soon);
  source.addEventListener('change', soon);
  source.addEventListener('heartbeat', function () {
    document.body.dataset.live = 'on';
    if (!connected) { connected = true; say(live.dataset.on); soon(); }
  });
  source.addEventListener('ended', function () {
    source.close();
    document.body.dataset.live = 'off';
    say(live.dataset.ended);
  });
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) {
      // Refused (too many open, or signed out): no retry.
      document.body.dataset.live = 'off';
      say(live.dataset.off);
    } else {
      say(live.dataset.lost);
    }
  };
})();
)js";

// One event of the stream: `id` is the cursor to resume from, so the
// browser's Last-Event-ID always names the last alert the page was told
// of (or, for a heartbeat, the point up to which it missed none). A change
// has no id (the browser keeps the last one): changes are not replayed,
// the page reads the queue again after each reconnection instead.
std::string EventOf(const v1::WatchAlertsResponse& r) {
  // One line: JSON escapes every newline inside strings.
  const auto json = [](const google::protobuf::Message& m) {
    std::string out;
    google::protobuf::util::JsonPrintOptions o;
    o.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(m, &out, o);
    return out;
  };
  if (r.has_change()) {
    return absl::StrCat("event: change\ndata: ", json(r.change()), "\n\n");
  }
  if (r.has_alert()) {
    return absl::StrCat("id: ", r.alert().id(),
                        "\nevent: alert\ndata: ", json(r.alert()), "\n\n");
  }
  return absl::StrCat("id: ", r.heartbeat().last_cursor(),
                      "\nevent: heartbeat\ndata: {\"last_cursor\":",
                      r.heartbeat().last_cursor(), "}\n\n");
}

}  // namespace

// A browser's open stream and the WatchAlerts call behind it.
struct WebDesk::LiveStream {
  grpc::ClientContext ctx;
  std::unique_ptr<v1::AlertService::Stub> stub;
  std::unique_ptr<grpc::ClientReader<v1::WatchAlertsResponse>> reader;
  // Read but not yet written to the browser.
  v1::WatchAlertsResponse next;
  bool finished = false;
  absl::Time started;
};

const char* DeskScript() { return kDeskScript; }

void WebDesk::EventsGet(const httplib::Request& req, httplib::Response& res) {
  const auto plain = [&](int status, const std::string& text) {
    res.status = status;
    res.set_content(text + "\n", "text/plain; charset=utf-8");
  };
  const std::string secret = Cookie(req, kSessionCookie);
  if (secret.empty()) return plain(401, "not signed in");
  v1::WhoAmIResponse who;
  const grpc::Status me = v1::AdminService::NewStub(channel_)->WhoAmI(
      Context(secret).get(), {}, &who);
  if (me.error_code() == grpc::UNAUTHENTICATED) {
    return plain(401, "session ended");
  }
  if (!me.ok()) {
    NoteRequestFailure("WhoAmI", me);
    return plain(502,
                 "pqtrack-server failed or cannot be reached (request "
                 "id " +
                     RequestId() + ")");
  }
  NoteRequestUser(who.user().login());
  // EventSource sends the last id it saw when it reconnects.
  v1::WatchAlertsRequest watch;
  const std::string last = req.get_header_value("Last-Event-ID");
  if (last.empty()) {
    watch.set_from_now(true);
  } else {
    int64_t cursor = 0;
    if (!absl::SimpleAtoi(last, &cursor) || cursor < 0) {
      return plain(400, "Last-Event-ID: expected a cursor (a number >= 0)");
    }
    watch.set_after_cursor(cursor);
  }
  if (!who.user().unit_code().empty()) {
    watch.add_unit_codes(who.user().unit_code());
  }
  watch.set_heartbeat_seconds(options_.heartbeat_seconds);
  // Moves that raise no alert (a draft saved, an approval, a coordinating
  // unit's input...) change the queue too.
  watch.set_changes(true);

  auto stream = std::make_shared<LiveStream>();
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ || static_cast<int>(live_.size()) >= options_.max_live) {
      res.set_header("Retry-After", "30");
      NoteRequestFailure(stopping_ ? "stopping" : "--max-live streams open");
      return plain(503,
                   "too many live pages open; the queue still works "
                   "by reloading it");
    }
    live_.emplace(&stream->ctx, CsrfFor(secret));
  }
  stream->ctx.AddMetadata("authorization", "Bearer " + secret);
  stream->stub = v1::AlertService::NewStub(channel_);
  stream->reader = stream->stub->WatchAlerts(&stream->ctx, watch);
  stream->started = absl::Now();
  // The first message (the end of the replay, or an alert of it) tells
  // whether the stream is up before the response is committed to 200.
  if (!stream->reader->Read(&stream->next)) {
    const grpc::Status st = stream->reader->Finish();
    stream->finished = true;
    EndStream(*stream);
    if (st.error_code() == grpc::UNAUTHENTICATED) {
      return plain(401, "session ended");
    }
    NoteRequestFailure("WatchAlerts", st);
    return plain(502,
                 "pqtrack-server failed or cannot be reached (request "
                 "id " +
                     RequestId() + ")");
  }
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, stream](size_t, httplib::DataSink& sink) {
        return Pump(*stream, sink);
      },
      [this, stream](bool) { EndStream(*stream); });
}

bool WebDesk::Pump(LiveStream& s, httplib::DataSink& sink) {
  // How long the browser waits before reconnecting.
  const std::string retry = "retry: 3000\n\n";
  if (!sink.write(retry.data(), retry.size())) return false;
  for (;;) {
    const std::string event = EventOf(s.next);
    if (!sink.write(event.data(), event.size())) return false;
    // A stream lives a while, then ends: the browser reconnects from its
    // cursor and the session is checked again.
    if (s.next.has_heartbeat() &&
        absl::Now() - s.started > options_.stream_lifetime) {
      sink.done();
      return true;
    }
    if (!s.reader->Read(&s.next)) {
      const grpc::Status st = s.reader->Finish();
      s.finished = true;
      if (st.error_code() == grpc::UNAUTHENTICATED ||
          st.error_code() == grpc::PERMISSION_DENIED) {
        // The session ended: the page stops listening and says so.
        const std::string ended = "event: ended\ndata: session\n\n";
        sink.write(ended.data(), ended.size());
      }
      // Otherwise (the server restarting, this desk stopping) the browser
      // reconnects by itself and resumes from its cursor.
      sink.done();
      return true;
    }
  }
}

void WebDesk::EndStream(LiveStream& s) {
  {
    absl::MutexLock lock(&mu_);
    live_.erase(&s.ctx);
  }
  if (s.finished) return;
  s.ctx.TryCancel();
  v1::WatchAlertsResponse ignored;
  while (s.reader->Read(&ignored)) {
  }
  (void)s.reader->Finish();
  s.finished = true;
}

void WebDesk::EndLiveStreamsOf(const std::string& secret) {
  const std::string key = CsrfFor(secret);
  absl::MutexLock lock(&mu_);
  for (const auto& [ctx, session] : live_) {
    if (session == key) ctx->TryCancel();
  }
}

void WebDesk::Shutdown() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  for (const auto& [ctx, session] : live_) ctx->TryCancel();
}

int WebDesk::live_streams() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(live_.size());
}

}  // namespace pqtrack::web
