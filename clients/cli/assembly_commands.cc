// pqtrack term|session|batch: the National Assembly calendar.
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "clients/cli/cli.h"
#include "pqtrack/v1/assembly.grpc.pb.h"

namespace pqtrack::cli {
namespace {

using client::FormatDate;

void PrintSessions(Context& ctx, const v1::ListSessionsResponse& resp) {
  if (ctx.json()) return client::PrintJson(std::cout, resp);
  client::Table t({"ID", "TERM", "KIND", "NO", "OPENS", "CLOSES", "NOTE"});
  for (const auto& s : resp.sessions()) {
    t.AddRow({absl::StrCat(s.id()), s.term_code(),
              EnumLabel(v1::SessionKind_descriptor(), s.kind()),
              absl::StrCat(s.number()), FormatDate(s.opens_on()),
              FormatDate(s.closes_on()), s.note()});
  }
  t.Print(std::cout);
}

void PrintBatches(Context& ctx, const v1::ListBatchesResponse& resp) {
  if (ctx.json()) return client::PrintJson(std::cout, resp);
  client::Table t(
      {"ID", "SESSION", "PHASE", "RECEIVED", "FROM", "DOCUMENT", "ITEMS"});
  for (const auto& b : resp.batches()) {
    t.AddRow({absl::StrCat(b.id()), absl::StrCat(b.session_id()),
              EnumLabel(v1::BatchPhase_descriptor(), b.phase()),
              FormatDate(b.received_on()), b.forwarding_body(),
              b.document_number(), absl::StrCat(b.item_count())});
  }
  t.Print(std::cout);
}

}  // namespace

void AddAssemblyCommands(CLI::App& app, Context& ctx) {
  // ---- term ----
  auto* term = app.add_subcommand("term", "National Assembly terms (khóa)");
  term->require_subcommand(1);
  {
    auto t = std::make_shared<v1::Term>();
    auto code = std::make_shared<std::string>();
    auto* c = term->add_subcommand("create", "Create a term");
    c->add_option("--code", *code, "Roman-numeral code, e.g. XV")->required();
    auto number = std::make_shared<int>(0), start = std::make_shared<int>(0),
         end = std::make_shared<int>(0);
    c->add_option("--number", *number, "Ordinal, e.g. 15")->required();
    c->add_option("--start-year", *start, "First year, e.g. 2021")->required();
    c->add_option("--end-year", *end, "Last year, e.g. 2026")->required();
    c->callback([&ctx, code, number, start, end] {
      v1::CreateTermRequest req;
      req.mutable_term()->set_code(*code);
      req.mutable_term()->set_number(*number);
      req.mutable_term()->set_start_year(*start);
      req.mutable_term()->set_end_year(*end);
      v1::CreateTermResponse resp;
      if (!Call(ctx, &v1::AssemblyService::Stub::CreateTerm, req, &resp))
        return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "term " << resp.term().code() << " created (id "
                << resp.term().id() << ")\n";
    });
  }
  {
    auto* c = term->add_subcommand("list", "List terms");
    c->callback([&ctx] {
      v1::ListTermsResponse resp;
      if (!Call(ctx, &v1::AssemblyService::Stub::ListTerms,
                v1::ListTermsRequest(), &resp))
        return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      client::Table t({"ID", "CODE", "NUMBER", "YEARS"});
      for (const auto& term : resp.terms()) {
        t.AddRow({absl::StrCat(term.id()), term.code(),
                  absl::StrCat(term.number()),
                  absl::StrCat(term.start_year(), "-", term.end_year())});
      }
      t.Print(std::cout);
    });
  }

  // ---- session ----
  auto* session = app.add_subcommand("session", "Sessions (kỳ họp) of a term");
  session->require_subcommand(1);
  {
    struct Opts {
      std::string term, kind = "regular", opens, closes, note;
      int number = 0;
    };
    auto o = std::make_shared<Opts>();
    auto* c = session->add_subcommand("create", "Create a session");
    c->add_option("--term", o->term, "Term code, e.g. XV")->required();
    c->add_option("--number", o->number, "Session number")->required();
    c->add_option("--kind", o->kind, "regular or extraordinary")
        ->check(CLI::IsMember({"regular", "extraordinary"}))
        ->capture_default_str();
    c->add_option("--opens", o->opens, "Opening day, YYYY-MM-DD")
        ->required()
        ->check(DateValidator());
    c->add_option("--closes", o->closes, "Closing day, YYYY-MM-DD")
        ->required()
        ->check(DateValidator());
    c->add_option("--note", o->note, "Free note");
    c->callback([&ctx, o] {
      v1::CreateSessionRequest req;
      req.set_term_code(o->term);
      req.set_number(o->number);
      req.set_kind(o->kind == "regular" ? v1::SESSION_KIND_REGULAR
                                        : v1::SESSION_KIND_EXTRAORDINARY);
      *req.mutable_opens_on() = ParseDateOption("--opens", o->opens);
      *req.mutable_closes_on() = ParseDateOption("--closes", o->closes);
      req.set_note(o->note);
      v1::CreateSessionResponse resp;
      if (!Call(ctx, &v1::AssemblyService::Stub::CreateSession, req, &resp))
        return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "session " << resp.session().id() << " created: term "
                << resp.session().term_code() << ", "
                << EnumLabel(v1::SessionKind_descriptor(),
                             resp.session().kind())
                << " session " << resp.session().number() << "\n";
    });
  }
  {
    auto term_code = std::make_shared<std::string>();
    auto* c = session->add_subcommand("list", "List sessions");
    c->add_option("--term", *term_code, "Only this term");
    c->callback([&ctx, term_code] {
      v1::ListSessionsRequest req;
      req.set_term_code(*term_code);
      v1::ListSessionsResponse resp;
      if (!Call(ctx, &v1::AssemblyService::Stub::ListSessions, req, &resp))
        return;
      PrintSessions(ctx, resp);
    });
  }

  // ---- batch ----
  auto* batch =
      app.add_subcommand("batch", "Batches of voter petitions for a session");
  batch->require_subcommand(1);
  {
    struct Opts {
      std::string session, phase, from, number, received, note;
    };
    auto o = std::make_shared<Opts>();
    auto* c = batch->add_subcommand("create", "Record a batch");
    c->add_option("--session", o->session, "Session: id or TERM-NUMBER (XV-7)")
        ->required();
    c->add_option("--phase", o->phase, "before or after the session")
        ->required()
        ->check(CLI::IsMember({"before", "after"}));
    c->add_option("--from", o->from, "Forwarding body")->required();
    c->add_option("--document", o->number, "Its document number")->required();
    c->add_option("--received", o->received, "Day received, YYYY-MM-DD")
        ->required()
        ->check(DateValidator());
    c->add_option("--note", o->note, "Free note");
    c->callback([&ctx, o] {
      v1::CreateBatchRequest req;
      req.set_session_id(SessionIdOf(ctx, "--session", o->session));
      req.set_phase(o->phase == "before" ? v1::BATCH_PHASE_BEFORE_SESSION
                                         : v1::BATCH_PHASE_AFTER_SESSION);
      req.set_forwarding_body(o->from);
      req.set_document_number(o->number);
      *req.mutable_received_on() = ParseDateOption("--received", o->received);
      req.set_note(o->note);
      v1::CreateBatchResponse resp;
      if (!Call(ctx, &v1::AssemblyService::Stub::CreateBatch, req, &resp))
        return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "batch " << resp.batch().id() << " created\n";
    });
  }
  {
    auto session = std::make_shared<std::string>();
    auto* c = batch->add_subcommand("list", "List batches");
    c->add_option("--session", *session,
                  "Only this session: id or TERM-NUMBER (XV-7)");
    c->callback([&ctx, session] {
      v1::ListBatchesRequest req;
      req.set_session_id(SessionIdOf(ctx, "--session", *session));
      v1::ListBatchesResponse resp;
      if (!Call(ctx, &v1::AssemblyService::Stub::ListBatches, req, &resp))
        return;
      PrintBatches(ctx, resp);
    });
  }
}

}  // namespace pqtrack::cli
