// pqtrack item assign|transfer|draft|drafts|input|submit|approve|return|
// send|withdraw|merge|unmerge|history|search|similar, pqtrack rule ..., and
// pqtrack audit verify.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "pqtrack/v1/admin.grpc.pb.h"
#include "pqtrack/v1/item.grpc.pb.h"
#include "pqtrack/v1/routing.grpc.pb.h"
#include "pqtrack/v1/workflow.grpc.pb.h"

namespace pqtrack::cli {
namespace {

using client::FormatDate;

// The item a workflow command acts on, and the version it expects.
struct Target {
  int64_t id = 0;
  int64_t version = 0;
};

void AddTarget(CLI::App* c, Target& t) {
  c->add_option("id", t.id, "Item id")->required();
  c->add_option("--version", t.version,
                "The item's version as you last saw it; a newer one on the "
                "server refuses the change (default: the current version)");
}

// Fills t.version from the server when it was not given.
bool ResolveVersion(Context& ctx, Target& t) {
  if (t.version > 0) return true;
  v1::GetItemRequest req;
  req.set_id(t.id);
  v1::GetItemResponse resp;
  if (!Call(ctx, &v1::ItemService::Stub::GetItem, req, &resp)) return false;
  t.version = resp.item().version();
  return true;
}

// Opens $VISUAL or $EDITOR (else vi) on a temporary file and returns what
// was saved.
std::string EditText() {
  const char* editor = std::getenv("VISUAL");
  if (editor == nullptr || *editor == '\0') editor = std::getenv("EDITOR");
  if (editor == nullptr || *editor == '\0') editor = "vi";
  const char* tmp = std::getenv("TMPDIR");
  std::string path = absl::StrCat(tmp ? tmp : "/tmp", "/pqtrack-XXXXXX.txt");
  const int fd = mkstemps(path.data(), 4);
  if (fd < 0) throw CLI::ValidationError("--text", "cannot make a temp file");
  close(fd);
  const std::string command = absl::StrCat(editor, " '", path, "'");
  const int rc = std::system(command.c_str());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::remove(path.c_str());
  if (rc != 0) {
    throw CLI::ValidationError(
        "--text", absl::StrCat(editor, " failed; pass --text or --file"));
  }
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// Text from --text or --file; with neither, on a terminal, from the editor.
std::string TextOf(const std::string& text, const std::string& file) {
  if (file.empty() && text.empty() && isatty(0) && isatty(1)) {
    return EditText();
  }
  if (file.empty()) return text;
  std::ifstream in(file);
  if (!in) throw CLI::ValidationError("--file", "cannot read " + file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void AddTextOptions(CLI::App* c, std::string& text, std::string& file,
                    const std::string& what) {
  auto* t = c->add_option("--text", text, what);
  auto* f = c->add_option("--file", file,
                          what +
                              ", read from a file (with neither, on a "
                              "terminal: $EDITOR)")
                ->check(CLI::ExistingFile);
  t->excludes(f);
}

// Runs one workflow rpc on `t` and prints the item's new state.
template <typename Req, typename Resp>
void Move(Context& ctx,
          grpc::Status (v1::WorkflowService::Stub::*method)(
              grpc::ClientContext*, const Req&, Resp*),
          Target t, Req req) {
  if (!ResolveVersion(ctx, t)) return;
  req.set_item_id(t.id);
  req.set_version(t.version);
  Resp resp;
  if (!Call(ctx, method, req, &resp)) return;
  if (ctx.json()) return client::PrintJson(std::cout, resp);
  std::cout << "item " << resp.item().id() << ": "
            << Status(resp.item().status()) << " (version "
            << resp.item().version() << ")\n";
}

const std::vector<std::string> kDetails = {"legal-document",
                                           "inspection",
                                           "implementation",
                                           "roadmap",
                                           "submitted-to-government",
                                           "lacking-resources",
                                           "other-in-resolution",
                                           "explanation",
                                           "information"};

v1::OutcomeDetail DetailFromName(const std::string& n) {
  for (size_t i = 0; i < kDetails.size(); ++i) {
    if (kDetails[i] == n) return static_cast<v1::OutcomeDetail>(i + 1);
  }
  return v1::OUTCOME_DETAIL_UNSPECIFIED;
}

void PrintRules(
    const google::protobuf::RepeatedPtrField<v1::RoutingRule>& rules) {
  client::Table t({"POS", "ID", "NAME", "CONDITIONS", "LEAD", "COORDINATING"});
  t.SetMaxWidth(3, 60);
  for (const auto& r : rules) {
    std::vector<std::string> cond;
    if (r.kind() != 0) cond.push_back("kind=" + Kind(r.kind()));
    if (!r.field().empty()) cond.push_back("field=" + r.field());
    for (const auto& w : r.words()) cond.push_back("word=" + w);
    if (!r.delegation().empty()) cond.push_back("delegation=" + r.delegation());
    if (!r.sender().empty()) cond.push_back("sender=" + r.sender());
    if (!r.addressee().empty()) cond.push_back("addressee=" + r.addressee());
    t.AddRow({absl::StrCat(r.position()), absl::StrCat(r.id()), r.name(),
              absl::StrJoin(cond, "; "), r.lead_unit_code(),
              absl::StrJoin(r.coordinating_unit_codes(), ", ")});
  }
  t.Print(std::cout);
}

void PrintSimilar(
    const google::protobuf::RepeatedPtrField<v1::SimilarItem>& s) {
  client::Table t({"ID", "SCORE", "STATUS", "TITLE"});
  t.SetMaxWidth(3, 70);
  for (const auto& it : s) {
    t.AddRow({absl::StrCat(it.id()), absl::StrFormat("%.2f", it.score()),
              Status(it.status()), it.title()});
  }
  t.Print(std::cout);
}

void AddRuleCommands(CLI::App& app, Context& ctx) {
  auto* rule = app.add_subcommand(
      "rule", "Routing rules: which units an item goes to (first match wins)");
  rule->require_subcommand(1);
  {
    struct Opts {
      std::string name, kind, field, delegation, sender, addressee, lead;
      std::vector<std::string> words, coord;
      int position = 0;
    };
    auto o = std::make_shared<Opts>();
    auto* c = rule->add_subcommand("create", "Add a rule (administrators)");
    c->add_option("--name", o->name, "Name")->required();
    c->add_option("--position", o->position,
                  "1-based position; later rules move down (default: last)");
    c->add_option("--kind", o->kind, "Only items of this kind")
        ->check(CLI::IsMember({"petition", "question", "document", "task"}));
    c->add_option("--field", o->field, "The petition's field equals this");
    c->add_option("--word", o->words,
                  "A word or phrase the title or text contains (repeatable; "
                  "diacritics do not matter)");
    c->add_option("--delegation", o->delegation,
                  "A delegation of the petition or question");
    c->add_option("--sender", o->sender,
                  "The document's sender or the task's authority");
    c->add_option("--addressee", o->addressee,
                  "The question's addressee contains this");
    c->add_option("--lead", o->lead, "Lead unit code")
        ->transform(UnitCodeCase())
        ->required();
    c->add_option("--coord", o->coord, "Coordinating unit code (repeatable)")
        ->transform(UnitCodeCase());
    c->callback([&ctx, o] {
      v1::CreateRuleRequest req;
      auto* r = req.mutable_rule();
      r->set_name(o->name);
      r->set_position(o->position);
      if (!o->kind.empty()) {
        const std::vector<std::string> kinds = {"petition", "question",
                                                "document", "task"};
        for (size_t i = 0; i < kinds.size(); ++i) {
          if (kinds[i] == o->kind)
            r->set_kind(static_cast<v1::ItemKind>(i + 1));
        }
      }
      r->set_field(o->field);
      for (const auto& w : o->words) r->add_words(w);
      r->set_delegation(o->delegation);
      r->set_sender(o->sender);
      r->set_addressee(o->addressee);
      r->set_lead_unit_code(o->lead);
      for (const auto& u : o->coord) r->add_coordinating_unit_codes(u);
      v1::CreateRuleResponse resp;
      if (!Call(ctx, &v1::RoutingService::Stub::CreateRule, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "rule " << resp.rule().id() << " created at position "
                << resp.rule().position() << "\n";
    });
  }
  {
    auto* c = rule->add_subcommand("list", "List the active rules in order");
    c->callback([&ctx] {
      v1::ListRulesResponse resp;
      if (!Call(ctx, &v1::RoutingService::Stub::ListRules,
                v1::ListRulesRequest(), &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      PrintRules(resp.rules());
    });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* c = rule->add_subcommand("delete", "Retire a rule (administrators)");
    c->add_option("id", *id, "Rule id")->required();
    c->callback([&ctx, id] {
      v1::DeleteRuleRequest req;
      req.set_id(*id);
      v1::DeleteRuleResponse resp;
      if (!Call(ctx, &v1::RoutingService::Stub::DeleteRule, req, &resp)) return;
      std::cout << "rule " << *id << " deleted\n";
    });
  }
  {
    struct Opts {
      std::string kind = "petition", title, body, field, delegation, sender,
                  addressee;
    };
    auto o = std::make_shared<Opts>();
    auto* c = rule->add_subcommand(
        "preview", "Show which rule would route an item, and why");
    c->add_option("--kind", o->kind, "Kind of item")
        ->check(CLI::IsMember({"petition", "question", "document", "task"}))
        ->capture_default_str();
    c->add_option("--title", o->title, "Title")->required();
    c->add_option("--body", o->body, "Text");
    c->add_option("--field", o->field, "Field (petitions)");
    c->add_option("--delegation", o->delegation, "Delegation");
    c->add_option("--sender", o->sender, "Sender (documents, tasks)");
    c->add_option("--addressee", o->addressee, "Addressee (questions)");
    c->callback([&ctx, o] {
      v1::PreviewRoutingRequest req;
      auto* it = req.mutable_item();
      it->set_title(o->title);
      it->set_body(o->body);
      if (o->kind == "petition") {
        it->set_kind(v1::ITEM_KIND_PETITION);
        it->mutable_petition()->set_field(o->field);
        if (!o->delegation.empty()) {
          it->mutable_petition()->add_delegations(o->delegation);
        }
      } else if (o->kind == "question") {
        it->set_kind(v1::ITEM_KIND_QUESTION);
        it->mutable_question()->set_delegation(o->delegation);
        it->mutable_question()->set_addressee(o->addressee);
      } else if (o->kind == "document") {
        it->set_kind(v1::ITEM_KIND_DOCUMENT);
        it->mutable_document()->set_sender(o->sender);
      } else {
        it->set_kind(v1::ITEM_KIND_TASK);
        it->mutable_task()->set_assigned_by(o->sender);
      }
      v1::PreviewRoutingResponse resp;
      if (!Call(ctx, &v1::RoutingService::Stub::PreviewRouting, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      if (!resp.matched()) {
        std::cout << "no rule matches: the item would wait in triage\n";
        return;
      }
      std::cout << "rule " << resp.rule().id() << " (\"" << resp.rule().name()
                << "\", position " << resp.rule().position() << ") -> lead "
                << resp.rule().lead_unit_code();
      if (resp.rule().coordinating_unit_codes_size() > 0) {
        std::cout << ", coordinating "
                  << absl::StrJoin(resp.rule().coordinating_unit_codes(), ", ");
      }
      std::cout << "\n";
      for (const auto& r : resp.reasons())
        std::cout << "  because " << r << "\n";
    });
  }
}

}  // namespace

void PrintHistory(const v1::GetItemHistoryResponse& history) {
  client::Table t({"EVENT", "TIME", "BY", "WHAT", "DETAIL"});
  t.SetMaxWidth(4, 80);
  for (const auto& e : history.events()) {
    t.AddRow({absl::StrCat(e.id()), client::FormatInstant(e.time(), true),
              e.actor_login(), e.kind(), e.detail_json()});
  }
  t.Print(std::cout);
}

void AddReplyCommands(CLI::App* item, Context& ctx) {
  {
    struct Opts : Target {
      std::string text, file;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand("draft",
                                   "Save a new draft of the reply (lead unit)");
    AddTarget(c, *o);
    AddTextOptions(c, o->text, o->file, "The draft");
    c->callback([&ctx, o] {
      v1::SaveDraftRequest req;
      req.set_text(TextOf(o->text, o->file));
      Move(ctx, &v1::WorkflowService::Stub::SaveDraft, *o, req);
    });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* c = item->add_subcommand("drafts", "List an item's draft versions");
    c->add_option("id", *id, "Item id")->required();
    c->callback([&ctx, id] {
      v1::ListDraftsRequest req;
      req.set_item_id(*id);
      v1::ListDraftsResponse resp;
      if (!Call(ctx, &v1::WorkflowService::Stub::ListDrafts, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      for (const auto& d : resp.drafts()) {
        std::cout << "-- draft " << d.number() << " by " << d.author_login()
                  << "\n"
                  << d.text() << "\n";
      }
    });
  }
  {
    struct Opts : Target {
      std::string text, file, unit;
      bool decline = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "input", "Give a coordinating unit's input (or --decline with why)");
    AddTarget(c, *o);
    AddTextOptions(c, o->text, o->file, "The input, or the reason to decline");
    c->add_option("--unit", o->unit,
                  "Which coordinating unit (when several are yours)")
        ->transform(UnitCodeCase());
    c->add_flag("--decline", o->decline, "Decline instead of giving input");
    c->callback([&ctx, o] {
      v1::SubmitCoordinationInputRequest req;
      req.set_text(TextOf(o->text, o->file));
      req.set_unit_code(o->unit);
      req.set_decline(o->decline);
      Move(ctx, &v1::WorkflowService::Stub::SubmitCoordinationInput, *o, req);
    });
  }
  {
    auto o = std::make_shared<Target>();
    auto* c = item->add_subcommand(
        "submit", "Submit the latest draft to the lead unit's leader");
    AddTarget(c, *o);
    c->callback([&ctx, o] {
      Move(ctx, &v1::WorkflowService::Stub::SubmitResponse, *o,
           v1::SubmitResponseRequest());
    });
  }
  {
    struct Opts : Target {
      std::string comment;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "approve", "Approve the submitted draft (the lead unit's leader)");
    AddTarget(c, *o);
    c->add_option("--comment", o->comment, "Optional comment");
    c->callback([&ctx, o] {
      v1::ApproveResponseRequest req;
      req.set_comment(o->comment);
      Move(ctx, &v1::WorkflowService::Stub::ApproveResponse, *o, req);
    });
  }
  {
    struct Opts : Target {
      std::string comment;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "return", "Return the submitted draft for revision (leader)");
    AddTarget(c, *o);
    c->add_option("--comment", o->comment, "What to revise")->required();
    c->callback([&ctx, o] {
      v1::ReturnResponseRequest req;
      req.set_comment(o->comment);
      Move(ctx, &v1::WorkflowService::Stub::ReturnResponse, *o, req);
    });
  }
  {
    struct Opts : Target {
      std::string document, signer, sent, text, file, outcome, detail, roadmap,
          expected;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand("send", "Send the approved answer");
    AddTarget(c, *o);
    c->add_option("--document", o->document, "The answer's document number")
        ->required();
    c->add_option("--signer", o->signer, "Who signed it")->required();
    c->add_option("--sent", o->sent, "Day sent, YYYY-MM-DD")
        ->required()
        ->check(DateValidator());
    auto* text = c->add_option("--text", o->text,
                               "The answer's text; by default the approved "
                               "draft's, and any other is refused");
    c->add_option("--file", o->file, "The answer's text, read from a file")
        ->check(CLI::ExistingFile)
        ->excludes(text);
    c->add_option("--outcome", o->outcome, "Outcome class")
        ->required()
        ->check(CLI::IsMember({"resolved", "in-resolution", "explained"}));
    c->add_option("--detail", o->detail, "Outcome sub-class")
        ->required()
        ->check(CLI::IsMember(kDetails));
    c->add_option("--roadmap", o->roadmap, "Roadmap (in-resolution only)");
    c->add_option("--expected", o->expected,
                  "Expected completion, YYYY-MM-DD (in-resolution only)")
        ->check(DateValidator());
    c->callback([&ctx, o] {
      v1::SendResponseRequest req;
      req.set_document_number(o->document);
      req.set_signer(o->signer);
      *req.mutable_sent_on() = ParseDateOption("--sent", o->sent);
      // Never the editor: without --text or --file the draft is sent.
      req.set_text(o->file.empty() ? o->text : TextOf(o->text, o->file));
      req.set_outcome(o->outcome == "resolved" ? v1::OUTCOME_RESOLVED
                      : o->outcome == "in-resolution"
                          ? v1::OUTCOME_IN_RESOLUTION
                          : v1::OUTCOME_EXPLAINED);
      req.set_outcome_detail(DetailFromName(o->detail));
      req.set_roadmap(o->roadmap);
      if (!o->expected.empty()) {
        *req.mutable_expected_completion() =
            ParseDateOption("--expected", o->expected);
      }
      Move(ctx, &v1::WorkflowService::Stub::SendResponse, *o, req);
    });
  }
}

void AddWorkflowCommands(CLI::App& app, Context& ctx) {
  CLI::App* item = app.get_subcommand("item");
  AddRuleCommands(app, ctx);

  {
    struct Opts : Target {
      std::string lead;
      std::vector<std::string> coord;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "assign", "Set the lead unit and the coordinating units");
    AddTarget(c, *o);
    c->add_option("--lead", o->lead, "Lead unit code")
        ->transform(UnitCodeCase())
        ->required();
    c->add_option("--coord", o->coord,
                  "Coordinating unit, CODE or CODE:YYYY-MM-DD with its "
                  "internal due date (repeatable; replaces the current ones)")
        ->transform(UnitCodeCase());
    c->callback([&ctx, o] {
      v1::AssignItemRequest req;
      req.set_lead_unit_code(o->lead);
      for (const std::string& spec : o->coord) {
        std::vector<std::string> parts = absl::StrSplit(spec, ':');
        auto* u = req.add_coordinating_units();
        u->set_unit_code(parts[0]);
        if (parts.size() > 1) {
          *u->mutable_due_on() = ParseDateOption("--coord", parts[1]);
        }
      }
      Move(ctx, &v1::WorkflowService::Stub::AssignItem, *o, req);
    });
  }
  {
    struct Opts : Target {
      std::string to, reason, clock = "continue";
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "transfer",
        "Hand over to another unit, or out to an external agency (closes it)");
    AddTarget(c, *o);
    c->add_option("--to", o->to, "Unit or external agency code")
        ->transform(UnitCodeCase())
        ->required();
    c->add_option("--reason", o->reason, "Why")->required();
    c->add_option("--clock", o->clock, "What happens to the legal clock")
        ->check(CLI::IsMember({"continue", "restart", "pause"}))
        ->capture_default_str();
    c->callback([&ctx, o] {
      v1::TransferItemRequest req;
      req.set_to_unit_code(o->to);
      req.set_reason(o->reason);
      req.set_clock(o->clock == "continue"  ? v1::CLOCK_RULE_CONTINUE
                    : o->clock == "restart" ? v1::CLOCK_RULE_RESTART
                                            : v1::CLOCK_RULE_PAUSE);
      Move(ctx, &v1::WorkflowService::Stub::TransferItem, *o, req);
    });
  }
  {
    struct Opts {
      ItemFilterOptions filter;
      std::string to;
      std::vector<int64_t> ids;
      std::vector<std::string> coord;
      bool dry_run = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "route",
        "Route many items at once: every unrouted (RECEIVED) item of a batch, "
        "a session or a filter, or the items named with --ids; by the routing "
        "rules, or to the units given with --to. Each item is assigned on its "
        "own (one refused does not stop the rest) and a run can be repeated "
        "safely. Prints what went where and why; exits 1 when any item was "
        "refused.");
    // The items item list selects (RECEIVED unless --status says otherwise).
    AddItemFilterOptions(c, &o->filter);
    c->add_option("--ids", o->ids,
                  "Exactly these items (repeatable, or comma-separated)")
        ->delimiter(',');
    auto* to = c->add_option("--to", o->to,
                             "Assign them all to this lead unit instead of "
                             "applying the rules")
                   ->transform(UnitCodeCase());
    c->add_option("--coord", o->coord,
                  "With --to: coordinating unit (repeatable)")
        ->transform(UnitCodeCase())
        ->needs(to);
    c->add_flag("--dry-run", o->dry_run,
                "Change nothing: print what would go where and why");
    c->callback([&ctx, o] {
      v1::RouteItemsRequest req;
      *req.mutable_filter() = ItemFilterRequest(ctx, o->filter);
      for (int64_t id : o->ids) req.add_item_ids(id);
      req.set_lead_unit_code(o->to);
      for (const std::string& u : o->coord) req.add_coordinating_unit_codes(u);
      req.set_dry_run(o->dry_run);
      v1::RouteItemsResponse all;
      for (;;) {
        v1::RouteItemsResponse resp;
        if (!Call(ctx, &v1::RoutingService::Stub::RouteItems, req, &resp)) {
          // What was done before the failure stays done; say so.
          if (all.results_size() > 0) {
            std::cerr << all.routed() << " item(s) were routed before the "
                      << "failure; run the command again to go on\n";
          }
          return;
        }
        all.mutable_results()->MergeFrom(resp.results());
        all.set_routed(all.routed() + resp.routed());
        all.set_no_rule(all.no_rule() + resp.no_rule());
        all.set_refused(all.refused() + resp.refused());
        if (resp.next_page_token().empty()) break;
        req.set_page_token(resp.next_page_token());
      }
      if (all.refused() > 0) ctx.exit_code = 1;
      if (ctx.json()) return client::PrintJson(std::cout, all);
      client::Table t({"ID", "RESULT", "LEAD", "COORDINATING", "WHY", "TITLE"});
      t.SetMaxWidth(4, 60);
      t.SetMaxWidth(5, 40);
      for (const auto& r : all.results()) {
        std::string why = r.error();
        if (r.outcome() == v1::RouteItemsResponse::OUTCOME_ROUTED) {
          why = r.rule_id() > 0
                    ? absl::StrCat("rule ", r.rule_id(), " \"", r.rule_name(),
                                   "\": ", absl::StrJoin(r.reasons(), "; "))
                    : "units given";
        } else if (r.outcome() == v1::RouteItemsResponse::OUTCOME_NO_RULE) {
          why = "no rule matches: stays in triage";
        }
        t.AddRow(
            {absl::StrCat(r.item_id()),
             client::EnumLabel(v1::RouteItemsResponse::Outcome_descriptor(),
                               r.outcome()),
             r.lead_unit_code(),
             absl::StrJoin(r.coordinating_unit_codes(), ", "), why, r.title()});
      }
      if (t.size() > 0) t.Print(std::cout);
      std::cout << (o->dry_run ? "dry run, nothing changed: would route "
                               : "routed ")
                << all.routed() << ", no rule " << all.no_rule() << ", refused "
                << all.refused() << "\n";
    });
  }
  AddReplyCommands(item, ctx);
  {
    struct Opts : Target {
      std::string reason;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand("withdraw",
                                   "Record that a question was "
                                   "withdrawn");
    AddTarget(c, *o);
    c->add_option("--reason", o->reason, "Why")->required();
    c->callback([&ctx, o] {
      v1::WithdrawItemRequest req;
      req.set_reason(o->reason);
      Move(ctx, &v1::WorkflowService::Stub::WithdrawItem, *o, req);
    });
  }
  {
    struct Opts {
      int64_t target = 0;
      std::vector<int64_t> duplicates;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "merge", "Fold duplicates into one item that keeps every source");
    c->add_option("target", o->target, "The item that stays")->required();
    c->add_option("duplicates", o->duplicates, "The duplicates")->required();
    c->callback([&ctx, o] {
      v1::MergeItemsRequest req;
      Target t{o->target, 0};
      if (!ResolveVersion(ctx, t)) return;
      req.set_target_id(t.id);
      req.set_target_version(t.version);
      for (int64_t id : o->duplicates) {
        Target d{id, 0};
        if (!ResolveVersion(ctx, d)) return;
        auto* v = req.add_duplicates();
        v->set_id(d.id);
        v->set_version(d.version);
      }
      v1::MergeItemsResponse resp;
      if (!Call(ctx, &v1::WorkflowService::Stub::MergeItems, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "item " << resp.item().id() << " now holds items "
                << absl::StrJoin(resp.item().merged_item_ids(), ", ") << "\n";
    });
  }
  {
    auto o = std::make_shared<Target>();
    auto* c = item->add_subcommand("unmerge",
                                   "Take a duplicate out of its "
                                   "merge");
    AddTarget(c, *o);
    c->callback([&ctx, o] {
      Move(ctx, &v1::WorkflowService::Stub::UnmergeItem, *o,
           v1::UnmergeItemRequest());
    });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* c = item->add_subcommand("history", "Every change to an item");
    c->add_option("id", *id, "Item id")->required();
    c->callback([&ctx, id] {
      v1::GetItemHistoryRequest req;
      req.set_id(*id);
      v1::GetItemHistoryResponse resp;
      if (!Call(ctx, &v1::ItemService::Stub::GetItemHistory, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      PrintHistory(resp);
    });
  }
  {
    struct Opts {
      std::string query, kind, lead, page_token, session;
      int page_size = 0;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "search",
        "Search by words of the title, text, field, delegation, deputy or "
        "sender, or by a reference (document number, source document, the "
        "sender's reference), diacritics-insensitive; an exact reference "
        "match comes first, marked \"=\"");
    c->add_option("query", o->query, "Words to find")->required();
    c->add_option("--kind", o->kind, "Only this kind")
        ->check(CLI::IsMember(KindNames()));
    c->add_option("--session", o->session,
                  "Only this session: id or TERM-NUMBER (XV-7)");
    c->add_option("--lead", o->lead, "Only items led by this unit or under it")
        ->transform(UnitCodeCase());
    c->add_option("--page-size", o->page_size, "Hits per page (default 50)");
    c->add_option("--page-token", o->page_token, "Continue a previous search");
    c->callback([&ctx, o] {
      v1::SearchItemsRequest req;
      req.set_query(o->query);
      req.mutable_filter()->set_kind(ItemKindFromName(o->kind));
      req.mutable_filter()->set_session_id(
          SessionIdOf(ctx, "--session", o->session));
      req.mutable_filter()->set_lead_unit_code(o->lead);
      req.set_page_size(o->page_size);
      req.set_page_token(o->page_token);
      v1::SearchItemsResponse resp;
      if (!Call(ctx, &v1::ItemService::Stub::SearchItems, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      if (resp.hits().empty()) {
        std::cout << "nothing found for \"" << o->query << "\"\n";
        return;
      }
      client::Table t(
          {"ID", "KIND", "STATUS", "DUE", "LEAD", "REFERENCE", "TITLE"});
      t.SetMaxWidth(5, 30);
      t.SetMaxWidth(6, 60);
      for (const auto& h : resp.hits()) {
        const v1::Item& it = h.item();
        std::string ref = it.external_ref();
        if (it.has_document()) ref = it.document().document_number();
        if (it.has_task()) ref = it.task().source_document();
        // An exact reference match is marked: it is the item asked for.
        if (h.exact_reference()) ref = "= " + ref;
        t.AddRow({absl::StrCat(it.id()), Kind(it.kind()), Status(it.status()),
                  FormatDate(it.due_on()), it.lead_unit_code(), ref,
                  it.title()});
      }
      t.Print(std::cout);
      if (!resp.next_page_token().empty()) {
        std::cerr << "more: --page-token " << resp.next_page_token() << "\n";
      }
    });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* c = item->add_subcommand(
        "similar", "Open items that look like this one (merge candidates)");
    c->add_option("id", *id, "Item id")->required();
    c->callback([&ctx, id] {
      v1::SuggestDuplicatesRequest req;
      req.set_item_id(*id);
      v1::SuggestDuplicatesResponse resp;
      if (!Call(ctx, &v1::ItemService::Stub::SuggestDuplicates, req, &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      PrintSimilar(resp.items());
    });
  }

  auto* audit = app.add_subcommand("audit", "The tamper-evident history");
  audit->require_subcommand(1);
  {
    auto* c = audit->add_subcommand(
        "verify", "Check the hash chain over every event (administrators)");
    c->callback([&ctx] {
      v1::VerifyAuditChainResponse resp;
      if (!Call(ctx, &v1::AdminService::Stub::VerifyAuditChain,
                v1::VerifyAuditChainRequest(), &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      if (resp.intact()) {
        std::cout << "audit chain intact: " << resp.events_checked()
                  << " events checked\n";
      } else {
        std::cout << "audit chain BROKEN at event "
                  << resp.first_broken_event_id() << ": " << resp.problem()
                  << " (" << resp.events_checked() << " events)\n";
        ctx.exit_code = 3;
      }
    });
  }
}

}  // namespace pqtrack::cli
