// import_bench: how fast ImportItems loads a session's batch, beside
// `psql \copy` of the same rows into a table of the same shape (items'
// columns, defaults, constraints and indexes: LIKE items INCLUDING ALL),
// measured in the same run on the same PostgreSQL.
//
//   import_bench [--rows 10000]
//
// The import does more than the copy by design: every row is checked,
// routed and given its legal due date, and gets an event (linked into the
// hash chain after commit) and its alert ladder. The aim (issue 10) is at
// least 0.7 of \copy's rate.
#include <fstream>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "bench/bench_support.h"
#include "pqtrack/v1/assembly.grpc.pb.h"
#include "pqtrack/v1/bulk.grpc.pb.h"
#include "pqtrack/v1/unit.grpc.pb.h"
#include "services/common/csv.h"
#include "services/common/status_macros.h"
#include "services/server/process.h"

namespace pqtrack::bench {
namespace {

constexpr const char* kDelegations[] = {"Hà Nội",  "Huế",     "Nghệ An",
                                        "Đà Nẵng", "Cần Thơ", "Lào Cai"};
constexpr const char* kFields[] = {"Tiền lương", "Công chức", "Thi đua",
                                   "Tổ chức bộ máy", "Chính quyền địa phương"};

v1::Date D(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

absl::Status Check(const grpc::Status& st, const char* what) {
  if (st.ok()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(what, ": ", st.error_message()));
}

// Units BNV and TL, term XV, session 7 and a batch; returns the batch id.
absl::StatusOr<int64_t> Seed(const std::string& address,
                             const std::string& token) {
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto units = v1::UnitService::NewStub(channel);
  auto assembly = v1::AssemblyService::NewStub(channel);
  for (const auto& [code, parent] :
       std::vector<std::pair<std::string, std::string>>{{"BNV", ""},
                                                        {"TL", "BNV"}}) {
    v1::CreateUnitRequest req;
    req.mutable_unit()->set_code(code);
    req.mutable_unit()->set_name_vi("Đơn vị " + code);
    req.mutable_unit()->set_parent_code(parent);
    req.mutable_unit()->set_kind(parent.empty() ? v1::UNIT_KIND_MINISTRY
                                                : v1::UNIT_KIND_DEPARTMENT);
    v1::CreateUnitResponse resp;
    PQ_RETURN_IF_ERROR(
        Check(units->CreateUnit(Authorized(token).get(), req, &resp), "unit"));
  }
  v1::CreateTermRequest term;
  term.mutable_term()->set_code("XV");
  term.mutable_term()->set_number(15);
  term.mutable_term()->set_start_year(2021);
  term.mutable_term()->set_end_year(2026);
  v1::CreateTermResponse term_resp;
  PQ_RETURN_IF_ERROR(Check(
      assembly->CreateTerm(Authorized(token).get(), term, &term_resp), "term"));
  v1::CreateSessionRequest s;
  s.set_term_code("XV");
  s.set_number(7);
  s.set_kind(v1::SESSION_KIND_REGULAR);
  *s.mutable_opens_on() = D(2024, 5, 20);
  *s.mutable_closes_on() = D(2024, 6, 29);
  v1::CreateSessionResponse s_resp;
  PQ_RETURN_IF_ERROR(Check(
      assembly->CreateSession(Authorized(token).get(), s, &s_resp), "session"));
  v1::CreateBatchRequest b;
  b.set_session_id(s_resp.session().id());
  b.set_phase(v1::BATCH_PHASE_AFTER_SESSION);
  b.set_forwarding_body("Ban Dân nguyện");
  b.set_document_number("590/BDN");
  *b.mutable_received_on() = D(2024, 7, 20);
  v1::CreateBatchResponse b_resp;
  PQ_RETURN_IF_ERROR(Check(
      assembly->CreateBatch(Authorized(token).get(), b, &b_resp), "batch"));
  return b_resp.batch().id();
}

struct Row {
  std::string title, delegations, field;
};

std::vector<Row> MakeRows(int n) {
  std::vector<Row> rows;
  for (int i = 0; i < n; ++i) {
    rows.push_back(
        {absl::StrCat("Kiến nghị số ", i + 1, " của cử tri về ", kFields[i % 5],
                      " và chế độ đối với cán bộ cơ sở"),
         absl::StrCat(kDelegations[i % 6], ";", kDelegations[(i + 1) % 6]),
         kFields[i % 5]});
  }
  return rows;
}

absl::StatusOr<double> TimeImport(const std::string& address,
                                  const std::string& token,
                                  const std::string& csv, int rows) {
  auto stub = v1::BulkService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  const absl::Time start = absl::Now();
  auto ctx = Authorized(token);
  v1::ImportItemsResponse resp;
  auto writer = stub->ImportItems(ctx.get(), &resp);
  v1::ImportItemsRequest req;
  req.mutable_options()->set_kind(v1::ITEM_KIND_PETITION);
  writer->Write(req);
  for (size_t i = 0; i < csv.size(); i += 64 * 1024) {
    req.Clear();
    req.set_csv(csv.substr(i, 64 * 1024));
    writer->Write(req);
  }
  writer->WritesDone();
  PQ_RETURN_IF_ERROR(Check(writer->Finish(), "import"));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (resp.imported() != rows) {
    return absl::InternalError(
        absl::StrCat("imported ", resp.imported(), " of ", rows, " rows"));
  }
  return seconds;
}

int Main(int argc, char** argv) {
  CLI::App app{
      "import_bench: ImportItems rows/s beside psql \\copy of the same rows "
      "into a table shaped like items, in the same run"};
  int rows = 10000;
  app.add_option("--rows", rows, "Rows to import")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  std::vector<std::string> pg_settings;
  AddPgSettingFlag(app, &pg_settings);
  CLI11_PARSE(app, argc, argv);

  auto db = BenchDatabase::Start(pg_settings);
  if (!db.ok()) {
    std::cerr << "cannot start PostgreSQL: " << db.status().message() << "\n";
    return 1;
  }
  auto server = BenchServer::Start(**db, "import");
  if (!server.ok()) {
    std::cerr << server.status().message() << "\n";
    return 1;
  }
  const std::string token = (*db)->token();
  auto batch = Seed((*server)->address(), token);
  if (!batch.ok()) {
    std::cerr << "cannot seed: " << batch.status().message() << "\n";
    return 1;
  }
  const std::vector<Row> data = MakeRows(rows);

  // pqtrack's CSV.
  std::string csv = CsvLine({"title", "received_on", "batch_id", "delegations",
                             "field", "lead_unit_code"});
  for (const Row& r : data) {
    csv += CsvLine({r.title, "2024-07-20", absl::StrCat(*batch), r.delegations,
                    r.field, "TL"});
  }
  // The same rows as items' own columns, for \copy.
  int64_t session = 0, tl = 0;
  absl::Status st = (*db)->db().Transact([&](store::Tx& tx) -> absl::Status {
    tx.ExecScript("CREATE TABLE copy_baseline (LIKE items INCLUDING ALL)");
    session = tx.ExecScript("SELECT id FROM sessions")[0][0].as<int64_t>();
    tl = tx.ExecScript("SELECT id FROM units WHERE code = 'TL'")[0][0]
             .as<int64_t>();
    return absl::OkStatus();
  });
  if (!st.ok()) {
    std::cerr << st.message() << "\n";
    return 1;
  }
  const std::string copy_path = (*db)->dir() + "/copy.csv";
  {
    std::ofstream out(copy_path);
    out << CsvLine({"kind", "sender_key", "title", "received_on", "session_id",
                    "batch_id", "due_on", "status", "lead_unit_id",
                    "created_at", "updated_at", "delegations", "field"});
    for (const Row& r : data) {
      std::string array = "{";
      for (char c : r.delegations) array += c == ';' ? ',' : c;
      array += "}";
      out << CsvLine({"PETITION", "ban dân nguyện", r.title, "2024-07-20",
                      absl::StrCat(session), absl::StrCat(*batch), "2024-09-18",
                      "ASSIGNED", absl::StrCat(tl), "2024-07-20 09:00:00+07",
                      "2024-07-20 09:00:00+07", array, r.field});
    }
  }

  auto imported = TimeImport((*server)->address(), token, csv, rows);
  if (!imported.ok()) {
    std::cerr << imported.status().message() << "\n";
    return 1;
  }
  const absl::Time start = absl::Now();
  auto copy = server::RunProcess(
      {(*db)->pg_bin_dir() + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
       (*db)->url(), "-c",
       absl::StrCat("\\copy copy_baseline (kind, sender_key, title, "
                    "received_on, session_id, batch_id, due_on, status, "
                    "lead_unit_id, created_at, updated_at, delegations, "
                    "field) FROM '",
                    copy_path, "' WITH (FORMAT csv, HEADER true)")},
      std::nullopt);
  const double copy_s = absl::ToDoubleSeconds(absl::Now() - start);
  if (!copy.ok() || copy->exit_code != 0) {
    std::cerr << "psql \\copy failed: "
              << (copy.ok() ? copy->output
                            : std::string(copy.status().message()))
              << "\n";
    return 1;
  }
  const double n = rows;
  std::printf("Import of %d petitions (one transaction each way):\n\n", rows);
  std::printf("%-44s %9s %10s\n", "", "seconds", "rows/s");
  std::printf("%-44s %9.2f %10.0f\n",
              "pqtrack import (checked, routed, due, events)", *imported,
              n / *imported);
  std::printf("%-44s %9.2f %10.0f\n", "psql \\copy, same rows (baseline)",
              copy_s, n / copy_s);
  std::printf("\nimport runs at %.2f of \\copy's rate (aim: at least 0.70)\n",
              copy_s / *imported);
  return 0;
}

}  // namespace
}  // namespace pqtrack::bench

int main(int argc, char** argv) { return pqtrack::bench::Main(argc, argv); }
