// pqtrack calendar import|list, pqtrack deadline compute|explain|rules|
// rule-add, and pqtrack item extend.
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "clients/cli/cli.h"
#include "clients/common/csv.h"
#include "pqtrack/v1/calendar.grpc.pb.h"
#include "pqtrack/v1/item.grpc.pb.h"
#include "pqtrack/v1/workflow.grpc.pb.h"

namespace pqtrack::cli {
namespace {

using client::FormatDate;

const std::vector<std::string> kKinds = {"petition", "question", "document",
                                         "task"};

v1::ItemKind KindOf(const std::string& name) {
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (kKinds[i] == name) return static_cast<v1::ItemKind>(i + 1);
  }
  return v1::ITEM_KIND_UNSPECIFIED;
}

std::string RuleLine(const v1::DeadlineRule& r) {
  return absl::StrCat(
      r.amount(), " ",
      r.count() == v1::DAY_COUNT_WORKING ? "working" : "calendar",
      " days from the day ",
      r.anchor() == v1::DEADLINE_ANCHOR_ASKED           ? "asked"
      : r.anchor() == v1::DEADLINE_ANCHOR_DOCUMENT_DATE ? "on the document"
                                                        : "received");
}

int ImportCalendar(Context& ctx, const std::string& path) {
  client::CsvReader csv;
  if (absl::Status s = csv.Open(path, {"date", "kind", "name"}); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return 1;
  }
  v1::SetCalendarDaysRequest req;
  while (csv.Next()) {
    v1::CalendarDay* d = req.add_days();
    try {
      *d->mutable_date() = ParseDateOption("date", csv.Get("date"));
    } catch (const CLI::ValidationError& e) {
      std::cerr << path << ":" << csv.line() << ": column date: " << e.what()
                << "\n";
      return 1;
    }
    const std::string kind = csv.Get("kind");
    if (kind == "holiday") {
      d->set_kind(v1::CALENDAR_DAY_KIND_HOLIDAY);
    } else if (kind == "workday") {
      d->set_kind(v1::CALENDAR_DAY_KIND_WORKDAY);
    } else {
      std::cerr << path << ":" << csv.line()
                << ": column kind: must be holiday or workday\n";
      return 1;
    }
    d->set_name(csv.Get("name"));
    d->set_source(csv.Get("source"));
  }
  v1::SetCalendarDaysResponse resp;
  if (!Call(ctx, &v1::CalendarService::Stub::SetCalendarDays, req, &resp)) {
    return ctx.exit_code;
  }
  std::cout << resp.days_written() << " calendar day(s) written\n";
  return 0;
}

void PrintSteps(const google::protobuf::RepeatedPtrField<std::string>& steps) {
  for (const std::string& s : steps) std::cout << "  " << s << "\n";
}

}  // namespace

void AddCalendarCommands(CLI::App& app, Context& ctx) {
  auto* calendar = app.add_subcommand(
      "calendar", "Public holidays and make-up working days");
  calendar->require_subcommand(1);
  {
    auto path = std::make_shared<std::string>();
    auto* c = calendar->add_subcommand(
        "import",
        "Load days from a CSV file with columns date (YYYY-MM-DD), kind "
        "(holiday or workday), name and optionally source; their years "
        "count as loaded (administrators)");
    c->add_option("file", *path, "CSV file (UTF-8)")->required();
    c->callback([&ctx, path] { ctx.exit_code = ImportCalendar(ctx, *path); });
  }
  {
    auto year = std::make_shared<int>(0);
    auto* c = calendar->add_subcommand("list", "Show one year's exceptions");
    c->add_option("--year", *year, "Year")->required();
    c->callback([&ctx, year] {
      v1::ListCalendarDaysRequest req;
      req.set_year(*year);
      v1::ListCalendarDaysResponse resp;
      if (!Call(ctx, &v1::CalendarService::Stub::ListCalendarDays, req,
                &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      if (!resp.year_loaded()) {
        std::cout << *year << " is not loaded: due dates reaching it skip "
                  << "weekends only and are flagged\n";
      }
      client::Table t({"DATE", "KIND", "NAME"});
      for (const auto& d : resp.days()) {
        t.AddRow(
            {FormatDate(d.date()),
             d.kind() == v1::CALENDAR_DAY_KIND_HOLIDAY ? "holiday" : "workday",
             d.name()});
      }
      t.Print(std::cout);
    });
  }

  auto* deadline =
      app.add_subcommand("deadline", "Legal due dates: compute and explain");
  deadline->require_subcommand(1);
  {
    struct Opts {
      std::string kind, date, arrival;
    };
    auto o = std::make_shared<Opts>();
    auto* c = deadline->add_subcommand(
        "compute", "When is it due if it arrives on DATE? (records nothing)");
    c->add_option("--kind", o->kind, "Kind of item")
        ->required()
        ->check(CLI::IsMember(kKinds));
    c->add_option("--date", o->date,
                  "The anchor day: received, asked or dated, as the rule "
                  "counts from (YYYY-MM-DD)")
        ->required()
        ->check(DateValidator());
    c->add_option("--arrival", o->arrival,
                  "Day it arrives, which picks the rule version (default: "
                  "--date)")
        ->check(DateValidator());
    c->callback([&ctx, o] {
      v1::ComputeDeadlineRequest req;
      req.set_kind(KindOf(o->kind));
      *req.mutable_anchor_date() = ParseDateOption("--date", o->date);
      if (!o->arrival.empty()) {
        *req.mutable_arrival_date() = ParseDateOption("--arrival", o->arrival);
      }
      v1::ComputeDeadlineResponse resp;
      if (!Call(ctx, &v1::CalendarService::Stub::ComputeDeadline, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "due " << FormatDate(resp.due_on()) << " ("
                << RuleLine(resp.rule()) << ")\n";
      PrintSteps(resp.steps());
    });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* c = deadline->add_subcommand("explain", "Why an item is due when");
    c->add_option("id", *id, "Item id")->required();
    c->callback([&ctx, id] {
      v1::ExplainDeadlineRequest req;
      req.set_item_id(*id);
      v1::ExplainDeadlineResponse resp;
      if (!Call(ctx, &v1::CalendarService::Stub::ExplainDeadline, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      if (!resp.has_due_on()) {
        std::cout << "item " << *id << " has no due date\n";
      } else {
        std::cout << "item " << *id << " is due " << FormatDate(resp.due_on())
                  << " (" << resp.source() << ")\n";
      }
      PrintSteps(resp.steps());
    });
  }
  {
    auto* c = deadline->add_subcommand("rules", "List deadline rule versions");
    c->callback([&ctx] {
      v1::ListDeadlineRulesResponse resp;
      if (!Call(ctx, &v1::CalendarService::Stub::ListDeadlineRules,
                v1::ListDeadlineRulesRequest(), &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      client::Table t({"ID", "KIND", "PERIOD", "FROM", "TO", "LEGAL BASIS"});
      t.SetMaxWidth(5, 60);
      for (const auto& r : resp.rules()) {
        t.AddRow({absl::StrCat(r.id()), Kind(r.kind()), RuleLine(r),
                  FormatDate(r.valid_from()), FormatDate(r.valid_to()),
                  r.legal_basis()});
      }
      t.Print(std::cout);
    });
  }
  {
    struct Opts {
      std::string kind, count = "calendar", anchor = "received", basis, from,
                        to;
      int amount = 0;
    };
    auto o = std::make_shared<Opts>();
    auto* c = deadline->add_subcommand(
        "rule-add", "Add a deadline rule version (administrators)");
    c->add_option("--kind", o->kind, "Kind of item")
        ->required()
        ->check(CLI::IsMember(kKinds));
    c->add_option("--days", o->amount, "Number of days")->required();
    c->add_option("--count", o->count, "calendar or working days")
        ->check(CLI::IsMember({"calendar", "working"}))
        ->capture_default_str();
    c->add_option("--from-day", o->anchor, "What the period counts from")
        ->check(CLI::IsMember({"received", "asked", "document-date"}))
        ->capture_default_str();
    c->add_option("--legal-basis", o->basis, "The legal text")->required();
    c->add_option("--valid-from", o->from, "First arrival day it applies to")
        ->check(DateValidator());
    c->add_option("--valid-to", o->to, "Last arrival day it applies to")
        ->check(DateValidator());
    c->callback([&ctx, o] {
      v1::SetDeadlineRuleRequest req;
      auto* r = req.mutable_rule();
      r->set_kind(KindOf(o->kind));
      r->set_amount(o->amount);
      r->set_count(o->count == "working" ? v1::DAY_COUNT_WORKING
                                         : v1::DAY_COUNT_CALENDAR);
      r->set_anchor(o->anchor == "asked" ? v1::DEADLINE_ANCHOR_ASKED
                    : o->anchor == "document-date"
                        ? v1::DEADLINE_ANCHOR_DOCUMENT_DATE
                        : v1::DEADLINE_ANCHOR_RECEIVED);
      r->set_legal_basis(o->basis);
      if (!o->from.empty()) {
        *r->mutable_valid_from() = ParseDateOption("--valid-from", o->from);
      }
      if (!o->to.empty()) {
        *r->mutable_valid_to() = ParseDateOption("--valid-to", o->to);
      }
      v1::SetDeadlineRuleResponse resp;
      if (!Call(ctx, &v1::CalendarService::Stub::SetDeadlineRule, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "deadline rule " << resp.rule().id() << " added\n";
    });
  }

  {
    struct Opts {
      int64_t id = 0, version = 0;
      std::string to, reason, approved_by;
    };
    auto o = std::make_shared<Opts>();
    auto* c = app.get_subcommand("item")->add_subcommand(
        "extend", "Move an item's legal due date (liaison)");
    c->add_option("id", o->id, "Item id")->required();
    c->add_option("--version", o->version,
                  "The item's version as you last saw it (default: current)");
    c->add_option("--to", o->to, "New due date, YYYY-MM-DD")
        ->required()
        ->check(DateValidator());
    c->add_option("--reason", o->reason, "Why")->required();
    c->add_option("--approved-by", o->approved_by, "Who approved it")
        ->required();
    c->callback([&ctx, o] {
      v1::ExtendDeadlineRequest req;
      req.set_item_id(o->id);
      if (o->version == 0) {
        v1::GetItemRequest get;
        get.set_id(o->id);
        v1::GetItemResponse item;
        if (!Call(ctx, &v1::ItemService::Stub::GetItem, get, &item)) return;
        o->version = item.item().version();
      }
      req.set_version(o->version);
      *req.mutable_new_due_on() = ParseDateOption("--to", o->to);
      req.set_reason(o->reason);
      req.set_approved_by(o->approved_by);
      v1::ExtendDeadlineResponse resp;
      if (!Call(ctx, &v1::WorkflowService::Stub::ExtendDeadline, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "item " << resp.item().id() << " now due "
                << FormatDate(resp.item().due_on()) << "\n";
    });
  }
}

}  // namespace pqtrack::cli
