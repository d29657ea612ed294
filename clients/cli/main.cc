// pqtrack: the command-line client for liaison officers and administrators.
#include <iostream>

#include "clients/cli/cli.h"
#include "clients/common/command_line.h"

int main(int argc, char** argv) {
  using pqtrack::cli::Context;
  Context ctx;
  CLI::App app{
      "pqtrack: record and follow what the ministry owes the National "
      "Assembly.\n\nConnection: `pqtrack --server HOST:PORT login --user "
      "LOGIN` once saves the server and a session token in your config "
      "file; or give --server (PQTRACK_SERVER) and a bearer token (--token, "
      "--token-file, PQTRACK_TOKEN or PQTRACK_TOKEN_FILE), which win over "
      "the config file. Default server 127.0.0.1:50051. A server speaking "
      "TLS: add --tls-ca FILE (PQTRACK_TLS_CA), saved by login too.",
      "pqtrack"};
  pqtrack::client::StandardCommandLine(app, "pqtrack");
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  pqtrack::cli::AddConnectionOptions(app, ctx);
  pqtrack::cli::AddAssemblyCommands(app, ctx);
  pqtrack::cli::AddUnitCommands(app, ctx);
  pqtrack::cli::AddItemCommands(app, ctx);
  pqtrack::cli::AddAdminCommands(app, ctx);
  pqtrack::cli::AddWorkflowCommands(app, ctx);
  pqtrack::cli::AddCalendarCommands(app, ctx);
  pqtrack::cli::AddAlertCommands(app, ctx);
  pqtrack::cli::AddBulkCommands(app, ctx);
  pqtrack::cli::AddAttachmentCommands(app, ctx);
  pqtrack::cli::AddReportCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return pqtrack::client::ParseExit(app, e);
  }
  return ctx.exit_code;
}
