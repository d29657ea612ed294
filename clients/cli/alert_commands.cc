// pqtrack alerts list|ack: the numbered alerts and subscribers' cursors.
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "google/protobuf/util/json_util.h"
#include "pqtrack/v1/alert.grpc.pb.h"

namespace pqtrack::cli {

namespace {

std::string AlertLine(const v1::Alert& a) {
  std::string line = absl::StrCat(
      "#", a.id(), " ", EnumLabel(v1::AlertKind_descriptor(), a.kind()));
  if (!a.level().empty() &&
      a.level() != EnumLabel(v1::AlertKind_descriptor(), a.kind())) {
    absl::StrAppend(&line, " (", a.level(), ")");
  }
  absl::StrAppend(&line, " item ", a.item_id());
  if (!a.unit_code().empty()) absl::StrAppend(&line, " ", a.unit_code());
  if (a.has_due_on()) {
    absl::StrAppend(&line, " due ", client::FormatDate(a.due_on()));
  }
  return absl::StrCat(line, ": ", a.title());
}

// Every alert kind as the command line spells it: ALERT_KIND_DUE_SOON is
// "due-soon".
std::vector<std::string> KindNames() {
  std::vector<std::string> names;
  const auto* d = v1::AlertKind_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    if (d->value(i)->number() == 0) continue;
    std::string name = d->value(i)->name().substr(11);
    for (char& ch : name) {
      ch = ch == '_' ? '-' : static_cast<char>(tolower(ch));
    }
    names.push_back(std::move(name));
  }
  return names;
}

// --unit and --kind, shared by "alerts list" and "watch".
void AddFilterOptions(CLI::App* c, std::vector<std::string>& units,
                      std::vector<std::string>& kinds) {
  c->add_option("--unit", units, "Only this unit's subtree (repeatable)")
      ->transform(UnitCodeCase());
  c->add_option("--kind", kinds, "Only this kind (repeatable)")
      ->check(CLI::IsMember(KindNames()));
}

// "due-soon" -> ALERT_KIND_DUE_SOON (names already checked by CLI11).
v1::AlertKind KindOf(std::string name) {
  for (char& ch : name) {
    ch = ch == '-' ? '_' : static_cast<char>(toupper(ch));
  }
  v1::AlertKind kind = v1::ALERT_KIND_UNSPECIFIED;
  v1::AlertKind_Parse("ALERT_KIND_" + name, &kind);
  return kind;
}

std::string CompactJson(const google::protobuf::Message& m) {
  return client::ToJson(m, /*pretty=*/false);
}

}  // namespace

void AddWatchCommand(CLI::App& app, Context& ctx) {
  {
    struct Opts {
      int64_t after = 0;
      std::vector<std::string> units, kinds;
      bool json = false, verbose = false, once = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c = app.add_subcommand(
        "watch",
        "Print alerts as they fire, one line each; reconnects with the last "
        "cursor when the server goes away (Ctrl-C to stop)");
    c->add_option("--after", o->after,
                  "Replay every alert after this cursor first");
    AddFilterOptions(c, o->units, o->kinds);
    c->add_flag("--json", o->json, "One JSON object per line");
    c->add_flag("--verbose", o->verbose, "Also print heartbeats");
    c->add_flag("--no-reconnect", o->once,
                "Exit when the stream ends instead of reconnecting");
    c->callback([&ctx, o] {
      v1::WatchAlertsRequest req;
      for (const auto& u : o->units) req.add_unit_codes(u);
      for (const std::string& k : o->kinds) req.add_kinds(KindOf(k));
      int64_t cursor = o->after;
      absl::Duration backoff = absl::Seconds(1);
      for (;;) {
        req.set_after_cursor(cursor);
        auto stub = v1::AlertService::NewStub(ctx.conn().channel());
        auto call = ctx.conn().NewStreamContext();
        auto reader = stub->WatchAlerts(call.get(), req);
        v1::WatchAlertsResponse r;
        while (reader->Read(&r)) {
          backoff = absl::Seconds(1);
          if (r.has_alert()) {
            cursor = r.alert().id();
            std::cout << (o->json || ctx.json() ? CompactJson(r.alert())
                                                : AlertLine(r.alert()))
                      << std::endl;
          } else {
            cursor = std::max(cursor, r.heartbeat().last_cursor());
            if (o->verbose) {
              std::cerr << "heartbeat: up to #" << r.heartbeat().last_cursor()
                        << std::endl;
            }
          }
        }
        const grpc::Status st = reader->Finish();
        const bool retry = st.error_code() == grpc::UNAVAILABLE && !o->once;
        if (!retry) {
          ctx.exit_code = client::PrintError(st);
          return;
        }
        std::cerr << "stream ended (" << st.error_message()
                  << "); reconnecting after #" << cursor << std::endl;
        absl::SleepFor(backoff);
        backoff = std::min(backoff * 2, absl::Seconds(30));
      }
    });
  }
}

void AddAlertCommands(CLI::App& app, Context& ctx) {
  AddWatchCommand(app, ctx);

  auto* alerts = app.add_subcommand(
      "alerts", "Deadline and event alerts (each has a cursor number)");
  alerts->require_subcommand(1);
  {
    struct Opts {
      int64_t after = 0;
      std::vector<std::string> units, kinds;
      int limit = 0;
      std::string subscriber;
    };
    auto o = std::make_shared<Opts>();
    auto* c = alerts->add_subcommand("list",
                                     "Alerts after a cursor, oldest "
                                     "first");
    c->add_option("--after", o->after, "Only alerts after this cursor");
    AddFilterOptions(c, o->units, o->kinds);
    c->add_option("--limit", o->limit, "At most this many (default 100)");
    c->add_option("--subscriber", o->subscriber,
                  "Also show this subscriber's acknowledged cursor");
    c->callback([&ctx, o] {
      v1::ListAlertsRequest req;
      req.set_after_cursor(o->after);
      for (const auto& u : o->units) req.add_unit_codes(u);
      for (const std::string& k : o->kinds) req.add_kinds(KindOf(k));
      req.set_limit(o->limit);
      req.set_subscriber(o->subscriber);
      v1::ListAlertsResponse resp;
      if (!Call(ctx, &v1::AlertService::Stub::ListAlerts, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      client::Table t(
          {"CURSOR", "WHEN", "KIND", "LEVEL", "ITEM", "UNIT", "DUE", "TITLE"});
      t.SetMaxWidth(7, 50);
      for (const auto& a : resp.alerts()) {
        t.AddRow({absl::StrCat(a.id()), client::FormatInstant(a.create_time()),
                  EnumLabel(v1::AlertKind_descriptor(), a.kind()), a.level(),
                  absl::StrCat(a.item_id()), a.unit_code(),
                  client::FormatDate(a.due_on()), a.title()});
      }
      t.Print(std::cout);
      if (!o->subscriber.empty()) {
        std::cout << o->subscriber << " has acknowledged up to "
                  << resp.acked_cursor() << "\n";
      }
    });
  }
  {
    auto subscriber = std::make_shared<std::string>();
    auto cursor = std::make_shared<int64_t>(0);
    auto* c = alerts->add_subcommand(
        "ack", "Record that a subscriber handled every alert up to CURSOR");
    c->add_option("subscriber", *subscriber, "Subscriber name")->required();
    c->add_option("cursor", *cursor, "Last alert handled")->required();
    c->callback([&ctx, subscriber, cursor] {
      v1::AckAlertsRequest req;
      req.set_subscriber(*subscriber);
      req.set_cursor(*cursor);
      v1::AckAlertsResponse resp;
      if (!Call(ctx, &v1::AlertService::Stub::AckAlerts, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << *subscriber << " acknowledged up to " << resp.acked_cursor()
                << "\n";
    });
  }
}

}  // namespace pqtrack::cli
