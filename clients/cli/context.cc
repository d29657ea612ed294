// The shared state and helpers of the pqtrack and pqtrack-desk commands.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "clients/cli/cli.h"
#include "clients/common/command_line.h"
#include "google/protobuf/descriptor.h"
#include "pqtrack/v1/assembly.grpc.pb.h"
#include "services/common/crypto.h"
#include "services/common/dates.h"

namespace pqtrack::cli {
namespace {

// The refusal of a date, with the spelling to use when the value reads
// as a day written the Vietnamese way (31/12/2024, 31-12-2024, 31.12.2024).
std::string DateHint(const std::string& value, absl::string_view refusal) {
  std::vector<std::string> parts =
      absl::StrSplit(value, absl::ByAnyChar("/.-"));
  int d = 0, m = 0, y = 0;
  if (parts.size() == 3 && parts[2].size() == 4 &&
      absl::SimpleAtoi(parts[0], &d) && absl::SimpleAtoi(parts[1], &m) &&
      absl::SimpleAtoi(parts[2], &y)) {
    const absl::CivilDay day(y, m, d);
    if (day.year() == y && day.month() == m && day.day() == d) {
      return absl::StrCat("dates are written YYYY-MM-DD: use ",
                          FormatIsoDate(day));
    }
  }
  return std::string(refusal);
}

}  // namespace

const client::Connection& Context::conn() {
  if (conn_ == nullptr) {
    if (absl::Status s = client::ResolveConnection(connection); !s.ok()) {
      throw CLI::ValidationError("--token-file", std::string(s.message()));
    }
    conn_ = std::make_unique<client::Connection>(connection);
  }
  return *conn_;
}

v1::Date ParseDateOption(const std::string& option, const std::string& value) {
  auto day = ParseIsoDate(value);
  if (!day.ok()) {
    throw CLI::ValidationError(option, DateHint(value, day.status().message()));
  }
  v1::Date d;
  d.set_year(static_cast<int32_t>(day->year()));
  d.set_month(day->month());
  d.set_day(day->day());
  return d;
}

CLI::Validator DateValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto day = ParseIsoDate(value);
        return day.ok() ? "" : DateHint(value, day.status().message());
      },
      "DATE");
}

CLI::Validator UnitCodeCase() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        value = absl::AsciiStrToUpper(value);
        return "";
      },
      "");
}

int64_t SessionIdOf(Context& ctx, const std::string& option,
                    const std::string& spec) {
  if (spec.empty()) return 0;
  int64_t id = 0;
  if (absl::SimpleAtoi(spec, &id)) {
    if (id <= 0) throw CLI::ValidationError(option, "a session id is > 0");
    return id;
  }
  const size_t dash = spec.rfind('-');
  std::string number = dash == std::string::npos ? "" : spec.substr(dash + 1);
  const bool extraordinary =
      !number.empty() && (number[0] == 'E' || number[0] == 'e');
  if (extraordinary) number = number.substr(1);
  int n = 0;
  if (dash == std::string::npos || !absl::SimpleAtoi(number, &n)) {
    throw CLI::ValidationError(
        option,
        "a session id (7) or TERM-NUMBER (XV-7; XV-E1 for an "
        "extraordinary session)");
  }
  v1::ListSessionsRequest req;
  req.set_term_code(absl::AsciiStrToUpper(spec.substr(0, dash)));
  v1::ListSessionsResponse resp;
  if (!Call(ctx, &v1::AssemblyService::Stub::ListSessions, req, &resp)) {
    throw CLI::RuntimeError(ctx.exit_code);
  }
  std::vector<std::string> there;
  for (const v1::Session& s : resp.sessions()) {
    const bool is_extra = s.kind() == v1::SESSION_KIND_EXTRAORDINARY;
    if (s.number() == n && is_extra == extraordinary) return s.id();
    there.push_back(
        absl::StrCat(s.term_code(), "-", is_extra ? "E" : "", s.number()));
  }
  throw CLI::ValidationError(
      option,
      absl::StrCat("no session ", spec, there.empty() ? "" : "; there are: ",
                   absl::StrJoin(there, ", ")));
}

std::string NewRequestId() { return absl::StrCat("cli-", RandomSecret(16)); }

void AddConnectionOptions(CLI::App& app, Context& ctx) {
  app.add_option("--server", ctx.connection.server,
                 "Server address host:port [env PQTRACK_SERVER]");
  app.add_option("--token", ctx.connection.token,
                 "Bearer token [env PQTRACK_TOKEN]");
  app.add_option("--token-file", ctx.connection.token_file,
                 "File whose first line is the token [env PQTRACK_TOKEN_FILE]");
  client::AddTlsOptions(app, ctx.connection);
  app.add_option("--output,-o", ctx.output, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", ctx.connection.timeout_seconds,
                 "Seconds each call may take")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
}

}  // namespace pqtrack::cli
