// pqtrack report period: the figures a ministry publishes.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/cli.h"
#include "clients/common/report_document.h"
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
        p.AddRow(
            {session, absl::StrCat(b.batch_id()),
             client::BatchPhaseWords(b.phase(), client::Language::kEnglish),
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
  std::cout << "\n";
  client::Table w({"OPEN ITEMS BY DUE WEEK", "OPEN"});
  if (r.due_weeks_size() > 0) {
    w.AddRow({absl::StrCat("due before ", FormatDate(r.due_weeks(0).week_of())),
              absl::StrCat(r.open_due_earlier())});
  }
  for (const auto& x : r.due_weeks()) {
    w.AddRow({absl::StrCat("week of ", FormatDate(x.week_of())),
              absl::StrCat(x.open_items())});
  }
  w.AddRow({"due later", absl::StrCat(r.open_due_later())});
  w.AddRow({"no due date", absl::StrCat(r.open_without_due_date())});
  w.AddRow({"total open", absl::StrCat(r.open_total())});
  w.Print(std::cout);
}

void PrintSessionTable(const v1::SessionReportResponse& r) {
  std::cout << "session " << r.term_code() << "-" << r.session_number()
            << (r.batch_id() ? absl::StrCat(", batch ", r.batch_id()) : "")
            << ", as of " << FormatDate(r.as_of());
  if (r.report_due_on().year() != 0) {
    std::cout << ", report due " << FormatDate(r.report_due_on());
  }
  std::cout << "\n\n";
  for (const auto& [title, list] : {std::make_pair("FIELD", &r.fields()),
                                    std::make_pair("UNIT", &r.units())}) {
    client::Table t(
        {title, "TOTAL", "ANSWERED", "RESOLVED", "IN RESOLUTION", "EXPLAINED"});
    t.SetMaxWidth(0, 40);
    for (const auto& f : *list) {
      t.AddRow({f.key().empty() ? "(none)" : f.key(), absl::StrCat(f.total()),
                absl::StrCat(f.answered()), absl::StrCat(f.resolved()),
                absl::StrCat(f.in_resolution()), absl::StrCat(f.explained())});
    }
    const auto& x = r.total();
    t.AddRow({"total", absl::StrCat(x.total()), absl::StrCat(x.answered()),
              absl::StrCat(x.resolved()), absl::StrCat(x.in_resolution()),
              absl::StrCat(x.explained())});
    t.Print(std::cout);
    std::cout << "\n";
  }
  for (const auto& [title, list] :
       {std::make_pair("IN RESOLUTION", &r.in_resolution()),
        std::make_pair("CARRIED OVER", &r.carried_over())}) {
    if (list->empty()) continue;
    client::Table t({title, "SESSION", "UNIT", "EXPECTED", "ROADMAP", "TITLE"});
    t.SetMaxWidth(4, 40);
    t.SetMaxWidth(5, 40);
    for (const auto& p : *list) {
      t.AddRow({absl::StrCat(p.item_id()), absl::StrCat(p.session_number()),
                p.unit_code(), FormatDate(p.expected_completion()), p.roadmap(),
                p.title()});
    }
    t.Print(std::cout);
    std::cout << "\n";
  }
  if (r.transferred_out_size() > 0) {
    client::Table t({"TRANSFERRED OUT", "TO", "REASON", "TITLE"});
    t.SetMaxWidth(2, 50);
    for (const auto& x : r.transferred_out()) {
      t.AddRow(
          {absl::StrCat(x.item_id()), x.to_unit_code(), x.reason(), x.title()});
    }
    t.Print(std::cout);
  }
}

void PrintTimelinessTable(const v1::TimelinessReportResponse& r) {
  client::Table t({"UNIT", "KIND", "NEEDING", "ANSWERED", "ON TIME", "MEDIAN",
                   "P90", "OVERDUE 1-7", "8-30", "31-90", ">90", "EXT",
                   "TRANSF"});
  const auto add = [&](const v1::TimelinessRow& x, const std::string& unit,
                       const std::string& kind) {
    t.AddRow({unit, kind, absl::StrCat(x.needing_reply()),
              absl::StrCat(x.answered()),
              x.answered() == 0 ? "-"
                                : client::Percent(x.on_time_permille(),
                                                  client::Language::kEnglish),
              absl::StrCat(x.median_days()), absl::StrCat(x.p90_days()),
              absl::StrCat(x.overdue_1_7()), absl::StrCat(x.overdue_8_30()),
              absl::StrCat(x.overdue_31_90()),
              absl::StrCat(x.overdue_over_90()), absl::StrCat(x.extensions()),
              absl::StrCat(x.transfers())});
  };
  for (const auto& x : r.rows()) add(x, x.unit_code(), x.kind());
  add(r.total(), "total", "");
  std::cout << "period " << FormatDate(r.from()) << " to " << FormatDate(r.to())
            << ", as of " << FormatDate(r.as_of())
            << " (days: receipt to first answer)\n\n";
  t.Print(std::cout);
}

// A response as PrintJson writes it.
std::string Json(const google::protobuf::Message& m) {
  std::ostringstream out;
  client::PrintJson(out, m);
  return out.str();
}

// Writes to --out or stdout.
void Emit(Context& ctx, const std::string& path, const std::string& text) {
  if (path.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream file(path, std::ios::trunc);
  file << text;
  if (!file) {
    std::cerr << "error: cannot write " << path << "\n";
    ctx.exit_code = 1;
    return;
  }
  std::cerr << "wrote " << path << "\n";
}

// --month or --from/--to.
void PeriodRange(const std::string& month, const std::string& from,
                 const std::string& to, v1::Date* out_from, v1::Date* out_to) {
  if (!month.empty()) {
    int y = 0, m = 0;
    char dash = 0;
    std::istringstream in(month);
    if (!(in >> y >> dash >> m) || dash != '-' || m < 1 || m > 12) {
      throw CLI::ValidationError("--month", "must be YYYY-MM");
    }
    const absl::CivilDay last = absl::CivilDay(absl::CivilMonth(y, m) + 1) - 1;
    *out_from =
        ParseDateOption("--month", absl::StrFormat("%04d-%02d-01", y, m));
    *out_to = ParseDateOption(
        "--month", absl::StrFormat("%04d-%02d-%02d", last.year(), last.month(),
                                   last.day()));
    return;
  }
  if (from.empty() || to.empty()) {
    throw CLI::ValidationError("--from", "give --month, or --from and --to");
  }
  *out_from = ParseDateOption("--from", from);
  *out_to = ParseDateOption("--to", to);
}

// The heading and signature of the signed document (--format html).
struct DocumentOpts {
  std::string lang = "vi", date;
  client::DocumentHeading heading;
};

void AddDocumentOptions(CLI::App* c, DocumentOpts& d) {
  auto* g = c->add_option_group(
      "Document",
      "--format html: an A4 document as Decree 30/2020/ND-CP lays it out; "
      "what is not given is left blank to fill in by hand");
  g->add_option("--lang", d.lang, "The document's language: vi or en")
      ->check(CLI::IsMember({"vi", "en"}))
      ->capture_default_str();
  g->add_option("--issuer", d.heading.issuer,
                "The issuing body, e.g. \"Bộ Nội vụ\" (printed in capitals)");
  g->add_option("--parent-body", d.heading.parent_body,
                "The body above the issuer, when there is one");
  g->add_option("--number", d.heading.number,
                "The document's number and symbol, e.g. 125/BC-BNV");
  d.heading.place = "Hà Nội";
  g->add_option("--place", d.heading.place, "The place of issue")
      ->capture_default_str();
  g->add_option("--date", d.date, "The date of issue, YYYY-MM-DD")
      ->check(DateValidator());
  g->add_option("--subject", d.heading.subject,
                "What the report is about, under its title (default: from "
                "the report)");
  g->add_option("--recipient", d.heading.recipients,
                "One line of \"Nơi nhận\" (repeatable); \"Lưu: VT\" always "
                "ends them");
  g->add_option("--signer-authority", d.heading.signer_authority,
                "Above the signer's title, e.g. \"KT. Bộ trưởng\"");
  g->add_option("--signer-title", d.heading.signer_title,
                "The signer's title, e.g. \"Thứ trưởng\"");
  g->add_option("--signer", d.heading.signer_name, "The signer's full name");
}

client::DocumentHeading Heading(const DocumentOpts& d) {
  client::DocumentHeading h = d.heading;
  if (!d.date.empty()) {
    const v1::Date day = ParseDateOption("--date", d.date);
    h.date = absl::CivilDay(day.year(), day.month(), day.day());
  }
  return h;
}

client::Language LanguageOf(const DocumentOpts& d) {
  return d.lang == "en" ? client::Language::kEnglish
                        : client::Language::kVietnamese;
}

}  // namespace

void AddReportCommands(CLI::App& app, Context& ctx) {
  auto* report = app.add_subcommand(
      "report", "Reports computed from the history, as of any day");
  report->require_subcommand(1);
  struct Opts {
    std::string month, from, to, as_of, unit, format = "table", out;
    DocumentOpts doc;
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
                "your own unit)")
      ->transform(UnitCodeCase());
  c->add_option("--format", o->format,
                "table, json, csv, text-vi, text-en or html (a document to "
                "sign, see below)")
      ->check(
          CLI::IsMember({"table", "json", "csv", "text-vi", "text-en", "html"}))
      ->capture_default_str();
  c->add_option("--out", o->out, "Write to this file (default: stdout)");
  AddDocumentOptions(c, o->doc);
  c->callback([&ctx, o] {
    v1::PeriodReportRequest req;
    PeriodRange(o->month, o->from, o->to, req.mutable_from(), req.mutable_to());
    if (!o->as_of.empty()) {
      *req.mutable_as_of() = ParseDateOption("--as-of", o->as_of);
    }
    req.set_unit_code(o->unit);
    v1::PeriodReportResponse resp;
    if (!Call(ctx, &v1::ReportService::Stub::PeriodReport, req, &resp)) return;
    const std::string& f = ctx.json() ? std::string("json") : o->format;
    if (f == "json") {
      Emit(ctx, o->out, Json(resp));
    } else if (f == "csv") {
      Emit(ctx, o->out, client::PeriodCsv(resp));
    } else if (f == "text-vi") {
      Emit(ctx, o->out,
           client::PeriodText(resp, client::Language::kVietnamese));
    } else if (f == "text-en") {
      Emit(ctx, o->out, client::PeriodText(resp, client::Language::kEnglish));
    } else if (f == "html") {
      Emit(ctx, o->out,
           client::PeriodDocument(resp, Heading(o->doc), LanguageOf(o->doc)));
    } else {
      PrintPeriodTable(resp);
    }
  });

  {
    struct SessionOpts {
      std::string session;
      int64_t batch = 0;
      std::string as_of, unit, format = "table", out;
      DocumentOpts doc;
    };
    auto so = std::make_shared<SessionOpts>();
    auto* sc = report->add_subcommand(
        "session",
        "A session's petitions (or one batch's) per field and unit, with "
        "outcomes, roadmaps, carried-over and transferred items");
    auto* session = sc->add_option("--session", so->session,
                                   "Session: id or TERM-NUMBER (XV-7)");
    auto* batch = sc->add_option("--batch", so->batch, "Batch id");
    session->excludes(batch);
    sc->add_option("--as-of", so->as_of, "As of this day (default: today)")
        ->check(DateValidator());
    sc->add_option("--unit", so->unit, "This unit and the units under it")
        ->transform(UnitCodeCase());
    sc->add_option("--format", so->format,
                   "table, json, csv, text-vi, text-en or html (a document "
                   "to sign, see below)")
        ->check(CLI::IsMember(
            {"table", "json", "csv", "text-vi", "text-en", "html"}))
        ->capture_default_str();
    sc->add_option("--out", so->out, "Write to this file (default: stdout)");
    AddDocumentOptions(sc, so->doc);
    sc->callback([&ctx, so] {
      v1::SessionReportRequest req;
      if (so->batch != 0) {
        req.set_batch_id(so->batch);
      } else if (!so->session.empty()) {
        req.set_session_id(SessionIdOf(ctx, "--session", so->session));
      } else {
        throw CLI::ValidationError("--session", "give --session or --batch");
      }
      if (!so->as_of.empty()) {
        *req.mutable_as_of() = ParseDateOption("--as-of", so->as_of);
      }
      req.set_unit_code(so->unit);
      v1::SessionReportResponse resp;
      if (!Call(ctx, &v1::ReportService::Stub::SessionReport, req, &resp)) {
        return;
      }
      const std::string& f = ctx.json() ? std::string("json") : so->format;
      if (f == "json") {
        Emit(ctx, so->out, Json(resp));
      } else if (f == "csv") {
        Emit(ctx, so->out, client::SessionCsv(resp));
      } else if (f == "html") {
        Emit(ctx, so->out,
             client::SessionDocument(resp, Heading(so->doc),
                                     LanguageOf(so->doc)));
      } else if (f == "text-vi" || f == "text-en") {
        Emit(ctx, so->out,
             client::SessionText(resp, f == "text-en"
                                           ? client::Language::kEnglish
                                           : client::Language::kVietnamese));
      } else {
        PrintSessionTable(resp);
      }
    });
  }
  {
    struct TimelinessOpts {
      std::string month, from, to, as_of, unit, format = "table", out;
      DocumentOpts doc;
    };
    auto to = std::make_shared<TimelinessOpts>();
    auto* tc = report->add_subcommand(
        "timeliness",
        "Per unit and kind: answered on time, median and 90th-percentile days "
        "to answer, open overdue by age, extensions and transfers");
    auto* m = tc->add_option("--month", to->month, "The period, YYYY-MM");
    auto* f1 =
        tc->add_option("--from", to->from, "First day")->check(DateValidator());
    auto* f2 =
        tc->add_option("--to", to->to, "Last day")->check(DateValidator());
    m->excludes(f1)->excludes(f2);
    tc->add_option("--as-of", to->as_of, "As of this day (default: today)")
        ->check(DateValidator());
    tc->add_option("--unit", to->unit, "This unit and the units under it")
        ->transform(UnitCodeCase());
    tc->add_option("--format", to->format,
                   "table, json, csv, text-vi, text-en or html (a document "
                   "to sign, see below)")
        ->check(CLI::IsMember(
            {"table", "json", "csv", "text-vi", "text-en", "html"}))
        ->capture_default_str();
    tc->add_option("--out", to->out, "Write to this file (default: stdout)");
    AddDocumentOptions(tc, to->doc);
    tc->callback([&ctx, to] {
      v1::TimelinessReportRequest req;
      PeriodRange(to->month, to->from, to->to, req.mutable_from(),
                  req.mutable_to());
      if (!to->as_of.empty()) {
        *req.mutable_as_of() = ParseDateOption("--as-of", to->as_of);
      }
      req.set_unit_code(to->unit);
      v1::TimelinessReportResponse resp;
      if (!Call(ctx, &v1::ReportService::Stub::TimelinessReport, req, &resp)) {
        return;
      }
      const std::string& f = ctx.json() ? std::string("json") : to->format;
      if (f == "json") {
        Emit(ctx, to->out, Json(resp));
      } else if (f == "csv") {
        Emit(ctx, to->out, client::TimelinessCsv(resp));
      } else if (f == "html") {
        Emit(ctx, to->out,
             client::TimelinessDocument(resp, Heading(to->doc),
                                        LanguageOf(to->doc)));
      } else if (f == "text-vi" || f == "text-en") {
        Emit(ctx, to->out,
             client::TimelinessText(resp, f == "text-en"
                                              ? client::Language::kEnglish
                                              : client::Language::kVietnamese));
      } else {
        PrintTimelinessTable(resp);
      }
    });
  }
}

}  // namespace pqtrack::cli
