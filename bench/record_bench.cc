// record_bench: the write path and the cheap reads, beside PostgreSQL's own
// floor on the same cluster in the same run.
//
//   record_bench [--registers 10000,100000,1000000] [--clients 1,8,32]
//                [--seconds 4]
//
// For each register size the register is first filled (in SQL: items of
// every kind, about 3% still awaiting an answer, titles from a Vietnamese
// vocabulary, one event each; these generated events are written with the
// triggers off, so they are outside the audit chain; their state history
// is written as the trigger would), then, against one
// pqtrack-server child process (durability on: PostgreSQL's defaults):
//   - RecordItem (a petition with its lead unit: routing, due date, event,
//     ladder, ASSIGNED alert, duplicate suggestions) and one workflow move
//     (SaveDraft on those items) at each client count, beside pgbench's
//     single-row INSERT of a petition-shaped row into a table LIKE items
//     INCLUDING ALL (same columns, defaults, indexes) at the same count:
//     calls/s, p50 and p99 latency, WAL bytes per call, and the ratio;
//   - at the largest register only: GetItem vs pgbench's primary-key SELECT
//     (8 clients), an authenticated cheap rpc (WhoAmI) vs the health check
//     (8 clients), and SuggestDuplicates' p50 on its own.
// The targets of issue 10 are printed with each figure. A benchmark, not a
// test: it fails only when calls fail.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/bench_support.h"
#include "pqtrack/v1/admin.grpc.pb.h"
#include "pqtrack/v1/item.grpc.pb.h"
#include "pqtrack/v1/workflow.grpc.pb.h"
#include "probes.grpc.pb.h"
#include "services/common/status_macros.h"
#include "services/server/process.h"
#include "services/store/log_store.h"

namespace pqtrack::bench {
namespace {

// Beside the register's units and assembly (kRegisterSetupSql): the
// baseline's table, items' columns, defaults and indexes.
constexpr char kBaselineTable[] =
    "CREATE TABLE bench_items (LIKE items INCLUDING ALL)";

// Adds items $1 + 1 .. $2 of the register. Titles combine words of a
// vocabulary, so the trigram index sees realistic overlaps. Only the newest
// 3,000 await an answer (kAnswerOld answers the ones generated before): a
// ministry's open items follow its intake, not the size of its archive.
constexpr store::Statement kFill{"bench_fill", R"sql(
WITH words AS (
  SELECT ARRAY['tiền lương', 'phụ cấp', 'giáo viên', 'cán bộ', 'cấp xã',
               'bảo hiểm', 'xã hội', 'đất đai', 'thủ tục', 'hành chính',
               'công chức', 'viên chức', 'tinh giản', 'biên chế', 'thi đua',
               'khen thưởng', 'chính sách', 'người có công', 'nông thôn',
               'y tế', 'học phí', 'nhà ở', 'đền bù', 'giải phóng',
               'mặt bằng', 'môi trường', 'giao thông', 'điện', 'nước sạch',
               'an ninh'] AS w)
INSERT INTO items (kind, sender_key, title, received_on, session_id, batch_id,
                   due_on, status, lead_unit_id, created_at, updated_at,
                   requires_response, sender, document_number, document_date,
                   assigned_by, source_document, delegations, field,
                   deputy_name, delegation, addressee, question_form, asked_on)
SELECT k.kind, 'sender ' || (g % 97),
       'Kiến nghị về ' || w[1 + g % 30] || ' và ' || w[1 + (g / 30) % 30]
         || ' ' || w[1 + (g / 900) % 30] || ' số ' || g,
       r.day,
       CASE WHEN k.kind IN ('PETITION', 'QUESTION')
            THEN (SELECT id FROM sessions) END,
       CASE WHEN k.kind = 'PETITION' THEN (SELECT id FROM batches) END,
       r.day + 30,
       CASE WHEN g > $2 - 3000 THEN 'ASSIGNED' ELSE 'ANSWERED' END,
       (SELECT id FROM units WHERE code = 'D' || (1 + g % 10)),
       now(), now(),
       CASE WHEN k.kind = 'DOCUMENT' THEN true END,
       CASE WHEN k.kind = 'DOCUMENT' THEN 'UBND ' || (g % 63) END,
       CASE WHEN k.kind = 'DOCUMENT' THEN g || '/UBND' END,
       CASE WHEN k.kind = 'DOCUMENT' THEN r.day END,
       CASE WHEN k.kind = 'TASK' THEN 'VPCP' END,
       CASE WHEN k.kind = 'TASK' THEN g || '/TB' END,
       CASE WHEN k.kind = 'PETITION' THEN ARRAY['Tỉnh ' || (g % 63)] END,
       CASE WHEN k.kind = 'PETITION' THEN 'Lĩnh vực ' || (g % 9) END,
       CASE WHEN k.kind = 'QUESTION' THEN 'Đại biểu ' || (g % 500) END,
       CASE WHEN k.kind = 'QUESTION' THEN 'Tỉnh ' || (g % 63) END,
       CASE WHEN k.kind = 'QUESTION' THEN 'Bộ trưởng' END,
       CASE WHEN k.kind = 'QUESTION' THEN 'WRITTEN' END,
       CASE WHEN k.kind = 'QUESTION' THEN r.day END
  FROM words, generate_series($1 + 1, $2) g
  CROSS JOIN LATERAL (SELECT date '2021-01-01' + (g % 1800) AS day) r
  CROSS JOIN LATERAL (
    SELECT CASE WHEN g % 20 < 12 THEN 'DOCUMENT' WHEN g % 20 < 16 THEN 'TASK'
                WHEN g % 20 < 19 THEN 'PETITION' ELSE 'QUESTION' END AS kind) k
)sql"};

// Everything but the newest 3,000 open items is answered (generated ones
// and those the bench recorded alike).
constexpr store::Statement kAnswerOld{
    "bench_answer_old",
    "UPDATE items SET status = 'ANSWERED' WHERE status IN ('ASSIGNED',"
    " 'IN_PROGRESS') AND id < (SELECT coalesce(min(id), 0) FROM (SELECT id"
    " FROM items WHERE status IN ('ASSIGNED', 'IN_PROGRESS')"
    " ORDER BY id DESC LIMIT 3000) newest)"};
constexpr store::Statement kSomeIds{
    "bench_some_ids",
    "SELECT id FROM items TABLESAMPLE SYSTEM (10) LIMIT 100000"};

constexpr store::Statement kFillEvents{"bench_fill_events", R"sql(
INSERT INTO events (item_id, at, kind, after)
SELECT i.id, now(), 'RECORDED', to_jsonb(i) - 'search_doc' - 'title_folded'
  FROM items i WHERE i.id > $1
)sql"};

// The state history (item_states) of the generated items, one interval
// from -infinity each, as the events_track_state trigger would have kept
// it: the triggers' own queries then run on a table of the register's size.
constexpr store::Statement kFillStates{"bench_fill_states", R"sql(
INSERT INTO item_states (item_id, valid_from, valid_to, kind, received_on,
                         batch_id, requires_response, status, lead_code,
                         due_on, extensions, transfers, event_id)
SELECT e.item_id, '-infinity', NULL, e.after->>'kind',
       (e.after->>'received_on')::date, (e.after->>'batch_id')::bigint,
       coalesce((e.after->>'requires_response')::boolean, true),
       e.after->>'status', u.code, (e.after->>'due_on')::date, 0, 0, e.id
  FROM events e
  LEFT JOIN units u ON u.id = (e.after->>'lead_unit_id')::bigint
 WHERE e.item_id > $1
)sql"};
// What kAnswerOld changed, in the current state intervals.
constexpr store::Statement kAnswerOldStates{
    "bench_answer_old_states",
    "UPDATE item_states s SET status = 'ANSWERED' FROM items i"
    " WHERE s.item_id = i.id AND s.valid_to IS NULL"
    " AND i.status = 'ANSWERED' AND s.status <> 'ANSWERED'"};

constexpr store::Statement kMaxId{"bench_max_id",
                                  "SELECT coalesce(max(id), 0) FROM items"};
constexpr store::Statement kWal{"bench_wal", "SELECT pg_current_wal_lsn()"};
constexpr store::Statement kWalDiff{
    "bench_wal_diff", "SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)"};

struct Point {
  double per_s = 0, p50_ms = 0, p99_ms = 0, wal_per_call = 0;
  int64_t calls = 0, failed = 0;
};

class Bench {
 public:
  Bench(BenchDatabase* db, std::string address, double seconds)
      : db_(*db), address_(std::move(address)), seconds_(seconds) {
    for (int i = 0; i < 8; ++i) {
      grpc::ChannelArguments args;
      args.SetInt("pqtrack.bench.connection", i);
      channels_.push_back(grpc::CreateCustomChannel(
          address_, grpc::InsecureChannelCredentials(), args));
    }
  }

  std::string Wal() {
    std::string lsn;
    (void)db_.db().Transact([&](store::Tx& tx) -> absl::Status {
      lsn = tx.Run(kWal)[0][0].as<std::string>();
      return absl::OkStatus();
    });
    return lsn;
  }
  double WalDiff(const std::string& a, const std::string& b) {
    double d = 0;
    (void)db_.db().Transact([&](store::Tx& tx) -> absl::Status {
      d = tx.Run(kWalDiff, b, a)[0][0].as<double>();
      return absl::OkStatus();
    });
    return d;
  }

  // Runs `call(thread, channel, i)` on `clients` threads for the set time.
  // It returns kOk, kFailed, or kDone (nothing left for this thread).
  enum Outcome { kOk, kFailed, kDone };
  using Call = std::function<Outcome(int, const std::shared_ptr<grpc::Channel>&,
                                     int64_t)>;
  Point Drive(int clients, const Call& call) {
    std::vector<std::vector<double>> lat(clients);
    std::atomic<int64_t> failed{0};
    const std::string wal0 = Wal();
    const absl::Time start = absl::Now();
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) {
      threads.emplace_back([&, t] {
        const std::shared_ptr<grpc::Channel>& ch =
            channels_[t % channels_.size()];
        for (int64_t i = 0;; ++i) {
          const absl::Time s = absl::Now();
          const Outcome o = call(t, ch, i);
          if (o == kDone) break;
          if (o == kFailed && ++failed > 100) return;
          lat[t].push_back(absl::ToDoubleMilliseconds(absl::Now() - s));
          if (absl::Now() - start > absl::Seconds(seconds_)) break;
        }
      });
    }
    for (auto& th : threads) th.join();
    const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
    Point p;
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    p.calls = static_cast<int64_t>(all.size());
    p.failed = failed;
    p.per_s = static_cast<double>(p.calls) / elapsed;
    p.p50_ms = Percentile(all, 0.5);
    p.p99_ms = Percentile(all, 0.99);
    p.wal_per_call =
        p.calls == 0 ? 0 : WalDiff(wal0, Wal()) / static_cast<double>(p.calls);
    return p;
  }

  // pgbench with `script` at `clients`, for the set time.
  absl::StatusOr<Point> PgBench(int clients, const std::string& script,
                                const std::vector<std::string>& defines) {
    const std::string file = db_.dir() + "/pgbench.sql";
    std::ofstream(file) << script;
    const std::string wal0 = Wal();
    std::vector<std::string> argv = {
        db_.pg_bin_dir() + "/pgbench",
        "-n",
        "-M",
        "prepared",
        "-c",
        absl::StrCat(clients),
        "-j",
        absl::StrCat(std::min(clients, 2)),
        "-T",
        absl::StrCat(static_cast<int>(std::max(1.0, seconds_))),
        "-f",
        file,
        "-l",
        "--log-prefix",
        db_.dir() + "/pgbench_log"};
    for (const std::string& d : defines) {
      argv.push_back("-D");
      argv.push_back(d);
    }
    argv.push_back(db_.url());
    // Old logs of an earlier run go first.
    (void)server::RunProcess(
        {"/bin/sh", "-c", "rm -f '" + db_.dir() + "'/pgbench_log*"},
        std::nullopt);
    PQ_ASSIGN_OR_RETURN(const auto r, server::RunProcess(argv, std::nullopt));
    if (r.exit_code != 0) {
      return absl::UnavailableError(absl::StrCat("pgbench: ", r.output));
    }
    Point p;
    for (absl::string_view line : absl::StrSplit(r.output, '\n')) {
      if (absl::StartsWith(line, "tps = ")) {
        p.per_s = std::atof(std::string(line.substr(6)).c_str());
      }
    }
    // Per-transaction logs: client, count, latency in microseconds, ...
    PQ_ASSIGN_OR_RETURN(
        const auto logs,
        server::RunProcess(
            {"/bin/sh", "-c", "cat '" + db_.dir() + "'/pgbench_log*"},
            std::nullopt));
    std::vector<double> lat;
    for (absl::string_view line : absl::StrSplit(logs.output, '\n')) {
      std::vector<std::string> f = absl::StrSplit(line, ' ');
      if (f.size() >= 3) lat.push_back(std::atof(f[2].c_str()) / 1000.0);
    }
    p.calls = static_cast<int64_t>(lat.size());
    p.p50_ms = Percentile(lat, 0.5);
    p.p99_ms = Percentile(lat, 0.99);
    p.wal_per_call =
        p.calls == 0 ? 0 : WalDiff(wal0, Wal()) / static_cast<double>(p.calls);
    return p;
  }

  const std::string& token() const { return db_.token(); }

 private:
  BenchDatabase& db_;
  const std::string address_;
  const double seconds_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
};

Bench::Outcome Ok(const grpc::Status& st) {
  if (!st.ok()) std::cerr << "call failed: " << st.error_message() << "\n";
  return st.ok() ? Bench::kOk : Bench::kFailed;
}

constexpr char kInsertScript[] =
    "INSERT INTO bench_items (kind, external_ref, sender_key, title, body,"
    " received_on, batch_id, status, created_at, updated_at, delegations,"
    " field) VALUES ('PETITION', '', 'ban dân nguyện', 'Kiến nghị về chế độ"
    " tiền lương và phụ cấp của cán bộ cấp xã số ' || :client_id, '',"
    " '2026-11-20', 1, 'ASSIGNED', now(), now(), ARRAY['Hà Nội'],"
    " 'Tiền lương');\n";
constexpr char kSelectScript[] =
    "\\set id random(1, :maxid)\nSELECT * FROM items WHERE id = :id;\n";

v1::RecordItemRequest PetitionRequest(int64_t batch, const std::string& rid,
                                      int64_t n) {
  v1::RecordItemRequest req;
  req.set_request_id(rid);
  v1::Item* it = req.mutable_item();
  it->set_kind(v1::ITEM_KIND_PETITION);
  static const char* const kWords[] = {
      "tiền lương", "phụ cấp",   "giáo viên", "cán bộ cấp xã", "bảo hiểm",
      "đất đai",    "thủ tục",   "biên chế",  "chính sách",    "học phí",
      "nhà ở",      "đền bù",    "y tế",      "nông thôn",     "môi trường",
      "giao thông", "nước sạch", "an ninh",   "người có công", "thi đua"};
  it->set_title(absl::StrCat("Đề nghị xem xét ", kWords[n % 20], " và ",
                             kWords[(n / 20) % 20], " cho ",
                             kWords[(n / 400) % 20], " (", n, ")"));
  it->mutable_received_on()->set_year(2026);
  it->mutable_received_on()->set_month(11);
  it->mutable_received_on()->set_day(20);
  it->set_lead_unit_code("D1");
  it->mutable_petition()->set_batch_id(batch);
  it->mutable_petition()->add_delegations("Hà Nội");
  it->mutable_petition()->set_field("Tiền lương");
  return req;
}

void PrintRow(const char* what, int clients, const Point& p) {
  std::printf("  %-34s %7d %10.0f %9.2f %9.2f %11.0f%s\n", what, clients,
              p.per_s, p.p50_ms, p.p99_ms, p.wal_per_call,
              p.failed > 0 ? "  (calls failed)" : "");
}

int Main(int argc, char** argv) {
  // As the server does (services/server/main.cc): no lock-order graph.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // A row appears as soon as it is measured, also when piped to a file.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  CLI::App app{
      "record_bench: RecordItem and a workflow move at several client "
      "counts and register sizes beside pgbench's single-row INSERT, GetItem "
      "beside a primary-key SELECT, an authenticated rpc beside the health "
      "check; same cluster, same run"};
  std::string registers_flag = "10000,100000,1000000";
  std::string clients_flag = "1,8,32";
  double seconds = 4;
  app.add_option("--registers", registers_flag,
                 "Register sizes (items), run smallest first")
      ->capture_default_str();
  app.add_option("--clients", clients_flag, "Client counts")
      ->capture_default_str();
  app.add_option("--seconds", seconds, "Seconds per measurement")
      ->check(CLI::Range(1.0, 60.0))
      ->capture_default_str();
  std::vector<std::string> pg_settings;
  AddPgSettingFlag(app, &pg_settings);
  CLI11_PARSE(app, argc, argv);
  const auto registers_or =
      ParseCounts(registers_flag, "--registers", 1000, 20000000);
  const auto clients_or = ParseCounts(clients_flag, "--clients", 1, 256);
  for (const absl::Status& bad : {registers_or.status(), clients_or.status()}) {
    if (!bad.ok()) {
      std::cerr << bad.message() << "\n";
      return 2;
    }
  }
  std::vector<int64_t> registers = *registers_or;
  std::sort(registers.begin(), registers.end());
  std::vector<int> clients(clients_or->begin(), clients_or->end());

  auto db = BenchDatabase::Start(pg_settings);
  if (!db.ok()) {
    std::cerr << "cannot start PostgreSQL: " << db.status().message() << "\n";
    return 1;
  }
  absl::Status st = (*db)->db().Transact([&](store::Tx& tx) -> absl::Status {
    tx.ExecScript(kRegisterSetupSql);
    tx.ExecScript(kBaselineTable);
    return absl::OkStatus();
  });
  if (!st.ok()) {
    std::cerr << st.message() << "\n";
    return 1;
  }
  auto server = BenchServer::Start(**db, "record");
  if (!server.ok()) {
    std::cerr << server.status().message() << "\n";
    return 1;
  }
  Bench bench(db->get(), (*server)->address(), seconds);
  const std::string& token = bench.token();
  // Drafts are written by a responder of the lead unit.
  std::string responder;
  {
    auto admin = v1::AdminService::NewStub(grpc::CreateChannel(
        (*server)->address(), grpc::InsecureChannelCredentials()));
    v1::CreateUserRequest user;
    user.mutable_user()->set_login("bench.d1");
    user.mutable_user()->set_display_name("Chuyên viên D1");
    user.mutable_user()->set_role(v1::ROLE_RESPONDER);
    user.mutable_user()->set_unit_code("D1");
    v1::CreateUserResponse created;
    v1::IssueTokenRequest issue;
    issue.set_user_login("bench.d1");
    v1::IssueTokenResponse issued;
    if (!admin->CreateUser(Authorized(token).get(), user, &created).ok() ||
        !admin->IssueToken(Authorized(token).get(), issue, &issued).ok()) {
      std::cerr << "cannot create the responder\n";
      return 1;
    }
    responder = issued.secret();
  }
  std::atomic<int64_t> serial{0};
  std::map<std::pair<int64_t, int>, std::pair<Point, Point>> record;
  int64_t filled = 0;
  for (const int64_t size : registers) {
    std::cerr << "filling the register to " << size << " items" << std::endl;
    int64_t max_id = 0;
    st = (*db)->db().Transact([&](store::Tx& tx) -> absl::Status {
      max_id = tx.Run(kMaxId)[0][0].as<int64_t>();
      tx.ExecScript("SET LOCAL session_replication_role = replica");
      tx.Run(kAnswerOld);
      tx.Run(kAnswerOldStates);
      tx.Run(kFill, filled, size);
      tx.Run(kFillEvents, max_id);
      tx.Run(kFillStates, max_id);
      return absl::OkStatus();
    });
    // As autovacuum would: answered items leave the open-items index. Then
    // a checkpoint writes out what the fill dirtied, which a ministry's
    // server does not carry into its day: without it the checkpoint that
    // the fill's WAL sets off runs during the measurement (at 1,000,000
    // items RecordItem at one client ran at 86/s beside it, 158/s after).
    if (st.ok()) {
      st = (*db)->db().Autocommit([&](store::Tx& tx) -> absl::Status {
        tx.ExecScript("VACUUM ANALYZE");
        tx.ExecScript("CHECKPOINT");
        return absl::OkStatus();
      });
    }
    if (!st.ok()) {
      std::cerr << "cannot fill: " << st.message() << "\n";
      return 1;
    }
    filled = size;
    std::printf("\nregister of %lld items\n", static_cast<long long>(size));
    std::printf("  %-34s %7s %10s %9s %9s %11s\n", "", "clients", "calls/s",
                "p50 ms", "p99 ms", "WAL B/call");
    for (const int c : clients) {
      // Items recorded at this point, for the workflow move.
      std::vector<std::vector<std::pair<int64_t, int64_t>>> mine(c);
      const Point rec = bench.Drive(
          c, [&](int t, const std::shared_ptr<grpc::Channel>& ch, int64_t) {
            const int64_t n = ++serial;
            v1::RecordItemResponse resp;
            auto stub = v1::ItemService::NewStub(ch);
            const grpc::Status gs = stub->RecordItem(
                Authorized(token).get(),
                PetitionRequest(1, absl::StrCat("bench-record-", n), n), &resp);
            if (!gs.ok()) return Ok(gs);
            mine[t].emplace_back(resp.item().id(), resp.item().version());
            return Bench::kOk;
          });
      PrintRow("RecordItem", c, rec);
      const Point move = bench.Drive(
          c, [&](int t, const std::shared_ptr<grpc::Channel>& ch, int64_t i) {
            if (i >= static_cast<int64_t>(mine[t].size())) return Bench::kDone;
            auto stub = v1::WorkflowService::NewStub(ch);
            v1::SaveDraftRequest req;
            req.set_item_id(mine[t][i].first);
            req.set_version(mine[t][i].second);
            req.set_text("Dự thảo trả lời");
            v1::SaveDraftResponse resp;
            return Ok(stub->SaveDraft(Authorized(responder).get(), req, &resp));
          });
      PrintRow("SaveDraft (a workflow move)", c, move);
      auto base = bench.PgBench(c, kInsertScript, {});
      if (!base.ok()) {
        std::cerr << base.status().message() << "\n";
        return 1;
      }
      PrintRow("pgbench single-row INSERT", c, *base);
      std::printf("  %-34s %7d %10.2f   (target at 32 clients: >= 0.25)\n",
                  "ratio RecordItem / INSERT", c, rec.per_s / base->per_s);
      record[{size, c}] = {rec, *base};
    }
  }

  // The reads, at the largest register, with the open items a ministry has
  // (the newest 3,000; those recorded above included).
  const int64_t largest = registers.back();
  std::vector<int64_t> ids;
  int64_t max_id = 0;
  st = (*db)->db().Transact([&](store::Tx& tx) -> absl::Status {
    tx.ExecScript("SET LOCAL session_replication_role = replica");
    tx.Run(kAnswerOld);
    tx.Run(kAnswerOldStates);
    for (const pqxx::row& r : tx.Run(kSomeIds)) {
      ids.push_back(r[0].as<int64_t>());
    }
    max_id = tx.Run(kMaxId)[0][0].as<int64_t>();
    return absl::OkStatus();
  });
  if (st.ok()) {
    st = (*db)->db().Autocommit([&](store::Tx& tx) -> absl::Status {
      tx.ExecScript("VACUUM ANALYZE items, item_states");
      return absl::OkStatus();
    });
  }
  if (!st.ok() || ids.empty()) {
    std::cerr << "cannot prepare the reads: " << st.message() << "\n";
    return 1;
  }
  std::printf("\nreads at %lld items, 8 clients\n",
              static_cast<long long>(largest));
  std::printf("  %-34s %7s %10s %9s %9s %11s\n", "", "clients", "calls/s",
              "p50 ms", "p99 ms", "WAL B/call");
  const Point get = bench.Drive(
      8, [&](int, const std::shared_ptr<grpc::Channel>& ch, int64_t i) {
        auto stub = v1::ItemService::NewStub(ch);
        v1::GetItemRequest req;
        req.set_id(ids[(i * 7919) % ids.size()]);
        v1::GetItemResponse resp;
        return Ok(stub->GetItem(Authorized(token).get(), req, &resp));
      });
  PrintRow("GetItem", 8, get);
  auto pk = bench.PgBench(8, kSelectScript, {absl::StrCat("maxid=", largest)});
  if (!pk.ok()) {
    std::cerr << pk.status().message() << "\n";
    return 1;
  }
  PrintRow("pgbench primary-key SELECT", 8, *pk);
  std::printf("  %-34s %7s %10.2f   (target >= 0.2)\n",
              "ratio GetItem / SELECT", "", get.per_s / pk->per_s);
  const Point who = bench.Drive(
      8, [&](int, const std::shared_ptr<grpc::Channel>& ch, int64_t) {
        auto stub = v1::AdminService::NewStub(ch);
        v1::WhoAmIResponse resp;
        return Ok(stub->WhoAmI(Authorized(token).get(), {}, &resp));
      });
  PrintRow("WhoAmI (authenticated)", 8, who);
  const Point health = bench.Drive(
      8, [&](int, const std::shared_ptr<grpc::Channel>& ch, int64_t) {
        auto stub = grpc::health::v1::Health::NewStub(ch);
        grpc::ClientContext ctx;
        grpc::health::v1::HealthCheckResponse resp;
        return Ok(stub->Check(&ctx, {}, &resp));
      });
  PrintRow("health check", 8, health);
  std::printf("  %-34s %7s %10.2f   (target >= 0.6)\n", "ratio WhoAmI / health",
              "", who.per_s / health.per_s);
  const Point similar = bench.Drive(
      1, [&](int, const std::shared_ptr<grpc::Channel>& ch, int64_t i) {
        auto stub = v1::ItemService::NewStub(ch);
        v1::SuggestDuplicatesRequest req;
        req.mutable_draft()->set_kind(v1::ITEM_KIND_PETITION);
        req.mutable_draft()->set_title(absl::StrCat(
            "Kiến nghị về phụ cấp giáo viên và bảo hiểm xã hội ", i));
        v1::SuggestDuplicatesResponse resp;
        return Ok(stub->SuggestDuplicates(Authorized(token).get(), req, &resp));
      });
  PrintRow("SuggestDuplicates", 1, similar);
  std::printf("  %-34s %7s %10.2f   (target p50 <= 5 ms)\n",
              "SuggestDuplicates p50 ms", "", similar.p50_ms);

  // Flatness: the write rate at the largest register against the smallest.
  if (registers.size() > 1) {
    const int c = clients.back();
    const double small = record[{registers.front(), c}].first.per_s;
    const double large = record[{largest, c}].first.per_s;
    std::printf(
        "\nRecordItem at %d clients: %.0f/s at %lld items, %.0f/s at %lld "
        "items: %.2f of it (target >= 0.90)\n",
        c, small, static_cast<long long>(registers.front()), large,
        static_cast<long long>(largest), large / small);
  }
  return 0;
}

}  // namespace
}  // namespace pqtrack::bench

int main(int argc, char** argv) { return pqtrack::bench::Main(argc, argv); }
