// pqtrack report period: the figures a ministry publishes.
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/cli.h"
#include "clients/common/report_format.h"
#include "pqtrack/v1/report.grpc.pb.h"

namespace pqtrack::cli {
namespace {

using client::FormatDate;

void PrintPeriodTable(const v1::PeriodReportResponse& r) {
  std::cout << "period " << FormatDate(r.from()) << " to " << FormatDate(r.to())
            << ", as of " << FormatDate(r.as_of()) << ", "
            << (r.unit_code().empty()
                    ? std::string("the whole ministry")
                    : absl::StrCat(r.unit_code(), " ", r.unit_name()))
            << "\n\n";
  const v1::DocumentFigures& d = r.documents();
  client::Table t({"DOCUMENTS", "COUNT"});
  t.AddRow({"received", absl::StrCat(d.received())});
  t.AddRow({"needing a reply", absl::StrCat(d.needing_reply())});
  t.AddRow({"  answered", absl::StrCat(d.answered())});
  t.AddRow({"    on time", absl::StrCat(d.answered_on_time())});
  t.AddRow({"    late", absl::StrCat(d.answered_late())});
  t.AddRow({"  not yet due", absl::StrCat(d.not_yet_due())});
  t.AddRow({"  overdue", absl::StrCat(d.overdue())});
  t.Print(std::cout);
  std::cout << "\n";
  client::Table k({"TASKS AND QUESTIONS", "COUNT"});
  k.AddRow({"tasks assigned", absl::StrCat(r.tasks().assigned())});
  k.AddRow({"tasks completed",
            absl::StrCat(r.tasks().completed(), " (",
                         client::Percent(r.tasks().completed_permille(),
                                         client::Language::kEnglish),
                         ")")});
  k.AddRow({"questions received", absl::StrCat(r.questions().received())});
  k.AddRow({"questions answered", absl::StrCat(r.questions().answered())});
  k.Print(std::cout);
  if (r.petitions_size() > 0) {
    std::cout << "\n";
    client::Table p(
        {"PETITIONS", "BATCH", "PHASE", "RECEIVED", "PETITIONS", "ANSWERED"});
    for (const auto& s : r.petitions()) {
      const std::string session =
          absl::StrCat(s.term_code(), " session ", s.session_number());
      if (s.batches_size() == 0) {
        p.AddRow({session, "-", "none received yet", "", "", ""});
      }
      for (const auto& b : s.batches()) {
        p.AddRow({session, absl::StrCat(b.batch_id()), b.phase(),
                  FormatDate(b.received_on()), absl::StrCat(b.petitions()),
                  absl::StrCat(b.answered())});
      }
    }
    p.Print(std::cout);
  }
  if (r.units_size() > 0) {
    std::cout << "\n";
    client::Table u(
        {"UNIT", "NAME", "NEEDING", "ANSWERED", "ON TIME", "OVERDUE"});
    u.SetMaxWidth(1, 40);
    for (const auto& x : r.units()) {
      u.AddRow({x.unit_code(), x.unit_name(), absl::StrCat(x.needing_reply()),
                absl::StrCat(x.answered()), absl::StrCat(x.answered_on_time()),
                absl::StrCat(x.overdue())});
    }
    u.Print(std::cout);
  }
}

}  // namespace

void AddReportCommands(CLI::App& app, Context& ctx) {
  auto* report = app.add_subcommand(
      "report", "Reports computed from the history, as of any day");
  report->require_subcommand(1);
  struct Opts {
    std::string month, from, to, as_of, unit, format = "table", out;
  };
  auto o = std::make_shared<Opts>();
  auto* c = report->add_subcommand(
      "period",
      "The monthly review: documents (needing a reply = answered + not yet "
      "due + overdue), tasks, questions, petitions per session batch");
  auto* month =
      c->add_option("--month", o->month, "The period as a month, YYYY-MM");
  auto* from = c->add_option("--from", o->from, "First day, YYYY-MM-DD")
                   ->check(DateValidator());
  auto* to = c->add_option("--to", o->to, "Last day, YYYY-MM-DD")
                 ->check(DateValidator());
  month->excludes(from)->excludes(to);
  c->add_option("--as-of", o->as_of,
                "Count what was so at the end of this day (default: today)")
      ->check(DateValidator());
  c->add_option("--unit", o->unit,
                "This unit and the units under it (default: the ministry, or "
                "your own unit)");
  c->add_option("--format", o->format,
                "table, json, csv, text-vi, text-en or html")
      ->check(
          CLI::IsMember({"table", "json", "csv", "text-vi", "text-en", "html"}))
      ->capture_default_str();
  c->add_option("--out", o->out, "Write to this file (default: stdout)");
  c->callback([&ctx, o] {
    v1::PeriodReportRequest req;
    if (!o->month.empty()) {
      int y = 0, m = 0;
      char dash = 0;
      std::istringstream in(o->month);
      if (!(in >> y >> dash >> m) || dash != '-' || m < 1 || m > 12) {
        throw CLI::ValidationError("--month", "must be YYYY-MM");
      }
      const absl::CivilMonth first(y, m);
      const absl::CivilDay last = absl::CivilDay(first + 1) - 1;
      *req.mutable_from() =
          ParseDateOption("--month", absl::StrFormat("%04d-%02d-01", y, m));
      *req.mutable_to() = ParseDateOption(
          "--month", absl::StrFormat("%04d-%02d-%02d", last.year(),
                                     last.month(), last.day()));
    } else {
      if (o->from.empty() || o->to.empty()) {
        throw CLI::ValidationError("--from",
                                   "give --month, or --from and --to");
      }
      *req.mutable_from() = ParseDateOption("--from", o->from);
      *req.mutable_to() = ParseDateOption("--to", o->to);
    }
    if (!o->as_of.empty()) {
      *req.mutable_as_of() = ParseDateOption("--as-of", o->as_of);
    }
    req.set_unit_code(o->unit);
    v1::PeriodReportResponse resp;
    if (!Call(ctx, &v1::ReportService::Stub::PeriodReport, req, &resp)) return;
    std::ofstream file;
    if (!o->out.empty()) {
      file.open(o->out, std::ios::trunc);
      if (!file) {
        std::cerr << "error: cannot write " << o->out << "\n";
        ctx.exit_code = 1;
        return;
      }
    }
    std::ostream& out = o->out.empty() ? std::cout : file;
    const std::string& f = ctx.json() ? std::string("json") : o->format;
    if (f == "json") {
      client::PrintJson(out, resp);
    } else if (f == "csv") {
      out << client::PeriodCsv(resp);
    } else if (f == "text-vi") {
      out << client::PeriodText(resp, client::Language::kVietnamese);
    } else if (f == "text-en") {
      out << client::PeriodText(resp, client::Language::kEnglish);
    } else if (f == "html") {
      out << client::PeriodHtml(resp);
    } else {
      PrintPeriodTable(resp);
    }
    if (!o->out.empty()) std::cerr << "wrote " << o->out << "\n";
  });
}

}  // namespace pqtrack::cli
