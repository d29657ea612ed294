// pqtrack item: record, show and list items.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/cli/cli.h"
#include "pqtrack/v1/item.grpc.pb.h"

namespace pqtrack::cli {
namespace {

using client::FormatDate;

// Options every kind of item takes.
struct CommonOpts {
  std::string title, body, body_file, received, due, ref, lead, request_id;
  std::string session;
  std::vector<std::string> coordinating;
};

void AddCommonOptions(CLI::App* c, CommonOpts& o) {
  c->add_option("--title", o.title, "Short title")->required();
  c->add_option("--body", o.body, "Full text");
  c->add_option("--body-file", o.body_file, "Read the full text from a file")
      ->check(CLI::ExistingFile);
  c->add_option("--received", o.received, "Day received, YYYY-MM-DD")
      ->required()
      ->check(DateValidator());
  c->add_option("--due", o.due, "Legal due date, YYYY-MM-DD")
      ->check(DateValidator());
  c->add_option("--ref", o.ref, "The sender's own reference");
  c->add_option("--lead", o.lead, "Lead unit code (chủ trì)")
      ->transform(UnitCodeCase());
  c->add_option("--coord", o.coordinating,
                "Coordinating unit code (phối hợp); repeat for several")
      ->transform(UnitCodeCase());
  c->add_option("--request-id", o.request_id,
                "Idempotency key: repeating a command with the same key "
                "records nothing new (default: a fresh key)");
}

// The --form values: written, floor, standing-committee.
v1::QuestionForm QuestionFormNamed(const std::string& form) {
  if (form == "written") return v1::QUESTION_FORM_WRITTEN;
  if (form == "floor") return v1::QUESTION_FORM_FLOOR_REDIRECTED;
  return v1::QUESTION_FORM_STANDING_COMMITTEE;
}

void FillCommon(const CommonOpts& o, int64_t session,
                v1::RecordItemRequest& req) {
  req.set_request_id(o.request_id.empty() ? NewRequestId() : o.request_id);
  v1::Item* it = req.mutable_item();
  it->set_title(o.title);
  std::string body = o.body;
  if (!o.body_file.empty()) {
    std::ifstream in(o.body_file);
    std::stringstream ss;
    ss << in.rdbuf();
    body = ss.str();
  }
  it->set_body(body);
  *it->mutable_received_on() = ParseDateOption("--received", o.received);
  if (!o.due.empty()) *it->mutable_due_on() = ParseDateOption("--due", o.due);
  it->set_external_ref(o.ref);
  it->set_session_id(session);
  it->set_lead_unit_code(o.lead);
  for (const std::string& c : o.coordinating)
    it->add_coordinating_unit_codes(c);
}

void Record(Context& ctx, v1::RecordItemRequest& req) {
  v1::RecordItemResponse resp;
  if (!Call(ctx, &v1::ItemService::Stub::RecordItem, req, &resp)) return;
  if (ctx.json()) return client::PrintJson(std::cout, resp);
  const v1::Item& it = resp.item();
  std::cout << "item " << it.id()
            << (resp.replayed() ? " was already recorded" : " recorded") << " ("
            << Kind(it.kind()) << ", " << Status(it.status()) << ")\n";
  if (it.routed_by_rule_id() != 0) {
    std::cout << "routed by rule " << it.routed_by_rule_id() << " to "
              << it.lead_unit_code();
    if (!it.coordinating_unit_codes().empty()) {
      std::cout << " with "
                << absl::StrJoin(it.coordinating_unit_codes(), ", ");
    }
    std::cout << ": " << absl::StrJoin(resp.routing_reasons(), "; ") << "\n";
  }
  for (const auto& s : resp.similar_items()) {
    std::cout << "similar: item " << s.id() << " (" << Status(s.status())
              << ", score " << static_cast<int>(s.score() * 100 + 0.5) << "%) "
              << s.title() << "\n";
  }
}

const std::vector<std::string> kStatusNames = {
    "received", "assigned",        "in-progress", "pending-approval",
    "answered", "transferred-out", "withdrawn",   "no-response-required",
    "duplicate"};
const std::vector<std::string> kKindNames = {"petition", "question", "document",
                                             "task"};

int IndexOf(const std::vector<std::string>& names, const std::string& n) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == n) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace

void AddItemFilterOptions(CLI::App* c, ItemFilterOptions* o) {
  c->add_option("--kind", o->kind, "Only this kind")
      ->check(CLI::IsMember(kKindNames));
  c->add_option("--session", o->session,
                "Only this session: its id or TERM-NUMBER (XV-7)");
  c->add_option("--batch", o->batch, "Only this batch id");
  c->add_option("--lead", o->lead, "Only items led by this unit or under it")
      ->transform(UnitCodeCase());
  c->add_option("--status", o->statuses, "Only these statuses (repeatable)")
      ->check(CLI::IsMember(kStatusNames));
  c->add_option("--received-from", o->received_from,
                "Received on or after, YYYY-MM-DD")
      ->check(DateValidator());
  c->add_option("--received-to", o->received_to,
                "Received on or before, YYYY-MM-DD")
      ->check(DateValidator());
  c->add_option("--due-before", o->due_before,
                "Due strictly before, YYYY-MM-DD")
      ->check(DateValidator());
}

v1::ListItemsRequest ItemFilterRequest(Context& ctx,
                                       const ItemFilterOptions& o) {
  v1::ListItemsRequest req;
  req.set_kind(ItemKindFromName(o.kind));
  req.set_session_id(SessionIdOf(ctx, "--session", o.session));
  req.set_batch_id(o.batch);
  req.set_lead_unit_code(o.lead);
  for (const auto& s : o.statuses) {
    req.add_statuses(static_cast<v1::ItemStatus>(IndexOf(kStatusNames, s)));
  }
  if (!o.received_from.empty()) {
    *req.mutable_received_from() =
        ParseDateOption("--received-from", o.received_from);
  }
  if (!o.received_to.empty()) {
    *req.mutable_received_to() =
        ParseDateOption("--received-to", o.received_to);
  }
  if (!o.due_before.empty()) {
    *req.mutable_due_before() = ParseDateOption("--due-before", o.due_before);
  }
  return req;
}

v1::ItemKind ItemKindFromName(const std::string& name) {
  return static_cast<v1::ItemKind>(IndexOf(kKindNames, name));
}

const std::vector<std::string>& KindNames() { return kKindNames; }

std::string Status(int s) { return EnumLabel(v1::ItemStatus_descriptor(), s); }
std::string Kind(int k) { return EnumLabel(v1::ItemKind_descriptor(), k); }

void PrintItem(const v1::Item& it) {
  std::vector<std::pair<std::string, std::string>> kv = {
      {"id", absl::StrCat(it.id())},
      {"kind", Kind(it.kind())},
      {"status", Status(it.status())},
      {"title", it.title()},
      {"reference", it.external_ref()},
      {"received", FormatDate(it.received_on())},
      {"due", FormatDate(it.due_on())},
      {"session", it.session_id() ? absl::StrCat(it.session_id()) : ""},
      {"lead unit", it.lead_unit_code()},
      {"coordinating", absl::StrJoin(it.coordinating_unit_codes(), ", ")},
      {"version", absl::StrCat(it.version())},
      {"follow-up on", FormatDate(it.follow_up_on())},
      {"approved", it.approved() ? "yes (ready to send)" : ""},
      {"drafts", it.draft_count() ? absl::StrCat(it.draft_count()) : ""},
      {"transferred to", it.transferred_to_code()},
      {"merged into", it.merged_into() ? absl::StrCat(it.merged_into()) : ""},
      {"merged items", absl::StrJoin(it.merged_item_ids(), ", ")},
      {"routed by rule",
       it.routed_by_rule_id() ? absl::StrCat(it.routed_by_rule_id()) : ""},
  };
  switch (it.details_case()) {
    case v1::Item::kPetition:
      kv.push_back({"batch", absl::StrCat(it.petition().batch_id())});
      kv.push_back(
          {"delegations", absl::StrJoin(it.petition().delegations(), ", ")});
      kv.push_back({"field", it.petition().field()});
      break;
    case v1::Item::kQuestion:
      kv.push_back({"deputy", it.question().deputy_name()});
      kv.push_back({"delegation", it.question().delegation()});
      kv.push_back({"addressee", it.question().addressee()});
      kv.push_back({"form", EnumLabel(v1::QuestionForm_descriptor(),
                                      it.question().form())});
      kv.push_back({"asked", FormatDate(it.question().asked_on())});
      break;
    case v1::Item::kDocument:
      kv.push_back({"sender", it.document().sender()});
      kv.push_back({"document", it.document().document_number()});
      kv.push_back({"dated", FormatDate(it.document().document_date())});
      kv.push_back(
          {"needs reply", it.document().requires_response() ? "yes" : "no"});
      break;
    case v1::Item::kTask:
      kv.push_back({"assigned by", it.task().assigned_by()});
      kv.push_back({"source", it.task().source_document()});
      kv.push_back({"source date", FormatDate(it.task().source_date())});
      break;
    case v1::Item::DETAILS_NOT_SET:
      break;
  }
  client::PrintFields(std::cout, kv);
  if (it.coordination_size() > 0) {
    std::cout << "\n";
    client::Table t({"COORDINATING", "DUE", "STATE", "INPUT"});
    t.SetMaxWidth(3, 60);
    for (const auto& c : it.coordination()) {
      t.AddRow({c.unit_code(), FormatDate(c.due_on()),
                EnumLabel(v1::CoordinationState_descriptor(), c.state()),
                c.text()});
    }
    t.Print(std::cout);
  }
  if (!it.body().empty()) std::cout << "\n" << it.body() << "\n";
  if (it.has_answer()) {
    const v1::SentAnswer& a = it.answer();
    std::cout << "\nanswer sent:\n";
    client::PrintFields(
        std::cout,
        {{"document", a.document_number()},
         {"signer", a.signer()},
         {"sent on", FormatDate(a.sent_on())},
         {"outcome",
          absl::StrCat(
              EnumLabel(v1::Outcome_descriptor(), a.outcome()), " (",
              EnumLabel(v1::OutcomeDetail_descriptor(), a.outcome_detail()),
              ")")},
         {"roadmap", a.roadmap()},
         {"expected", FormatDate(a.expected_completion())},
         {"from draft", a.draft_number() ? absl::StrCat(a.draft_number()) : ""},
         {"recorded", absl::StrCat(a.sender_login(), " ",
                                   client::FormatInstant(a.record_time()))}});
    std::cout << "\n" << a.text() << "\n";
  }
}

void AddItemCommands(CLI::App& app, Context& ctx) {
  auto* item =
      app.add_subcommand("item", "Petitions, questions, documents, tasks");
  item->require_subcommand(1);
  auto* record = item->add_subcommand("record", "Record a new item");
  record->require_subcommand(1);
  {
    struct Opts : CommonOpts {
      int64_t batch = 0;
      std::vector<std::string> delegations;
      std::string field;
    };
    auto o = std::make_shared<Opts>();
    auto* c = record->add_subcommand("petition", "A voter petition of a batch");
    AddCommonOptions(c, *o);
    c->add_option("--batch", o->batch, "Batch id")->required();
    c->add_option("--delegation", o->delegations,
                  "Delegation (province) that raised it; repeat for several")
        ->required();
    c->add_option("--field", o->field, "Field (lĩnh vực)")->required();
    c->add_option("--session", o->session,
                  "Session: id or TERM-NUMBER (default: the batch's)");
    c->callback([&ctx, o] {
      v1::RecordItemRequest req;
      FillCommon(*o, SessionIdOf(ctx, "--session", o->session), req);
      req.mutable_item()->set_kind(v1::ITEM_KIND_PETITION);
      auto* p = req.mutable_item()->mutable_petition();
      p->set_batch_id(o->batch);
      for (const auto& d : o->delegations) p->add_delegations(d);
      p->set_field(o->field);
      Record(ctx, req);
    });
  }
  {
    struct Opts : CommonOpts {
      std::string deputy, delegation, addressee, form = "written", asked;
    };
    auto o = std::make_shared<Opts>();
    auto* c = record->add_subcommand("question", "A deputy's question");
    AddCommonOptions(c, *o);
    c->add_option("--session", o->session, "Session: id or TERM-NUMBER (XV-7)")
        ->required();
    c->add_option("--deputy", o->deputy, "Asking deputy")->required();
    c->add_option("--delegation", o->delegation, "The deputy's delegation")
        ->required();
    c->add_option("--addressee", o->addressee, "To whom it is addressed")
        ->required();
    c->add_option("--form", o->form, "How it was asked")
        ->check(CLI::IsMember({"written", "floor", "standing-committee"}))
        ->capture_default_str();
    c->add_option("--asked", o->asked, "Day asked, YYYY-MM-DD")
        ->required()
        ->check(DateValidator());
    c->callback([&ctx, o] {
      v1::RecordItemRequest req;
      FillCommon(*o, SessionIdOf(ctx, "--session", o->session), req);
      req.mutable_item()->set_kind(v1::ITEM_KIND_QUESTION);
      auto* q = req.mutable_item()->mutable_question();
      q->set_deputy_name(o->deputy);
      q->set_delegation(o->delegation);
      q->set_addressee(o->addressee);
      q->set_form(QuestionFormNamed(o->form));
      *q->mutable_asked_on() = ParseDateOption("--asked", o->asked);
      Record(ctx, req);
    });
  }
  {
    struct Opts : CommonOpts {
      std::string sender, number, dated;
      bool no_response = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c =
        record->add_subcommand("document", "An incoming official document");
    AddCommonOptions(c, *o);
    c->add_option("--session", o->session,
                  "Session, if any: id or TERM-NUMBER (XV-7)");
    c->add_option("--sender", o->sender, "Sending agency")->required();
    c->add_option("--number", o->number, "Document number")->required();
    c->add_option("--dated", o->dated, "Date on the document, YYYY-MM-DD")
        ->required()
        ->check(DateValidator());
    c->add_flag("--no-response", o->no_response,
                "The document needs no reply (recorded for the register)");
    c->callback([&ctx, o] {
      v1::RecordItemRequest req;
      FillCommon(*o, SessionIdOf(ctx, "--session", o->session), req);
      req.mutable_item()->set_kind(v1::ITEM_KIND_DOCUMENT);
      auto* d = req.mutable_item()->mutable_document();
      d->set_sender(o->sender);
      d->set_document_number(o->number);
      *d->mutable_document_date() = ParseDateOption("--dated", o->dated);
      d->set_requires_response(!o->no_response);
      Record(ctx, req);
    });
  }
  {
    struct Opts : CommonOpts {
      std::string assigned_by, source, source_date;
    };
    auto o = std::make_shared<Opts>();
    auto* c = record->add_subcommand("task", "A task assigned by an authority");
    AddCommonOptions(c, *o);
    c->add_option("--session", o->session,
                  "Session, if any: id or TERM-NUMBER (XV-7)");
    c->add_option("--assigned-by", o->assigned_by, "Assigning authority")
        ->required();
    c->add_option("--source-document", o->source,
                  "Number of the assigning document")
        ->required();
    c->add_option("--source-date", o->source_date,
                  "Date of that document, YYYY-MM-DD")
        ->check(DateValidator());
    c->callback([&ctx, o] {
      v1::RecordItemRequest req;
      FillCommon(*o, SessionIdOf(ctx, "--session", o->session), req);
      req.mutable_item()->set_kind(v1::ITEM_KIND_TASK);
      auto* t = req.mutable_item()->mutable_task();
      t->set_assigned_by(o->assigned_by);
      t->set_source_document(o->source);
      if (!o->source_date.empty()) {
        *t->mutable_source_date() =
            ParseDateOption("--source-date", o->source_date);
      }
      Record(ctx, req);
    });
  }
  {
    struct Opts {
      int64_t id = 0, version = 0;
      std::string reason, title, body, body_file, received, due, ref, field,
          deputy, addressee, form, asked, sender, number, dated, assigned_by,
          source, source_date;
      std::vector<std::string> delegations;
      bool clear_due = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "update",
        "Correct an item's recorded fields, with a reason (liaison). Only the "
        "options given change. A due date the deadline rule gave follows a "
        "corrected date; one given or extended stays unless --due or "
        "--clear-due says otherwise.");
    c->add_option("id", o->id, "Item id")->required();
    c->add_option("--reason", o->reason,
                  "Why it is corrected (kept in history)")
        ->required();
    c->add_option("--version", o->version,
                  "The item's version as you last saw it (default: current)");
    c->add_option("--title", o->title, "Short title");
    auto* body = c->add_option("--body", o->body, "Full text");
    c->add_option("--body-file", o->body_file, "Full text, read from a file")
        ->check(CLI::ExistingFile)
        ->excludes(body);
    c->add_option("--received", o->received, "Day received, YYYY-MM-DD")
        ->check(DateValidator());
    auto* due = c->add_option("--due", o->due, "Legal due date, YYYY-MM-DD")
                    ->check(DateValidator());
    c->add_flag("--clear-due", o->clear_due,
                "Drop a given due date: the deadline rule computes it")
        ->excludes(due);
    c->add_option("--ref", o->ref, "The sender's own reference");
    c->add_option("--delegation", o->delegations,
                  "Petitions: the delegations (repeat for several; replaces "
                  "them all). Questions: the deputy's delegation");
    c->add_option("--field", o->field, "Petitions: field (lĩnh vực)");
    c->add_option("--deputy", o->deputy, "Questions: the asking deputy");
    c->add_option("--addressee", o->addressee, "Questions: to whom");
    c->add_option("--form", o->form, "Questions: how it was asked")
        ->check(CLI::IsMember({"written", "floor", "standing-committee"}));
    c->add_option("--asked", o->asked, "Questions: day asked, YYYY-MM-DD")
        ->check(DateValidator());
    c->add_option("--sender", o->sender, "Documents: sending agency");
    c->add_option("--number", o->number, "Documents: document number");
    c->add_option("--dated", o->dated, "Documents: date on it, YYYY-MM-DD")
        ->check(DateValidator());
    c->add_option("--assigned-by", o->assigned_by, "Tasks: the authority");
    c->add_option("--source-document", o->source,
                  "Tasks: number of the assigning document");
    c->add_option("--source-date", o->source_date,
                  "Tasks: date of that document, YYYY-MM-DD")
        ->check(DateValidator());
    c->callback([&ctx, o, c] {
      v1::GetItemRequest get;
      get.set_id(o->id);
      v1::GetItemResponse current;
      if (!Call(ctx, &v1::ItemService::Stub::GetItem, get, &current)) return;
      const v1::Item& was = current.item();
      v1::UpdateItemRequest req;
      req.set_id(o->id);
      req.set_version(o->version > 0 ? o->version : was.version());
      req.set_reason(o->reason);
      v1::Item* it = req.mutable_item();
      auto* mask = req.mutable_update_mask();
      const auto given = [&](const char* option) {
        return c->count(option) > 0;
      };
      // An option of another kind of item is a usage error.
      const auto only = [&](const char* option, v1::ItemKind kind) {
        if (!given(option)) return false;
        if (was.kind() != kind) {
          throw CLI::ValidationError(
              option, absl::StrCat("is for a ", Kind(kind), "; item ", o->id,
                                   " is a ", Kind(was.kind())));
        }
        return true;
      };
      if (given("--title")) {
        it->set_title(o->title);
        mask->add_paths("title");
      }
      if (given("--body") || given("--body-file")) {
        std::string text = o->body;
        if (!o->body_file.empty()) {
          std::ifstream in(o->body_file);
          std::stringstream ss;
          ss << in.rdbuf();
          text = ss.str();
        }
        it->set_body(text);
        mask->add_paths("body");
      }
      if (given("--received")) {
        *it->mutable_received_on() = ParseDateOption("--received", o->received);
        mask->add_paths("received_on");
      }
      if (given("--due"))
        *it->mutable_due_on() = ParseDateOption("--due", o->due);
      if (given("--due") || o->clear_due) mask->add_paths("due_on");
      if (given("--ref")) {
        it->set_external_ref(o->ref);
        mask->add_paths("external_ref");
      }
      if (given("--delegation") && was.kind() == v1::ITEM_KIND_QUESTION) {
        if (o->delegations.size() != 1) {
          throw CLI::ValidationError("--delegation",
                                     "a question has one delegation");
        }
        it->mutable_question()->set_delegation(o->delegations[0]);
        mask->add_paths("question.delegation");
      } else if (only("--delegation", v1::ITEM_KIND_PETITION)) {
        for (const auto& d : o->delegations) {
          it->mutable_petition()->add_delegations(d);
        }
        mask->add_paths("petition.delegations");
      }
      if (only("--field", v1::ITEM_KIND_PETITION)) {
        it->mutable_petition()->set_field(o->field);
        mask->add_paths("petition.field");
      }
      if (only("--deputy", v1::ITEM_KIND_QUESTION)) {
        it->mutable_question()->set_deputy_name(o->deputy);
        mask->add_paths("question.deputy_name");
      }
      if (only("--addressee", v1::ITEM_KIND_QUESTION)) {
        it->mutable_question()->set_addressee(o->addressee);
        mask->add_paths("question.addressee");
      }
      if (only("--form", v1::ITEM_KIND_QUESTION)) {
        it->mutable_question()->set_form(QuestionFormNamed(o->form));
        mask->add_paths("question.form");
      }
      if (only("--asked", v1::ITEM_KIND_QUESTION)) {
        *it->mutable_question()->mutable_asked_on() =
            ParseDateOption("--asked", o->asked);
        mask->add_paths("question.asked_on");
      }
      if (only("--sender", v1::ITEM_KIND_DOCUMENT)) {
        it->mutable_document()->set_sender(o->sender);
        mask->add_paths("document.sender");
      }
      if (only("--number", v1::ITEM_KIND_DOCUMENT)) {
        it->mutable_document()->set_document_number(o->number);
        mask->add_paths("document.document_number");
      }
      if (only("--dated", v1::ITEM_KIND_DOCUMENT)) {
        *it->mutable_document()->mutable_document_date() =
            ParseDateOption("--dated", o->dated);
        mask->add_paths("document.document_date");
      }
      if (only("--assigned-by", v1::ITEM_KIND_TASK)) {
        it->mutable_task()->set_assigned_by(o->assigned_by);
        mask->add_paths("task.assigned_by");
      }
      if (only("--source-document", v1::ITEM_KIND_TASK)) {
        it->mutable_task()->set_source_document(o->source);
        mask->add_paths("task.source_document");
      }
      if (only("--source-date", v1::ITEM_KIND_TASK)) {
        *it->mutable_task()->mutable_source_date() =
            ParseDateOption("--source-date", o->source_date);
        mask->add_paths("task.source_date");
      }
      if (mask->paths().empty()) {
        throw CLI::ValidationError("item update",
                                   "give at least one field to correct");
      }
      v1::UpdateItemResponse resp;
      if (!Call(ctx, &v1::ItemService::Stub::UpdateItem, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      std::cout << "item " << resp.item().id() << " corrected ("
                << absl::StrJoin(req.update_mask().paths(), ", ")
                << "), version " << resp.item().version() << "\n";
      PrintItem(resp.item());
    });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* c = item->add_subcommand("get", "Show one item");
    c->add_option("id", *id, "Item id")->required();
    c->callback([&ctx, id] {
      v1::GetItemRequest req;
      req.set_id(*id);
      v1::GetItemResponse resp;
      if (!Call(ctx, &v1::ItemService::Stub::GetItem, req, &resp)) return;
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      PrintItem(resp.item());
    });
  }
  {
    struct Opts {
      ItemFilterOptions filter;
      std::string page_token;
      int page_size = 0;
      bool all = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand("list", "List items, newest first");
    AddItemFilterOptions(c, &o->filter);
    c->add_option("--page-size", o->page_size,
                  "Items per page (1-500, default 50)");
    c->add_option("--page-token", o->page_token,
                  "Continue from a previous page");
    c->add_flag("--all", o->all, "Fetch every page");
    c->callback([&ctx, o] {
      v1::ListItemsRequest req = ItemFilterRequest(ctx, o->filter);
      req.set_page_size(o->page_size);
      req.set_page_token(o->page_token);
      v1::ListItemsResponse all;
      for (;;) {
        v1::ListItemsResponse resp;
        if (!Call(ctx, &v1::ItemService::Stub::ListItems, req, &resp)) return;
        all.mutable_items()->MergeFrom(resp.items());
        all.set_next_page_token(resp.next_page_token());
        if (!o->all || resp.next_page_token().empty()) break;
        req.set_page_token(resp.next_page_token());
      }
      if (ctx.json()) return client::PrintJson(std::cout, all);
      client::Table t(
          {"ID", "KIND", "STATUS", "RECEIVED", "DUE", "LEAD", "REF", "TITLE"});
      t.SetMaxWidth(7, 60);
      for (const auto& it : all.items()) {
        t.AddRow({absl::StrCat(it.id()), Kind(it.kind()), Status(it.status()),
                  FormatDate(it.received_on()), FormatDate(it.due_on()),
                  it.lead_unit_code(), it.external_ref(), it.title()});
      }
      t.Print(std::cout);
      if (!all.next_page_token().empty()) {
        std::cerr << "more: --page-token " << all.next_page_token() << "\n";
      }
    });
  }
}

}  // namespace pqtrack::cli
