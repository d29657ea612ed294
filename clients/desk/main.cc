// pqtrack-desk: the thin client of department responders and leaders.
//
// Everything is scoped by the token's unit on the server; the desk computes
// nothing of the workflow (due dates, days left and timeliness come from
// ListInbox). Colour on a terminal, plain when piped, --json everywhere.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/cli.h"
#include "clients/common/command_line.h"
#include "google/protobuf/util/json_util.h"
#include "pqtrack/v1/calendar.grpc.pb.h"
#include "pqtrack/v1/item.grpc.pb.h"
#include "pqtrack/v1/workflow.grpc.pb.h"

namespace pqtrack::desk {
namespace {

using cli::Call;
using cli::Context;
using client::FormatDate;

struct DeskOptions {
  std::string colour = "auto";

  bool Colour() const {
    if (colour == "always") return true;
    if (colour == "never") return false;
    const char* no_color = std::getenv("NO_COLOR");
    return isatty(1) && (no_color == nullptr || *no_color == '\0');
  }
};

std::string Label(const google::protobuf::EnumDescriptor* d, int v) {
  return cli::EnumLabel(d, v);
}

// Red overdue, bold yellow due today, yellow due soon.
std::string ColourOf(v1::Timeliness t) {
  switch (t) {
    case v1::TIMELINESS_OVERDUE:
      return "31";
    case v1::TIMELINESS_DUE_TODAY:
      return "1;33";
    case v1::TIMELINESS_DUE_SOON:
      return "33";
    default:
      return "";
  }
}

std::string Json(const google::protobuf::Message& m) {
  return client::ToJson(m, /*pretty=*/false);
}

void AddInbox(CLI::App& app, Context& ctx, const DeskOptions& desk) {
  auto unit = std::make_shared<std::string>();
  auto* c = app.add_subcommand(
      "inbox",
      "My unit's open items (and its sub-units'), soonest due first: those "
      "it leads and those whose coordination it owes");
  c->add_option("--unit", *unit,
                "Another unit of your subtree (default: your own)")
      ->transform(cli::UnitCodeCase());
  struct Filters {
    bool approval = false, returned = false, overdue = false, soon = false;
    std::string role;
  };
  auto f = std::make_shared<Filters>();
  c->add_flag("--awaiting-approval", f->approval,
              "Only drafts submitted and awaiting the leader's approval");
  c->add_flag("--returned", f->returned,
              "Only items whose draft the leader returned for revision");
  c->add_flag("--overdue", f->overdue, "Only items past their due date");
  c->add_flag("--due-soon", f->soon,
              "Only items due today or within the ladder's DUE_SOON days");
  c->add_option("--role", f->role, "Only entries in this role")
      ->check(CLI::IsMember({"lead", "coordinating"}));
  c->callback([&ctx, &desk, unit, f] {
    v1::ListInboxRequest req;
    req.set_unit_code(*unit);
    if (f->approval) req.add_statuses(v1::ITEM_STATUS_PENDING_APPROVAL);
    req.set_returned(f->returned);
    if (f->overdue) req.add_timeliness(v1::TIMELINESS_OVERDUE);
    if (f->soon) {
      req.add_timeliness(v1::TIMELINESS_DUE_TODAY);
      req.add_timeliness(v1::TIMELINESS_DUE_SOON);
    }
    if (f->role == "lead") req.set_role(v1::INBOX_ROLE_LEAD);
    if (f->role == "coordinating") req.set_role(v1::INBOX_ROLE_COORDINATING);
    req.set_page_size(500);
    v1::ListInboxResponse resp;
    for (;;) {
      v1::ListInboxResponse page;
      if (!Call(ctx, &v1::WorkflowService::Stub::ListInbox, req, &page)) {
        return;
      }
      resp.mutable_entries()->MergeFrom(page.entries());
      resp.set_total(page.total());
      if (page.next_page_token().empty()) break;
      req.set_page_token(page.next_page_token());
    }
    if (ctx.json()) return client::PrintJson(std::cout, resp);
    const bool colour = desk.Colour();
    client::Table t({"ID", "KIND", "REF", "TITLE", "DUE", "LEFT", "TIMELINESS",
                     "ROLE", "STATUS"});
    t.SetMaxWidth(3, 50);
    for (const auto& e : resp.entries()) {
      const v1::Item& it = e.item();
      const bool due = e.due_on().year() != 0;
      t.AddRow({absl::StrCat(it.id()), cli::Kind(it.kind()), it.external_ref(),
                it.title(), FormatDate(e.due_on()),
                due ? absl::StrCat(e.days_left()) : "",
                Label(v1::Timeliness_descriptor(), e.timeliness()),
                absl::StrCat(
                    e.role() == v1::INBOX_ROLE_LEAD ? "lead" : "coordinating",
                    " (", e.unit_code(), ")"),
                it.returned() && e.role() == v1::INBOX_ROLE_LEAD
                    ? absl::StrCat(cli::Status(it.status()), " (returned)")
                    : cli::Status(it.status())},
               colour ? ColourOf(e.timeliness()) : "");
    }
    if (t.size() == 0) {
      std::cout << "nothing waits on your unit"
                << (resp.total() == 0 &&
                            (f->approval || f->returned || f->overdue ||
                             f->soon || !f->role.empty())
                        ? " under these filters"
                        : "")
                << "\n";
      return;
    }
    t.Print(std::cout);
  });
}

void AddShow(CLI::App& app, Context& ctx) {
  auto id = std::make_shared<int64_t>(0);
  auto* c = app.add_subcommand(
      "show",
      "One item: its text, sources, deadline explained, coordinating inputs, "
      "drafts and history");
  c->add_option("item", *id, "Item id")->required();
  c->callback([&ctx, id] {
    v1::GetItemRequest get;
    get.set_id(*id);
    v1::GetItemResponse item;
    if (!Call(ctx, &v1::ItemService::Stub::GetItem, get, &item)) return;
    v1::ExplainDeadlineRequest explain;
    explain.set_item_id(*id);
    v1::ExplainDeadlineResponse deadline;
    if (!Call(ctx, &v1::CalendarService::Stub::ExplainDeadline, explain,
              &deadline)) {
      return;
    }
    v1::ListDraftsRequest dreq;
    dreq.set_item_id(*id);
    v1::ListDraftsResponse drafts;
    if (!Call(ctx, &v1::WorkflowService::Stub::ListDrafts, dreq, &drafts)) {
      return;
    }
    v1::GetItemHistoryRequest hreq;
    hreq.set_id(*id);
    v1::GetItemHistoryResponse history;
    if (!Call(ctx, &v1::ItemService::Stub::GetItemHistory, hreq, &history)) {
      return;
    }
    if (ctx.json()) {
      std::cout << "{\"item\":" << Json(item.item())
                << ",\"deadline\":" << Json(deadline)
                << ",\"drafts\":" << Json(drafts)
                << ",\"history\":" << Json(history) << "}\n";
      return;
    }
    const v1::Item& it = item.item();
    cli::PrintItem(it);  // with its text and the answer sent
    if (it.all_delegations_size() > 0 || it.merged_item_ids_size() > 0) {
      std::cout << "\nsources: " << absl::StrJoin(it.all_delegations(), ", ");
      if (it.merged_item_ids_size() > 0) {
        std::cout << " (with merged items "
                  << absl::StrJoin(it.merged_item_ids(), ", ") << ")";
      }
      std::cout << "\n";
    }
    std::cout << "\ndeadline";
    if (!deadline.source().empty())
      std::cout << " (" << deadline.source() << ")";
    std::cout << ":\n";
    for (const auto& step : deadline.steps()) std::cout << "  " << step << "\n";
    if (deadline.calendar_incomplete()) {
      std::cout << "  (the calendar of that year is not complete yet)\n";
    }
    bool inputs = false;
    for (const auto& co : it.coordination()) {
      if (co.text().empty()) continue;
      if (!inputs) std::cout << "\ncoordinating inputs:\n";
      inputs = true;
      std::cout << "-- " << co.unit_code() << " ("
                << Label(v1::CoordinationState_descriptor(), co.state())
                << ")\n"
                << co.text() << "\n";
    }
    if (drafts.drafts_size() > 0) std::cout << "\ndrafts:\n";
    for (const auto& d : drafts.drafts()) {
      std::cout << "-- draft " << d.number() << " by " << d.author_login()
                << "\n"
                << d.text() << "\n";
    }
    std::cout << "\nhistory:\n";
    cli::PrintHistory(history);
  });
}

}  // namespace
}  // namespace pqtrack::desk

int main(int argc, char** argv) {
  pqtrack::cli::Context ctx;
  pqtrack::desk::DeskOptions desk;
  CLI::App app{
      "pqtrack-desk: the reply desk of department responders and leaders.\n\n"
      "A day's work: `inbox`, `show ITEM`, `draft ITEM` (from --file, --text "
      "or $EDITOR), `submit ITEM`; coordinating units `input ITEM`; leaders "
      "`approve ITEM` or `return ITEM --comment ...`; then `send ITEM ...`. "
      "`watch` prints your unit's alerts live.\n\nConnection: --server (or "
      "PQTRACK_SERVER, default 127.0.0.1:50051) and your token: --token, "
      "--token-file, PQTRACK_TOKEN or PQTRACK_TOKEN_FILE; a server speaking "
      "TLS: --tls-ca FILE (or PQTRACK_TLS_CA). What you see is your token's "
      "unit and the units under it.",
      "pqtrack-desk"};
  pqtrack::client::StandardCommandLine(app, "pqtrack-desk");
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  pqtrack::cli::AddConnectionOptions(app, ctx);
  app.add_flag_callback(
      "--json", [&ctx] { ctx.output = "json"; },
      "JSON output (same as -o json)");
  app.add_option("--color", desk.colour,
                 "Colour: auto (on a terminal, unless NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  pqtrack::desk::AddInbox(app, ctx, desk);
  pqtrack::desk::AddShow(app, ctx);
  pqtrack::cli::AddReplyCommands(&app, ctx);
  pqtrack::cli::AddWatchCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return pqtrack::client::ParseExit(app, e);
  }
  return ctx.exit_code;
}
