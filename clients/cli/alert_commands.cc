// pqtrack alerts list|ack: the numbered alerts and subscribers' cursors.
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "pqtrack/v1/alert.grpc.pb.h"

namespace pqtrack::cli {

void AddAlertCommands(CLI::App& app, Context& ctx) {
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
    c->add_option("--unit", o->units, "Only this unit's subtree (repeatable)");
    c->add_option("--kind", o->kinds, "Only this kind (repeatable)")
        ->check(CLI::IsMember({"assigned", "due-soon", "due-today", "overdue",
                               "escalated", "transferred",
                               "returned-for-revision", "answered"}));
    c->add_option("--limit", o->limit, "At most this many (default 100)");
    c->add_option("--subscriber", o->subscriber,
                  "Also show this subscriber's acknowledged cursor");
    c->callback([&ctx, o] {
      v1::ListAlertsRequest req;
      req.set_after_cursor(o->after);
      for (const auto& u : o->units) req.add_unit_codes(u);
      for (std::string k : o->kinds) {
        for (char& ch : k)
          ch = ch == '-' ? '_' : static_cast<char>(toupper(ch));
        v1::AlertKind kind;
        if (v1::AlertKind_Parse("ALERT_KIND_" + k, &kind)) req.add_kinds(kind);
      }
      req.set_limit(o->limit);
      req.set_subscriber(o->subscriber);
      v1::ListAlertsResponse resp;
      if (!Call(ctx, &v1::AlertService::Stub::ListAlerts, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      client::Table t({"CURSOR", "WHEN (UTC)", "KIND", "LEVEL", "ITEM", "UNIT",
                       "DUE", "TITLE"});
      t.SetMaxWidth(7, 50);
      for (const auto& a : resp.alerts()) {
        t.AddRow(
            {absl::StrCat(a.id()),
             absl::FormatTime("%Y-%m-%d %H:%M",
                              absl::FromUnixSeconds(a.create_time().seconds()),
                              absl::UTCTimeZone()),
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
