// PeriodReport on small hand-checked data: on-time and late answers, an
// answer on the due day, a due date carried past a holiday, a transfer out,
// an extension, an IN_RESOLUTION answer, the as-of rule, and unit scope.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "services/common/dates.h"
#include "services/core/reports.h"
#include "services/store/db.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

class ReportTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
    CreateUnit("BTC", "", v1::UNIT_KIND_EXTERNAL_AGENCY);
  }

  std::vector<int64_t> Documents(const std::string& rows) {
    v1::ImportItemsResponse resp;
    const grpc::Status st = ImportCsv(
        "title,received_on,sender,document_number,document_date,"
        "requires_response,lead_unit_code,due_on,answered_on,"
        "answer_document_number,answer_signer,answer_text,outcome,"
        "outcome_detail\n" +
            rows,
        &resp, v1::ITEM_KIND_DOCUMENT, false, kAdmin, 4096);
    EXPECT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.errors_size(), 0) << resp.DebugString();
    return {resp.item_ids().begin(), resp.item_ids().end()};
  }

  v1::PeriodReportResponse Report(v1::Date from, v1::Date to, v1::Date as_of,
                                  const std::string& unit = "",
                                  const std::string& token = kAdmin,
                                  grpc::Status* status = nullptr) {
    v1::PeriodReportRequest req;
    *req.mutable_from() = from;
    *req.mutable_to() = to;
    *req.mutable_as_of() = as_of;
    req.set_unit_code(unit);
    v1::PeriodReportResponse resp;
    const grpc::Status st = reports_->PeriodReport(As(token).get(), req, &resp);
    if (status) {
      *status = st;
    } else {
      EXPECT_TRUE(st.ok()) << st.error_message();
    }
    return resp;
  }

  // A regular session of term XV; its id.
  int64_t Session(int number, v1::Date opens, v1::Date closes) {
    v1::CreateSessionRequest req;
    req.set_term_code("XV");
    req.set_number(number);
    req.set_kind(v1::SESSION_KIND_REGULAR);
    *req.mutable_opens_on() = opens;
    *req.mutable_closes_on() = closes;
    v1::CreateSessionResponse resp;
    EXPECT_TRUE(assembly_->CreateSession(As(kAdmin).get(), req, &resp).ok());
    return resp.session().id();
  }
  // A petition batch of a session; its id.
  int64_t Batch(int64_t session, v1::BatchPhase phase, v1::Date received,
                const std::string& number) {
    v1::CreateBatchRequest req;
    req.set_session_id(session);
    req.set_phase(phase);
    req.set_forwarding_body("Ban Dân nguyện");
    req.set_document_number(number);
    *req.mutable_received_on() = received;
    v1::CreateBatchResponse resp;
    EXPECT_TRUE(assembly_->CreateBatch(As(kAdmin).get(), req, &resp).ok());
    return resp.batch().id();
  }
};

// Rows: title, received, sender, number, dated, needs reply, lead, due,
// answered, answer number, signer, text, outcome, detail.
constexpr char kOctober[] =
    "Đúng hạn,2024-10-01,UBND A,1/A,2024-10-01,true,TL,2024-10-15,"
    "2024-10-10,1/BNV,Vụ trưởng,Trả lời,EXPLAINED,EXPLANATION\n"
    "Trễ hạn,2024-10-02,UBND A,2/A,2024-10-02,true,TL1,2024-10-15,"
    "2024-10-20,2/BNV,Vụ trưởng,Trả lời,EXPLAINED,EXPLANATION\n"
    "Đúng ngày hạn,2024-10-03,UBND A,3/A,2024-10-03,true,CCVC,2024-10-17,"
    "2024-10-17,3/BNV,Vụ trưởng,Trả lời,RESOLVED,IMPLEMENTATION\n"
    "Chưa đến hạn,2024-10-25,UBND A,4/A,2024-10-25,true,TL,,,,,,,\n"
    "Quá hạn,2024-10-10,UBND A,5/A,2024-10-10,true,CCVC,2024-10-20,,,,,,\n"
    "Để biết,2024-10-11,UBND A,6/A,2024-10-11,false,,,,,,,,\n"
    "Tháng trước,2024-09-30,UBND A,7/A,2024-09-30,true,TL,2024-10-14,,,,,,\n"
    "Chuyển đi,2024-10-12,UBND A,8/A,2024-10-12,true,TL,2024-10-30,,,,,,\n";

TEST_F(ReportTest, OctoberFiguresAddUpAndEachIsRight) {
  const std::vector<int64_t> ids = Documents(kOctober);
  ASSERT_EQ(ids.size(), 8u);
  // Transferred out before the report's day: no longer needs our reply.
  clock_.Set(kNow - absl::Hours(24));  // 1 November
  v1::TransferItemRequest t;
  t.set_item_id(ids[7]);
  t.set_version(Get(ids[7]).version());
  t.set_to_unit_code("BTC");
  t.set_reason("thuộc thẩm quyền Bộ Tài chính");
  v1::TransferItemResponse moved;
  ASSERT_TRUE(workflow_->TransferItem(As(kAdmin).get(), t, &moved).ok());
  clock_.Set(kNow);

  const auto r = Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 11, 2));
  const v1::DocumentFigures& d = r.documents();
  EXPECT_EQ(d.received(), 7);  // September's is not counted
  EXPECT_EQ(d.needing_reply(), 5);
  EXPECT_EQ(d.answered(), 3);
  EXPECT_EQ(d.answered_on_time(), 2);  // one on its very due day
  EXPECT_EQ(d.answered_late(), 1);
  EXPECT_EQ(d.not_yet_due(), 1);  // received 25 Oct: due 8 Nov
  EXPECT_EQ(d.overdue(), 1);
  EXPECT_EQ(d.needing_reply(), d.answered() + d.not_yet_due() + d.overdue());
  // Per unit directly under the ministry: TL counts TL1's.
  ASSERT_EQ(r.units_size(), 2);
  EXPECT_EQ(r.units(0).unit_code(), "CCVC");
  EXPECT_EQ(r.units(0).needing_reply(), 2);
  EXPECT_EQ(r.units(0).overdue(), 1);
  EXPECT_EQ(r.units(1).unit_code(), "TL");
  EXPECT_EQ(r.units(1).needing_reply(), 3);
  EXPECT_EQ(r.units(1).answered_on_time(), 1);

  // As of 31 October, before the transfer, it was still ours, and overdue
  // since 30 October.
  const auto before = Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 10, 31));
  EXPECT_EQ(before.documents().needing_reply(), 6);
  EXPECT_EQ(before.documents().overdue(), 2);

  // A leader sees the subtree of his unit only; another unit is refused.
  const std::string tl = UserToken("tl.lead", v1::ROLE_LEADER, "TL");
  const auto mine =
      Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 11, 2), "", tl);
  EXPECT_EQ(mine.unit_code(), "TL");
  EXPECT_EQ(mine.documents().received(), 4);  // TL, TL1, TL(25 Oct), moved
  EXPECT_EQ(mine.documents().needing_reply(), 3);
  grpc::Status st;
  Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 11, 2), "CCVC", tl, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReportTest, ADueDateCarriedPastTheHolidaysIsNotYetDue) {
  // 10 working days from Thursday 22 August 2024: the National Day holidays
  // (31 August - 3 September) push the due date to Monday 9 September.
  const auto ids = Documents(
      "Trước Quốc khánh,2024-08-22,UBND B,9/B,"
      "2024-08-22,true,TL,,,,,,,\n");
  EXPECT_EQ(Get(ids[0]).due_on().day(), 9);
  auto r = Report(D(2024, 8, 1), D(2024, 8, 31), D(2024, 9, 6));
  EXPECT_EQ(r.documents().not_yet_due(), 1);
  EXPECT_EQ(r.documents().overdue(), 0);
  r = Report(D(2024, 8, 1), D(2024, 8, 31), D(2024, 9, 10));
  EXPECT_EQ(r.documents().overdue(), 1);
}

TEST_F(ReportTest, LaterChangesDoNotMoveAReportAsOfAnEarlierDay) {
  const std::vector<int64_t> ids = Documents(kOctober);
  v1::ImportItemsResponse tasks;
  ASSERT_TRUE(ImportCsv("title,received_on,assigned_by,source_document,"
                        "lead_unit_code,due_on,answered_on,"
                        "answer_document_number,answer_signer,answer_text,"
                        "outcome,outcome_detail\n"
                        "Việc 1,2024-10-05,VPCP,1/TB,TL,2024-10-20,2024-10-18,"
                        "1/BC,Vụ trưởng,Báo cáo,RESOLVED,IMPLEMENTATION\n"
                        "Việc 2,2024-10-06,VPCP,2/TB,TL,2024-11-20,,,,,,\n"
                        "Việc 3,2024-10-07,VPCP,3/TB,CCVC,2024-11-20,,,,,,\n",
                        &tasks, v1::ITEM_KIND_TASK, false, kAdmin, 4096)
                  .ok());
  ASSERT_EQ(tasks.imported(), 3) << tasks.DebugString();
  // A petition of the 7th session answered IN_RESOLUTION: answered, and
  // carried over until its roadmap is done.
  v1::RecordItemResponse petition;
  ASSERT_TRUE(Record(Petition("req-petition-1", "TL"), &petition).ok());

  const auto asked = [&] {
    return Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 11, 2));
  };
  const v1::PeriodReportResponse first = asked();
  EXPECT_EQ(first.tasks().assigned(), 3);
  EXPECT_EQ(first.tasks().completed(), 1);
  EXPECT_EQ(first.tasks().completed_permille(), 333);
  ASSERT_EQ(first.petitions_size(), 1);
  EXPECT_EQ(first.petitions(0).session_number(), 7);
  EXPECT_EQ(first.petitions(0).petitions(), 1);
  EXPECT_EQ(first.petitions(0).answered(), 0);

  // Later: the petition is answered, a deadline extended, an item moved
  // out, new items arrive.
  clock_.Set(kNow + absl::Hours(24 * 10));
  const std::string responder = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
  const std::string leader = UserToken("tl.lead", v1::ROLE_LEADER, "TL");
  const int64_t pid = petition.item().id();
  {
    v1::SaveDraftRequest req;
    req.set_item_id(pid);
    req.set_version(Get(pid).version());
    req.set_text("Dự thảo");
    v1::SaveDraftResponse resp;
    ASSERT_TRUE(workflow_->SaveDraft(As(responder).get(), req, &resp).ok());
  }
  {
    v1::SubmitResponseRequest req;
    req.set_item_id(pid);
    req.set_version(Get(pid).version());
    v1::SubmitResponseResponse resp;
    ASSERT_TRUE(
        workflow_->SubmitResponse(As(responder).get(), req, &resp).ok());
  }
  {
    v1::ApproveResponseRequest req;
    req.set_item_id(pid);
    req.set_version(Get(pid).version());
    v1::ApproveResponseResponse resp;
    ASSERT_TRUE(workflow_->ApproveResponse(As(leader).get(), req, &resp).ok());
  }
  {
    v1::SendResponseRequest req;
    req.set_item_id(pid);
    req.set_version(Get(pid).version());
    req.set_document_number("9/BNV");
    req.set_signer("Thứ trưởng");
    *req.mutable_sent_on() = D(2024, 11, 8);
    req.set_outcome(v1::OUTCOME_IN_RESOLUTION);
    req.set_outcome_detail(v1::OUTCOME_DETAIL_ROADMAP);
    req.set_roadmap("Trình Chính phủ quý I/2025");
    *req.mutable_expected_completion() = D(2025, 3, 31);
    v1::SendResponseResponse resp;
    const grpc::Status st =
        workflow_->SendResponse(As(responder).get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  {
    v1::ExtendDeadlineRequest req;
    req.set_item_id(ids[4]);  // overdue on 2 November
    req.set_version(Get(ids[4]).version());
    *req.mutable_new_due_on() = D(2024, 11, 30);
    req.set_reason("Chờ ý kiến");
    req.set_approved_by("Thứ trưởng");
    v1::ExtendDeadlineResponse resp;
    ASSERT_TRUE(workflow_->ExtendDeadline(As(kAdmin).get(), req, &resp).ok());
  }
  {
    v1::TransferItemRequest req;
    req.set_item_id(ids[3]);
    req.set_version(Get(ids[3]).version());
    req.set_to_unit_code("BTC");
    req.set_reason("thuộc thẩm quyền Bộ Tài chính");
    v1::TransferItemResponse resp;
    ASSERT_TRUE(workflow_->TransferItem(As(kAdmin).get(), req, &resp).ok());
  }
  Documents("Tháng 11,2024-11-05,UBND C,1/C,2024-11-05,true,TL,,,,,,,\n");

  const v1::PeriodReportResponse again = asked();
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString())
      << first.DebugString() << "\n---\n"
      << again.DebugString();
  // As of today the same period reads differently.
  const auto now = Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 11, 12));
  EXPECT_EQ(now.documents().needing_reply(),
            first.documents().needing_reply() - 1);
  EXPECT_EQ(now.petitions(0).answered(), 1);
}

// Figures as of a day, where imports and sessions make them easy to get
// wrong: an item imported later with an answer dated after the day was
// open on that day; a batch received before its session opens counts from
// the day it was received; phases are spelled as report.proto says; and
// open items fall into the due weeks, or the "earlier" and "later" rows,
// or "without a due date", always adding up to the open total.
TEST_F(ReportTest, AsOfTheDayWithImportsBatchesBeforeASessionAndTheWindow) {
  // Session 8 opens after the as-of day; its "before" batch arrived before.
  const int64_t s8 = Session(8, D(2024, 11, 20), D(2024, 12, 20));
  const int64_t before =
      Batch(s8, v1::BATCH_PHASE_BEFORE_SESSION, D(2024, 10, 25), "8/BDN");
  v1::RecordItemRequest p = Petition("req-before-8", "TL");
  *p.mutable_item()->mutable_received_on() = D(2024, 10, 25);
  p.mutable_item()->mutable_petition()->set_batch_id(before);
  ASSERT_TRUE(Record(p).ok());

  // Imported on 20 November: one answered on 10 November, one due before
  // the window (30 September .. 19 January), one due after it.
  clock_.Set(kNow + absl::Hours(24 * 18));
  Documents(
      "Trả lời sau,2024-10-01,UBND A,1/A,2024-10-01,true,TL,2024-10-20,"
      "2024-11-10,1/BNV,Vụ trưởng,Trả lời,EXPLAINED,EXPLANATION\n"
      "Hạn sớm,2024-08-20,UBND A,2/A,2024-08-20,true,TL,2024-09-10,,,,,,\n"
      "Hạn muộn,2024-10-15,UBND A,3/A,2024-10-15,true,CCVC,2025-03-01,,,,,,"
      "\n");
  clock_.Set(kNow);
  const auto r = Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 11, 2));

  // The document answered on 10 November was open and overdue on the 2nd.
  EXPECT_EQ(r.documents().received(), 2);
  EXPECT_EQ(r.documents().answered(), 0);
  EXPECT_EQ(r.documents().overdue(), 1);
  EXPECT_EQ(r.documents().not_yet_due(), 1);

  // Sixteen weeks, each listed, from the Monday four weeks before the
  // as-of day's week.
  ASSERT_EQ(r.due_weeks_size(), 16);
  EXPECT_EQ(r.due_weeks(0).week_of().month(), 9);
  EXPECT_EQ(r.due_weeks(0).week_of().day(), 30);
  EXPECT_EQ(r.due_weeks(15).week_of().month(), 1);
  EXPECT_EQ(r.due_weeks(15).week_of().day(), 13);
  int in_weeks = 0;
  for (const auto& w : r.due_weeks()) {
    in_weeks += w.open_items();
    if (w.week_of().month() == 10 && w.week_of().day() == 14) {
      EXPECT_EQ(w.open_items(), 1) << "due 20 October, answered later";
    }
  }
  EXPECT_EQ(r.open_due_earlier(), 1);
  EXPECT_EQ(r.open_due_later(), 1);
  EXPECT_EQ(r.open_total(), r.open_due_earlier() + in_weeks +
                                r.open_due_later() + r.open_without_due_date());
  // The petition and the three documents.
  EXPECT_EQ(r.open_total(), 4);

  // The 8th session's batch counts from the day it was received, and
  // the 7th's (the earlier one) gives way to it.
  ASSERT_EQ(r.petitions_size(), 1);
  EXPECT_EQ(r.petitions(0).session_number(), 8);
  ASSERT_EQ(r.petitions(0).batches_size(), 1);
  EXPECT_EQ(r.petitions(0).batches(0).phase(), "BATCH_PHASE_BEFORE_SESSION");
  EXPECT_EQ(r.petitions(0).petitions(), 1);
  // As of the day before it arrived, the 7th session's batch is the latest.
  const auto earlier = Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 10, 24));
  ASSERT_EQ(earlier.petitions_size(), 1);
  EXPECT_EQ(earlier.petitions(0).session_number(), 7);
  EXPECT_EQ(earlier.petitions(0).batches(0).phase(),
            "BATCH_PHASE_AFTER_SESSION");
}

// The reference for "as of": each item's state at an instant computed from
// the events recorded by then alone -- its last event's snapshot, else its
// first's; the extensions and transfers recorded by then; the latest
// transfer out's agency and reason. Slow on purpose: a lookup per item.
constexpr store::Statement kStateFromEvents{"test_state_from_events", R"sql(
SELECT i.id, snap->>'kind', snap->>'received_on', snap->>'batch_id',
       coalesce((snap->>'requires_response')::boolean, true)::text,
       snap->>'status', snap->>'due_on', snap->>'lead_unit_code',
       coalesce(ev.extensions, 0), coalesce(ev.transfers, 0), ev.out_to,
       ev.out_reason
  FROM items i
  CROSS JOIN LATERAL (
    SELECT coalesce(
      (SELECT e.after FROM events e WHERE e.item_id = i.id AND e.at <= $1
        ORDER BY e.id DESC LIMIT 1),
      (SELECT e.after FROM events e WHERE e.item_id = i.id
        ORDER BY e.id LIMIT 1)) AS snap) s
  LEFT JOIN (
    SELECT item_id,
           count(*) FILTER (WHERE kind = 'DEADLINE_EXTENDED') AS extensions,
           count(*) FILTER (WHERE kind IN ('TRANSFERRED', 'TRANSFERRED_OUT'))
             AS transfers,
           (array_agg(detail->>'to_unit_code' ORDER BY id DESC)
              FILTER (WHERE kind = 'TRANSFERRED_OUT'))[1] AS out_to,
           (array_agg(detail->>'reason' ORDER BY id DESC)
              FILTER (WHERE kind = 'TRANSFERRED_OUT'))[1] AS out_reason
      FROM events WHERE at <= $1 GROUP BY item_id) ev ON ev.item_id = i.id
 ORDER BY i.id)sql"};
// The same, from the state history the reports read.
constexpr store::Statement kStateFromHistory{"test_state_from_history", R"sql(
SELECT s.item_id, s.kind, s.received_on::text, s.batch_id::text,
       s.requires_response::text, s.status, s.due_on::text, s.lead_code,
       s.extensions,
       s.transfers, s.out_to, s.out_reason
  FROM item_states s
 WHERE s.valid_from <= $1 AND (s.valid_to IS NULL OR s.valid_to > $1)
 ORDER BY s.item_id)sql"};

// A slow reference for the reports' figures as of a day: the items as the
// events recorded by the end of that day left them (kStateFromEvents),
// their first answers sent by then, and the rules written out once more
// here, item by item. Figures for the ministry (`units` empty) or for the
// lead units in `units`.
struct ReferenceTimeliness {
  int needing = 0, answered = 0, on_time = 0, median = 0, p90 = 0;
  int overdue[4] = {0, 0, 0, 0};
  int extensions = 0, transfers = 0;
  std::vector<int> days;  // to answer, of each answered item
};
struct ReferenceFigures {
  int docs_received = 0, docs_needing = 0, docs_answered = 0, docs_on_time = 0,
      docs_late = 0, docs_not_yet_due = 0, docs_overdue = 0, open_total = 0;
  // Open items by the Monday of their due week, and without a due date.
  std::map<absl::CivilDay, int> open_by_week;
  int open_without_due = 0;
  std::map<int64_t, std::pair<int, int>> per_batch;
  // Timeliness: every kind, and per (unit counted under, kind).
  ReferenceTimeliness total;
  std::map<std::pair<std::string, std::string>, ReferenceTimeliness> rows;
};

// `units`: lead unit -> the unit it counts under in the report.
ReferenceFigures Reference(store::Db& db, absl::CivilDay from,
                           absl::CivilDay day,
                           const std::map<std::string, std::string>& units,
                           bool whole_ministry) {
  ReferenceFigures f;
  const absl::Time end =
      absl::FromCivil(absl::CivilSecond(day + 1), MinistryTimeZone()) -
      absl::Microseconds(1);
  const auto parse = [](const pqxx::field& v) -> std::optional<absl::CivilDay> {
    absl::CivilDay d;
    if (v.is_null() || !absl::ParseCivilTime(v.c_str(), &d)) return {};
    return d;
  };
  EXPECT_TRUE(
      db.Transact([&](store::Tx& tx) -> absl::Status {
          std::map<int64_t, absl::CivilDay> first;
          for (const auto& r : tx.ExecScript(absl::StrCat(
                   "SELECT item_id, min(sent_on)::text FROM answers "
                   "WHERE sent_on <= '",
                   absl::FormatCivilTime(day), "' GROUP BY item_id"))) {
            first[r[0].as<int64_t>()] = *parse(r[1]);
          }
          for (const auto& r : tx.Run(kStateFromEvents, end)) {
            const auto received = parse(r[2]);
            if (!received || *received > day) continue;
            const std::string lead = r[7].is_null() ? "" : r[7].c_str();
            const auto under = units.find(lead);
            if (!whole_ministry && under == units.end()) continue;
            const std::string kind = r[1].c_str();
            const bool needs_reply = std::string(r[4].c_str()) == "true";
            const auto status = core::ParseEnum<core::ItemStatus>(r[5].c_str());
            const auto due = parse(r[6]);
            const auto sent = first.find(r[0].as<int64_t>());
            const bool answered = sent != first.end();
            const bool open =
                !answered && status && core::IsOpenAsOf(*status, false);
            const bool owes = answered || open;
            const bool on_time = answered && (!due || sent->second <= *due);
            const bool overdue = open && due && *due < day;
            if (open) {
              ++f.open_total;
              if (due) {
                ++f.open_by_week[*due -
                                 static_cast<int>(absl::GetWeekday(*due))];
              } else {
                ++f.open_without_due;
              }
            }
            if (kind == "PETITION" && status != core::ItemStatus::kDuplicate) {
              auto& b = f.per_batch[r[3].as<int64_t>()];
              ++b.first;
              if (answered) ++b.second;
            }
            if (*received < from) continue;
            if (kind == "DOCUMENT") {
              ++f.docs_received;
              if (needs_reply && owes) {
                ++f.docs_needing;
                if (answered) {
                  ++f.docs_answered;
                  ++(on_time ? f.docs_on_time : f.docs_late);
                } else if (overdue) {
                  ++f.docs_overdue;
                } else {
                  ++f.docs_not_yet_due;
                }
              }
            }
            if (!needs_reply || !owes) continue;
            const auto count = [&](ReferenceTimeliness& t) {
              ++t.needing;
              t.extensions += r[8].as<int>();
              t.transfers += r[9].as<int>();
              if (answered) {
                ++t.answered;
                if (on_time) ++t.on_time;
                t.days.push_back(static_cast<int>(sent->second - *received));
              } else if (overdue) {
                const int late = static_cast<int>(day - *due);
                ++t.overdue[late <= 7    ? 0
                            : late <= 30 ? 1
                            : late <= 90 ? 2
                                         : 3];
              }
            };
            count(f.total);
            if (under != units.end()) count(f.rows[{under->second, kind}]);
          }
          return absl::OkStatus();
        }).ok());
  // percentile_disc: the value at position ceil(p * n) of the sorted list.
  const auto percentiles = [](ReferenceTimeliness& t) {
    std::sort(t.days.begin(), t.days.end());
    const auto at = [&](int percent) {
      if (t.days.empty()) return 0;
      const size_t n = t.days.size();
      return t.days[(n * static_cast<size_t>(percent) + 99) / 100 - 1];
    };
    t.median = at(50);
    t.p90 = at(90);
  };
  percentiles(f.total);
  for (auto& [key, t] : f.rows) percentiles(t);
  return f;
}

// Property: for random histories -- recorded and imported items, drafts,
// returns, approvals, answers, extensions, transfers inside and out, many
// moves at one instant -- the state history gives, at every instant that
// matters (each event's time, and just before it), exactly what the events
// recorded by then give. Every report figure is computed from that state.
TEST_F(ReportTest, StateHistoryAgreesWithTheEventsAtEveryInstant) {
  const std::string responder = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
  const std::string leader = UserToken("tl.lead", v1::ROLE_LEADER, "TL");
  for (const unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    const auto pick = [&](int n) {
      return std::uniform_int_distribution<int>(0, n - 1)(rng);
    };
    absl::Time now = kNow + absl::Hours(24 * 40 * seed);
    std::vector<int64_t> ids;
    for (int k = 0; k < 24; ++k) {
      v1::RecordItemResponse r;
      ASSERT_TRUE(Record(Petition(absl::StrCat("req-prop-", seed, "-", k),
                                  k % 3 == 0 ? "" : "TL"),
                         &r)
                      .ok());
      ids.push_back(r.item().id());
    }
    for (int step = 0; step < 300; ++step) {
      // Often several moves at one instant, else minutes to days later.
      if (pick(4) != 0) now += absl::Minutes(1 + pick(3 * 24 * 60));
      clock_.Set(now);
      if (step % 100 == 7) {
        for (int64_t id : Documents(absl::StrCat(
                 "Nhập ", seed, "-", step, ",2024-10-01,UBND A,", seed, step,
                 "/A,2024-10-01,true,TL,2024-10-20,,,,,,\n"))) {
          ids.push_back(id);
        }
        continue;
      }
      const int64_t id = ids[static_cast<size_t>(pick(ids.size()))];
      const v1::Item it = Get(id);
      grpc::Status st;
      // Mostly a move the item's status allows, sometimes any move.
      int move = pick(9);
      if (pick(4) != 0) {
        switch (it.status()) {
          case v1::ITEM_STATUS_RECEIVED:
            move = 0;
            break;
          case v1::ITEM_STATUS_ASSIGNED:
            move = pick(3) == 0 ? 7 : 1;
            break;
          case v1::ITEM_STATUS_IN_PROGRESS:
            move = pick(3) == 0 ? 6 : 2;
            break;
          case v1::ITEM_STATUS_PENDING_APPROVAL:
            move = it.approved() ? 5 : 3 + pick(2);
            break;
          default:
            break;
        }
      }
      switch (move) {
        case 0: {
          v1::AssignItemRequest req;
          req.set_item_id(id);
          req.set_version(it.version());
          req.set_lead_unit_code(pick(2) ? "TL" : "CCVC");
          v1::AssignItemResponse resp;
          st = workflow_->AssignItem(As(kAdmin).get(), req, &resp);
          break;
        }
        case 1: {
          v1::SaveDraftRequest req;
          req.set_item_id(id);
          req.set_version(it.version());
          req.set_text(absl::StrCat("Dự thảo ", step));
          v1::SaveDraftResponse resp;
          st = workflow_->SaveDraft(As(responder).get(), req, &resp);
          break;
        }
        case 2: {
          v1::SubmitResponseRequest req;
          req.set_item_id(id);
          req.set_version(it.version());
          v1::SubmitResponseResponse resp;
          st = workflow_->SubmitResponse(As(responder).get(), req, &resp);
          break;
        }
        case 3: {
          v1::ReturnResponseRequest req;
          req.set_item_id(id);
          req.set_version(it.version());
          req.set_comment("Sửa lại");
          v1::ReturnResponseResponse resp;
          st = workflow_->ReturnResponse(As(leader).get(), req, &resp);
          break;
        }
        case 4: {
          v1::ApproveResponseRequest req;
          req.set_item_id(id);
          req.set_version(it.version());
          v1::ApproveResponseResponse resp;
          st = workflow_->ApproveResponse(As(leader).get(), req, &resp);
          break;
        }
        case 5: {
          v1::SendResponseRequest req;
          req.set_item_id(id);
          req.set_version(it.version());
          req.set_document_number(absl::StrCat(step, "/BNV"));
          req.set_signer("Thứ trưởng");
          const absl::CivilDay today =
              absl::ToCivilDay(now, MinistryTimeZone());
          *req.mutable_sent_on() = D(today.year(), today.month(), today.day());
          req.set_text("Trả lời");
          req.set_outcome(v1::OUTCOME_EXPLAINED);
          req.set_outcome_detail(v1::OUTCOME_DETAIL_EXPLANATION);
          v1::SendResponseResponse resp;
          st = workflow_->SendResponse(As(responder).get(), req, &resp);
          break;
        }
        case 6: {
          v1::ExtendDeadlineRequest req;
          req.set_item_id(id);
          req.set_version(it.version());
          *req.mutable_new_due_on() = D(2026, 1 + pick(12), 1 + pick(28));
          req.set_reason("Chờ ý kiến");
          req.set_approved_by("Thứ trưởng");
          v1::ExtendDeadlineResponse resp;
          st = workflow_->ExtendDeadline(As(kAdmin).get(), req, &resp);
          break;
        }
        default: {
          v1::TransferItemRequest req;
          req.set_item_id(id);
          req.set_version(it.version());
          req.set_to_unit_code(pick(6) == 0                  ? "BTC"
                               : it.lead_unit_code() == "TL" ? "CCVC"
                                                             : "TL");
          req.set_reason(absl::StrCat("lý do ", step));
          v1::TransferItemResponse resp;
          st = workflow_->TransferItem(As(kAdmin).get(), req, &resp);
          break;
        }
      }
      // A move the item's status refuses is part of a random history.
      EXPECT_NE(st.error_code(), grpc::INTERNAL) << st.error_message();
    }

    std::set<absl::Time> instants = {kNow - absl::Hours(24 * 365)};
    ASSERT_TRUE(db_->Transact([&](store::Tx& tx) -> absl::Status {
                     for (const auto& r : tx.ExecScript(
                              "SELECT (extract(epoch FROM at) * 1000000)"
                              "::bigint FROM events")) {
                       const absl::Time t =
                           absl::FromUnixMicros(r[0].as<int64_t>());
                       instants.insert(t);
                       instants.insert(t - absl::Microseconds(1));
                     }
                     return absl::OkStatus();
                   })
                    .ok());
    int compared = 0;
    // Twice: as the trigger kept it, then rebuilt from the events as the
    // migration does for the events recorded before it.
    for (const bool rebuilt : {false, true}) {
      if (rebuilt) {
        ASSERT_TRUE(db_->Transact([&](store::Tx& tx) -> absl::Status {
                         tx.ExecScript("SELECT pq_rebuild_item_states()");
                         return absl::OkStatus();
                       })
                        .ok());
      }
      for (const absl::Time t : instants) {
        const auto rows = [&](const store::Statement& s) {
          std::vector<std::string> out;
          EXPECT_TRUE(db_->Transact([&](store::Tx& tx) -> absl::Status {
                           for (const auto& r : tx.Run(s, t)) {
                             std::string line;
                             for (const auto& f : r) {
                               absl::StrAppend(
                                   &line, f.is_null() ? "-" : f.c_str(), "|");
                             }
                             out.push_back(line);
                           }
                           return absl::OkStatus();
                         })
                          .ok());
          return out;
        };
        ASSERT_EQ(rows(kStateFromHistory), rows(kStateFromEvents))
            << "seed " << seed << (rebuilt ? ", rebuilt," : "") << " at "
            << absl::FormatTime(t);
        ++compared;
      }
    }
    EXPECT_GT(compared, 400);

    // Every report figure as of a day, for the ministry and for TL, equals
    // the reference computed from the events alone.
    std::vector<absl::CivilDay> report_days;
    for (const absl::Time t : instants) {
      const absl::CivilDay d = absl::ToCivilDay(t, MinistryTimeZone());
      if (report_days.empty() || d - report_days.back() >= 20) {
        report_days.push_back(d);
      }
    }
    const absl::CivilDay from(2024, 1, 1);
    // (Instants of earlier seeds' histories may lie after this one's today.)
    const absl::CivilDay today =
        absl::ToCivilDay(clock_.Now(), MinistryTimeZone());
    int reports = 0;
    for (const absl::CivilDay d : report_days) {
      if (d < from || d > today) continue;
      const v1::Date as_of = D(d.year(), d.month(), d.day());
      // Where each lead unit counts: under the ministry's departments, or
      // (for TL's report) under TL's own units.
      const ReferenceFigures tl_ref =
          Reference(*db_, from, d, {{"TL", "TL"}, {"TL1", "TL1"}}, false);
      for (const std::string unit : {"", "TL"}) {
        const ReferenceFigures ref = unit.empty()
                                         ? Reference(*db_, from, d,
                                                     {{"BNV", "BNV"},
                                                      {"TL", "TL"},
                                                      {"TL1", "TL"},
                                                      {"CCVC", "CCVC"}},
                                                     true)
                                         : tl_ref;
        const std::string where =
            absl::StrCat("seed ", seed, " as of ", absl::FormatCivilTime(d),
                         unit.empty() ? " (ministry)" : " (TL)");
        const v1::PeriodReportResponse p =
            Report(D(2024, 1, 1), as_of, as_of, unit);
        const v1::DocumentFigures& docs = p.documents();
        EXPECT_EQ(docs.received(), ref.docs_received) << where;
        EXPECT_EQ(docs.needing_reply(), ref.docs_needing) << where;
        EXPECT_EQ(docs.answered(), ref.docs_answered) << where;
        EXPECT_EQ(docs.answered_on_time(), ref.docs_on_time) << where;
        EXPECT_EQ(docs.answered_late(), ref.docs_late) << where;
        EXPECT_EQ(docs.not_yet_due(), ref.docs_not_yet_due) << where;
        EXPECT_EQ(docs.overdue(), ref.docs_overdue) << where;
        EXPECT_EQ(p.open_total(), ref.open_total) << where;
        // Each due week, and what falls before, after or has no due date.
        ASSERT_GT(p.due_weeks_size(), 0) << where;
        const auto monday = [](const v1::Date& w) {
          return absl::CivilDay(w.year(), w.month(), w.day());
        };
        const absl::CivilDay first = monday(p.due_weeks(0).week_of());
        const absl::CivilDay last =
            monday(p.due_weeks(p.due_weeks_size() - 1).week_of());
        int earlier = 0, later = 0;
        for (const auto& [week, n] : ref.open_by_week) {
          if (week < first) earlier += n;
          if (week > last) later += n;
        }
        for (const auto& w : p.due_weeks()) {
          const auto it = ref.open_by_week.find(monday(w.week_of()));
          EXPECT_EQ(w.open_items(),
                    it == ref.open_by_week.end() ? 0 : it->second)
              << where << ", week of "
              << absl::FormatCivilTime(monday(w.week_of()));
        }
        EXPECT_EQ(p.open_due_earlier(), earlier) << where;
        EXPECT_EQ(p.open_due_later(), later) << where;
        EXPECT_EQ(p.open_without_due_date(), ref.open_without_due) << where;
        // TL's row (TL and TL1 count under it; no tasks in these histories).
        int tl_rows = 0;
        for (const auto& u : p.units()) {
          if (u.unit_code() != "TL") continue;
          ++tl_rows;
          EXPECT_EQ(u.needing_reply(), tl_ref.docs_needing) << where;
          EXPECT_EQ(u.answered(), tl_ref.docs_answered) << where;
          EXPECT_EQ(u.answered_on_time(), tl_ref.docs_on_time) << where;
          EXPECT_EQ(u.overdue(), tl_ref.docs_overdue) << where;
        }
        EXPECT_EQ(tl_rows, tl_ref.docs_needing > 0 ? 1 : 0) << where;
        for (const auto& session : p.petitions()) {
          for (const auto& b : session.batches()) {
            const auto it = ref.per_batch.find(b.batch_id());
            const std::pair<int, int> want = it == ref.per_batch.end()
                                                 ? std::pair<int, int>{0, 0}
                                                 : it->second;
            EXPECT_EQ(b.petitions(), want.first) << where;
            EXPECT_EQ(b.answered(), want.second) << where;
          }
        }
        v1::TimelinessReportRequest tq;
        *tq.mutable_from() = D(2024, 1, 1);
        *tq.mutable_to() = as_of;
        *tq.mutable_as_of() = as_of;
        tq.set_unit_code(unit);
        v1::TimelinessReportResponse t;
        ASSERT_TRUE(reports_->TimelinessReport(As(kAdmin).get(), tq, &t).ok());
        const auto same = [&](const v1::TimelinessRow& got,
                              const ReferenceTimeliness& want,
                              const std::string& row) {
          EXPECT_EQ(got.needing_reply(), want.needing) << where << row;
          EXPECT_EQ(got.answered(), want.answered) << where << row;
          EXPECT_EQ(got.answered_on_time(), want.on_time) << where << row;
          EXPECT_EQ(got.median_days(), want.median) << where << row;
          EXPECT_EQ(got.p90_days(), want.p90) << where << row;
          EXPECT_EQ(got.overdue_1_7(), want.overdue[0]) << where << row;
          EXPECT_EQ(got.overdue_8_30(), want.overdue[1]) << where << row;
          EXPECT_EQ(got.overdue_31_90(), want.overdue[2]) << where << row;
          EXPECT_EQ(got.overdue_over_90(), want.overdue[3]) << where << row;
          EXPECT_EQ(got.extensions(), want.extensions) << where << row;
          EXPECT_EQ(got.transfers(), want.transfers) << where << row;
        };
        same(t.total(), ref.total, ", total");
        EXPECT_EQ(static_cast<size_t>(t.rows_size()), ref.rows.size()) << where;
        for (const auto& row : t.rows()) {
          const auto it = ref.rows.find({row.unit_code(), row.kind()});
          if (it == ref.rows.end()) {
            ADD_FAILURE() << where << ": no row " << row.unit_code() << " "
                          << row.kind() << " in the reference";
            continue;
          }
          same(row, it->second,
               absl::StrCat(", ", row.unit_code(), " ", row.kind()));
        }
        // The session's petitions (every answer here is EXPLAINED).
        v1::SessionReportRequest sq;
        sq.set_session_id(session_id_);
        *sq.mutable_as_of() = as_of;
        sq.set_unit_code(unit);
        v1::SessionReportResponse sr;
        ASSERT_TRUE(reports_->SessionReport(As(kAdmin).get(), sq, &sr).ok());
        int petitions = 0, answered = 0;
        for (const auto& [batch, counts] : ref.per_batch) {
          petitions += counts.first;
          answered += counts.second;
        }
        EXPECT_EQ(sr.total().total(), petitions) << where;
        EXPECT_EQ(sr.total().answered(), answered) << where;
        EXPECT_EQ(sr.total().explained(), answered) << where;
        EXPECT_EQ(sr.total().resolved() + sr.total().in_resolution(), 0)
            << where;
        ++reports;
      }
    }
    EXPECT_GE(reports, 6);
  }
}

TEST_F(ReportTest, BadRequestsNameTheField) {
  grpc::Status st;
  Report(D(2024, 10, 31), D(2024, 10, 1), D(2024, 11, 2), "", kAdmin, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("to: must not be before from"),
            std::string::npos);
  Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 11, 3), "", kAdmin, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("as_of: must not be after today"),
            std::string::npos);
  Report(D(2024, 10, 1), D(2024, 10, 31), D(2024, 11, 2), "NOPE", kAdmin, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace pqtrack::api

namespace pqtrack::api {
namespace {

TEST_F(ReportTest, TimelinessPerUnitAndKind) {
  const std::vector<int64_t> ids = Documents(kOctober);
  v1::ExtendDeadlineRequest extend;
  extend.set_item_id(ids[3]);
  extend.set_version(Get(ids[3]).version());
  *extend.mutable_new_due_on() = D(2024, 11, 20);
  extend.set_reason("Chờ ý kiến");
  extend.set_approved_by("Thứ trưởng");
  v1::ExtendDeadlineResponse extended;
  ASSERT_TRUE(
      workflow_->ExtendDeadline(As(kAdmin).get(), extend, &extended).ok());

  v1::TimelinessReportRequest req;
  *req.mutable_from() = D(2024, 10, 1);
  *req.mutable_to() = D(2024, 10, 31);
  *req.mutable_as_of() = D(2024, 11, 2);
  v1::TimelinessReportResponse r;
  const grpc::Status st = reports_->TimelinessReport(As(kAdmin).get(), req, &r);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(r.rows_size(), 2) << r.DebugString();
  const v1::TimelinessRow& ccvc = r.rows(0);
  EXPECT_EQ(ccvc.unit_code(), "CCVC");
  EXPECT_EQ(ccvc.kind(), "DOCUMENT");
  EXPECT_EQ(ccvc.needing_reply(), 2);
  EXPECT_EQ(ccvc.on_time_permille(), 1000);
  EXPECT_EQ(ccvc.median_days(), 14);  // answered on its due day
  EXPECT_EQ(ccvc.overdue_8_30(), 1);  // due 20 October
  const v1::TimelinessRow& tl = r.rows(1);
  EXPECT_EQ(tl.unit_code(), "TL");  // with TL1's
  EXPECT_EQ(tl.answered(), 2);
  EXPECT_EQ(tl.on_time_permille(), 500);
  EXPECT_EQ(tl.median_days(), 9);
  EXPECT_EQ(tl.p90_days(), 18);
  EXPECT_EQ(tl.overdue_1_7(), 1);  // due 30 October
  EXPECT_EQ(tl.extensions(), 1);
  EXPECT_EQ(r.total().needing_reply(), 6);
  EXPECT_EQ(r.total().answered_on_time(), 2);
}

TEST_F(ReportTest, SessionOutcomesCarriedOverAndTransferredOut) {
  // Session 6 (earlier) with one petition still IN_RESOLUTION, and the
  // next regular session known.
  const int64_t s6 = Session(6, D(2023, 10, 23), D(2023, 11, 29));
  const int64_t b6 =
      Batch(s6, v1::BATCH_PHASE_AFTER_SESSION, D(2024, 1, 10), "6/BDN");
  Session(8, D(2024, 10, 21), D(2024, 11, 30));

  const std::string b7 = absl::StrCat(batch_id_);
  const std::string old = absl::StrCat(b6);
  v1::ImportItemsResponse imported;
  ASSERT_TRUE(
      ImportCsv(
          "title,received_on,batch_id,delegations,field,lead_unit_code,"
          "answered_on,answer_document_number,answer_signer,answer_text,"
          "outcome,outcome_detail,roadmap,expected_completion\n"
          "Một,2024-07-20," +
              b7 +
              ",Huế,Tiền lương,TL,2024-08-10,1/BNV,"
              "Thứ trưởng,Đã giải quyết,RESOLVED,IMPLEMENTATION,,\n"
              "Hai,2024-07-20," +
              b7 +
              ",Huế,Tiền lương,TL1,2024-08-12,2/BNV,"
              "Thứ trưởng,Đang giải quyết,IN_RESOLUTION,ROADMAP,Lộ trình 2025,"
              "2025-06-30\n"
              "Ba,2024-07-20," +
              b7 +
              ",Huế,Công chức,CCVC,2024-08-15,3/BNV,"
              "Thứ trưởng,Giải trình,EXPLAINED,EXPLANATION,,\n"
              "Bốn,2024-07-20," +
              b7 +
              ",Huế,Công chức,CCVC,,,,,,,,\n"
              "Năm,2024-07-20," +
              b7 +
              ",Huế,Đất đai,TL,,,,,,,,\n"
              "Cũ,2024-01-10," +
              old +
              ",Huế,Tiền lương,TL,2024-02-20,9/BNV,"
              "Thứ trưởng,Đang giải quyết,IN_RESOLUTION,ROADMAP,Sửa Nghị định,"
              "2024-12-31\n",
          &imported, v1::ITEM_KIND_PETITION, false, kAdmin, 4096)
          .ok());
  ASSERT_EQ(imported.imported(), 6) << imported.DebugString();
  v1::TransferItemRequest t;
  t.set_item_id(imported.item_ids(4));
  t.set_version(Get(imported.item_ids(4)).version());
  t.set_to_unit_code("BTC");
  t.set_reason("thuộc thẩm quyền Bộ Tài nguyên");
  v1::TransferItemResponse moved;
  ASSERT_TRUE(workflow_->TransferItem(As(kAdmin).get(), t, &moved).ok());

  v1::SessionReportRequest req;
  req.set_session_id(session_id_);
  v1::SessionReportResponse r;
  const grpc::Status st = reports_->SessionReport(As(kAdmin).get(), req, &r);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(r.session_number(), 7);
  EXPECT_EQ(r.total().total(), 5);
  EXPECT_EQ(r.total().answered(), 3);
  EXPECT_EQ(r.total().resolved(), 1);
  EXPECT_EQ(r.total().in_resolution(), 1);
  EXPECT_EQ(r.total().explained(), 1);
  EXPECT_EQ(r.total().details().at("ROADMAP"), 1);
  ASSERT_EQ(r.fields_size(), 3);
  EXPECT_EQ(r.fields(0).key(), "Công chức");
  EXPECT_EQ(r.fields(0).total(), 2);
  ASSERT_EQ(r.units_size(), 2);
  EXPECT_EQ(r.units(1).key(), "TL");
  EXPECT_EQ(r.units(1).total(), 3);  // TL1's counted in
  ASSERT_EQ(r.in_resolution_size(), 1);
  EXPECT_EQ(r.in_resolution(0).expected_completion().month(), 6);
  ASSERT_EQ(r.carried_over_size(), 1);
  EXPECT_EQ(r.carried_over(0).session_number(), 6);
  EXPECT_EQ(r.carried_over(0).roadmap(), "Sửa Nghị định");
  ASSERT_EQ(r.transferred_out_size(), 1);
  EXPECT_EQ(r.transferred_out(0).to_unit_code(), "BTC");
  EXPECT_EQ(r.transferred_out(0).reason(), "thuộc thẩm quyền Bộ Tài nguyên");
  // 40 days before the 8th session opens on 21 October.
  EXPECT_EQ(r.report_due_on().month(), 9);
  EXPECT_EQ(r.report_due_on().day(), 11);

  req.set_batch_id(999);
  EXPECT_EQ(reports_->SessionReport(As(kAdmin).get(), req, &r).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace pqtrack::api
