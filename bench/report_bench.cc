// report_bench: PeriodReport over a large register (default 1,000,000
// items and their events), beside the equivalent hand-written SQL aggregate
// over the current tables, measured in the same run on the same data.
//
//   report_bench [--items 1000000] [--runs 3]
//
// The data is generated in SQL: a year of documents (half needing a
// reply), tasks, petitions and questions over ten departments, each with
// its recording event, and answers for most of those needing one. The
// hand-written aggregate reads items and answers as they are now; the
// report reads every item as it stood at the end of the as-of day (its
// interval of the state history, item_states) — the price of "as of" is
// the difference. Target (issue 12): within 2x of the baseline (and under
// 300 ms).
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bench_support.h"
#include "pqtrack/v1/report.grpc.pb.h"
#include "services/common/status_macros.h"
#include "services/store/log_store.h"

namespace pqtrack::bench {
namespace {

constexpr store::Statement kItems{"bench_items", R"sql(
INSERT INTO items (kind, sender_key, title, received_on, session_id, batch_id,
                   due_on, status, lead_unit_id, created_at, updated_at,
                   requires_response, sender, document_number, document_date,
                   assigned_by, source_document, delegations, field,
                   deputy_name, delegation, addressee, question_form, asked_on)
SELECT k.kind, 'sender ' || (g % 97), 'Văn bản số ' || g, r.day,
       CASE WHEN k.kind IN ('PETITION', 'QUESTION')
            THEN (SELECT id FROM sessions) END,
       CASE WHEN k.kind = 'PETITION' THEN (SELECT id FROM batches) END,
       CASE WHEN k.needs THEN r.day + 14 END,
       CASE WHEN k.needs THEN 'ASSIGNED' ELSE 'NO_RESPONSE_REQUIRED' END,
       CASE WHEN k.needs THEN (SELECT id FROM units WHERE code = 'D' || (1 + g % 10)) END,
       now(), now(),
       CASE WHEN k.kind = 'DOCUMENT' THEN k.needs END,
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
  FROM generate_series(1, $1) g
  CROSS JOIN LATERAL (SELECT date '2024-01-01' + (g % 366) AS day) r
  CROSS JOIN LATERAL (
    SELECT CASE WHEN g % 20 < 12 THEN 'DOCUMENT' WHEN g % 20 < 16 THEN 'TASK'
                WHEN g % 20 < 19 THEN 'PETITION' ELSE 'QUESTION' END AS kind,
           NOT (g % 20 < 12 AND g % 2 = 0) AS needs) k
)sql"};

constexpr char kEventsAndAnswers[] = R"sql(
INSERT INTO events (item_id, actor_id, at, kind, before, after, detail)
SELECT i.id, NULL, now(), 'RECORDED', NULL,
       to_jsonb(i) - 'request_hash' - 'search_doc' - 'title_folded'
       || jsonb_build_object('lead_unit_code', u.code,
                             'coordinating_unit_codes', '[]'::jsonb,
                             'coordination', '[]'::jsonb),
       NULL
  FROM items i LEFT JOIN units u ON u.id = i.lead_unit_id ORDER BY i.id;
-- The year's ladders are long past: one cancelled level each, so the
-- server has none to plan.
INSERT INTO alert_schedule (item_id, deadline_version, level, kind, days_left,
                            fire_at, cancelled_at)
SELECT id, 1, 'OVERDUE', 'OVERDUE', -1, now(), now()
  FROM items WHERE due_on IS NOT NULL;
INSERT INTO answers (item_id, document_number, signer, sent_on, text,
                     outcome, outcome_detail, created_at)
SELECT id, id || '/BNV', 'Thứ trưởng', received_on + (id % 20)::int, 'Trả lời',
       'EXPLAINED', 'EXPLANATION', now()
  FROM items WHERE status = 'ASSIGNED' AND id % 10 < 7;
ANALYZE;
)sql";

// The same documents figures, by hand, over the current tables.
constexpr store::Statement kHandWritten{"bench_hand", R"sql(
SELECT count(*) FILTER (WHERE i.kind = 'DOCUMENT'),
       count(*) FILTER (WHERE i.kind = 'DOCUMENT' AND i.requires_response),
       count(*) FILTER (WHERE i.kind = 'DOCUMENT' AND i.requires_response
                          AND a.first IS NOT NULL),
       count(*) FILTER (WHERE i.kind = 'DOCUMENT' AND i.requires_response
                          AND a.first IS NOT NULL AND a.first <= i.due_on),
       count(*) FILTER (WHERE i.kind = 'DOCUMENT' AND i.requires_response
                          AND a.first IS NULL AND i.due_on >= $3),
       count(*) FILTER (WHERE i.kind = 'DOCUMENT' AND i.requires_response
                          AND a.first IS NULL AND i.due_on < $3),
       count(*) FILTER (WHERE i.kind = 'TASK'),
       count(*) FILTER (WHERE i.kind = 'TASK' AND a.first IS NOT NULL)
  FROM items i
  LEFT JOIN (SELECT item_id, min(sent_on) AS first FROM answers
              WHERE sent_on <= $3 GROUP BY item_id) a ON a.item_id = i.id
 WHERE i.received_on BETWEEN $1 AND $2
)sql"};

v1::Date D(absl::CivilDay d) {
  v1::Date out;
  out.set_year(static_cast<int>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

int Main(int argc, char** argv) {
  CLI::App app{
      "report_bench: PeriodReport over a large register beside the "
      "equivalent hand-written SQL aggregate, in the same run"};
  int64_t items = 1000000;
  int runs = 3;
  app.add_option("--items", items, "Items to generate")
      ->check(CLI::Range(int64_t{1000}, int64_t{20000000}))
      ->capture_default_str();
  app.add_option("--runs", runs, "Timed runs of each (the best is shown)")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  std::vector<std::string> pg_settings;
  AddPgSettingFlag(app, &pg_settings);
  CLI11_PARSE(app, argc, argv);

  auto db = BenchDatabase::Start(pg_settings);
  if (!db.ok()) {
    std::cerr << "cannot start PostgreSQL: " << db.status().message() << "\n";
    return 1;
  }
  std::cerr << "generating " << items << " items, their events and answers"
            << std::endl;
  const absl::Time gen_start = absl::Now();
  absl::Status st = (*db)->db().Transact([&](store::Tx& tx) -> absl::Status {
    tx.ExecScript(kRegisterSetupSql);
    tx.Run(kItems, items);
    return absl::OkStatus();
  });
  if (st.ok()) {
    st = (*db)->db().Transact([&](store::Tx& tx) -> absl::Status {
      tx.ExecScript(kEventsAndAnswers);
      return absl::OkStatus();
    });
  }
  // The generated events are linked into the audit chain before the clock
  // starts, as a running server would have done as they were written.
  if (st.ok()) st = store::LogStore(&(*db)->db()).Seal(absl::Now()).status();
  if (!st.ok()) {
    std::cerr << "cannot generate: " << st.message() << "\n";
    return 1;
  }
  std::cerr << "generated in " << absl::ToDoubleSeconds(absl::Now() - gen_start)
            << " s" << std::endl;
  auto server = BenchServer::Start(**db, "report");
  if (!server.ok()) {
    std::cerr << server.status().message() << "\n";
    return 1;
  }
  auto stub = v1::ReportService::NewStub(grpc::CreateChannel(
      (*server)->address(), grpc::InsecureChannelCredentials()));
  const absl::CivilDay from(2024, 1, 1), to(2024, 12, 31), as_of(2025, 1, 15);
  v1::PeriodReportRequest req;
  *req.mutable_from() = D(from);
  *req.mutable_to() = D(to);
  *req.mutable_as_of() = D(as_of);

  double best_report = 1e9, best_hand = 1e9;
  v1::PeriodReportResponse report;
  std::vector<int64_t> hand;
  for (int i = 0; i < runs; ++i) {
    absl::Time start = absl::Now();
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + (*db)->token());
    const grpc::Status gs = stub->PeriodReport(&ctx, req, &report);
    if (!gs.ok()) {
      std::cerr << "PeriodReport: " << gs.error_message() << "\n";
      return 1;
    }
    best_report =
        std::min(best_report, absl::ToDoubleSeconds(absl::Now() - start));
    start = absl::Now();
    st = (*db)->db().Transact([&](store::Tx& tx) -> absl::Status {
      const pqxx::row r = tx.Run(kHandWritten, from, to, as_of)[0];
      hand.clear();
      for (const auto& f : r) hand.push_back(f.as<int64_t>());
      return absl::OkStatus();
    });
    if (!st.ok()) {
      std::cerr << st.message() << "\n";
      return 1;
    }
    best_hand = std::min(best_hand, absl::ToDoubleSeconds(absl::Now() - start));
  }
  const v1::DocumentFigures& d = report.documents();
  const std::vector<int64_t> mine = {d.received(),
                                     d.needing_reply(),
                                     d.answered(),
                                     d.answered_on_time(),
                                     d.not_yet_due(),
                                     d.overdue(),
                                     report.tasks().assigned(),
                                     report.tasks().completed()};
  std::printf(
      "PeriodReport of 2024 as of 2025-01-15 over %lld items "
      "(best of %d runs):\n\n",
      static_cast<long long>(items), runs);
  std::printf("%-46s %9s\n", "", "seconds");
  std::printf("%-46s %9.2f\n", "PeriodReport (as of the day, state history)",
              best_report);
  std::printf("%-46s %9.2f\n", "hand-written SQL aggregate (baseline)",
              best_hand);
  std::printf(
      "\nratio %.2f; documents %d received, %d needing a reply, %d "
      "answered; figures %s\n",
      best_report / best_hand, d.received(), d.needing_reply(), d.answered(),
      mine == hand ? "agree" : "DIFFER");
  return mine == hand ? 0 : 1;
}

}  // namespace
}  // namespace pqtrack::bench

int main(int argc, char** argv) { return pqtrack::bench::Main(argc, argv); }
