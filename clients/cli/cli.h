// Provides the shared state of the pqtrack CLI commands and the helpers they
// use: the lazily opened connection, the chosen output format, enum names as
// typed on the command line, and the function each command group uses to
// register itself.
#ifndef PQTRACK_CLIENTS_CLI_CLI_H_
#define PQTRACK_CLIENTS_CLI_CLI_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/common/connection.h"
#include "clients/common/output.h"
#include "pqtrack/v1/common.pb.h"
#include "pqtrack/v1/item.pb.h"

namespace pqtrack::cli {

struct Context {
  client::ConnectionOptions connection;
  std::string output = "table";
  int exit_code = 0;

  bool json() const { return output == "json"; }
  // Opens the connection on first use.
  const client::Connection& conn();

 private:
  std::unique_ptr<client::Connection> conn_;
};

// --server, --token, --token-file, --output/-o and --timeout.
void AddConnectionOptions(CLI::App& app, Context& ctx);

// Turns "2024-05-20" into a Date; throws CLI::ValidationError naming the
// option otherwise (CLI11 prints it and exits 2).
v1::Date ParseDateOption(const std::string& option, const std::string& value);

// A CLI11 validator that accepts YYYY-MM-DD naming a real day.
CLI::Validator DateValidator();

// A CLI11 transform for unit code options: codes are upper case, so "tl"
// is taken as "TL".
CLI::Validator UnitCodeCase();

// The session `spec` names for option `option`: an id ("7") or a name,
// the term's code and the session's number ("XV-7", a regular session;
// "XV-E1" an extraordinary one), looked up on the server; 0 for "".
// Throws CLI::ValidationError naming the sessions there are when none
// matches.
int64_t SessionIdOf(Context& ctx, const std::string& option,
                    const std::string& spec);

// A fresh request id for an idempotent create.
std::string NewRequestId();

using client::EnumLabel;

// Calls one unary rpc, e.g.
//   Call(ctx, &v1::ItemService::Stub::GetItem, req, &resp)
// On failure prints the status, sets ctx.exit_code and returns false.
template <typename Stub, typename Req, typename Resp>
bool Call(Context& ctx,
          grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
          const Req& req, Resp* resp) {
  Stub stub(ctx.conn().channel());
  const grpc::Status st =
      (stub.*method)(ctx.conn().NewContext().get(), req, resp);
  if (st.ok()) return true;
  const client::ConnectionOptions& used = ctx.conn().options();
  ctx.exit_code = client::PrintCallError(st, used.server, !used.token.empty());
  return false;
}

// Labels of item statuses and kinds, e.g. "IN_PROGRESS", "PETITION".
std::string Status(int status);
std::string Kind(int kind);
// Prints an item as "key: value" lines, its coordination as a table, its
// text, and the answer as sent (number, signer, day, outcome, text).
void PrintItem(const v1::Item& item);
// Prints an item's history as a table.
void PrintHistory(const v1::GetItemHistoryResponse& history);

// The ListItems filter as options (item list, export).
struct ItemFilterOptions {
  std::string kind, lead, received_from, received_to, due_before;
  std::vector<std::string> statuses;
  std::string session;
  int64_t batch = 0;
};
void AddItemFilterOptions(CLI::App* c, ItemFilterOptions* o);
v1::ListItemsRequest ItemFilterRequest(Context& ctx,
                                       const ItemFilterOptions& o);
// "petition" -> ITEM_KIND_PETITION; UNSPECIFIED for "".
v1::ItemKind ItemKindFromName(const std::string& name);
// The kind names typed on the command line.
const std::vector<std::string>& KindNames();

void AddAssemblyCommands(CLI::App& app, Context& ctx);
void AddUnitCommands(CLI::App& app, Context& ctx);
void AddItemCommands(CLI::App& app, Context& ctx);
void AddAdminCommands(CLI::App& app, Context& ctx);
// Adds workflow, routing, search, history and audit commands; call after
// AddItemCommands (it extends "item").
void AddWorkflowCommands(CLI::App& app, Context& ctx);
// Adds calendar and deadline commands and "item extend".
void AddCalendarCommands(CLI::App& app, Context& ctx);
void AddAlertCommands(CLI::App& app, Context& ctx);
// The reply moves (draft, drafts, input, submit, approve, return, send),
// added under `parent` ("pqtrack item ..." and the desk's top level).
void AddReplyCommands(CLI::App* parent, Context& ctx);
// "watch" alone (part of AddAlertCommands).
void AddWatchCommand(CLI::App& app, Context& ctx);
// Adds "report period".
void AddReportCommands(CLI::App& app, Context& ctx);
// Adds import and export.
void AddBulkCommands(CLI::App& app, Context& ctx);
// Adds "item attach", "item files" and "item download"; call after
// AddItemCommands.
void AddAttachmentCommands(CLI::App& app, Context& ctx);

}  // namespace pqtrack::cli

#endif  // PQTRACK_CLIENTS_CLI_CLI_H_
