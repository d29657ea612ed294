// ImportItems and ExportItems through the API: rows checked before anything
// is written, --skip-invalid, routing and deadlines on imported rows, the
// past of an existing register, and the export -> import round trip.
#include <google/protobuf/util/json_util.h>

#include <map>
#include <set>

#include "absl/strings/str_split.h"
#include "pqtrack/v1/bulk.grpc.pb.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

class BulkTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
  }

  grpc::Status Import(const std::string& csv, v1::ImportItemsResponse* resp,
                      bool skip_invalid = false,
                      const std::string& token = kAdmin,
                      v1::ItemKind kind = v1::ITEM_KIND_PETITION,
                      size_t chunk = 7) {
    return ImportCsv(csv, resp, kind, skip_invalid, token, chunk);
  }

  std::string Export(v1::ExportFormat format, const std::string& token = kAdmin,
                     grpc::Status* status = nullptr) {
    v1::ExportItemsRequest req;
    req.mutable_filter()->set_kind(v1::ITEM_KIND_PETITION);
    req.set_format(format);
    auto ctx = As(token);
    auto reader = bulk_->ExportItems(ctx.get(), req);
    std::string out;
    v1::ExportItemsResponse chunk;
    while (reader->Read(&chunk)) out += chunk.chunk();
    const grpc::Status st = reader->Finish();
    if (status) *status = st;
    EXPECT_TRUE(st.ok() || status) << st.error_message();
    return out;
  }

  std::string Batch() { return absl::StrCat(batch_id_); }
};

std::pair<int, std::string> E(int line, const std::string& column) {
  return {line, column};
}

TEST_F(BulkTest, BadRowsAreAllNamedAndNothingIsWritten) {
  const std::string csv = absl::StrCat(
      "title,received_on,batch_id,delegations,field,lead_unit_code,"
      "external_ref\n",
      "Kiến nghị tốt,2024-07-20,", Batch(), ",Hà Nội,Tiền lương,TL,KN-1\n",
      "Ngày sai,2024-02-30,", Batch(), ",Huế,Tiền lương,TL,KN-2\n",
      "Đơn vị lạ,2024-07-20,", Batch(), ",Huế,Tiền lương,XYZ,KN-3\n",
      ",2024-07-20,999,Huế,Tiền lương,TL,KN-4\n", "Trùng số,2024-07-20,",
      Batch(), ",Huế,Tiền lương,TL,KN-1\n");
  v1::ImportItemsResponse resp;
  const grpc::Status st = Import(csv, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(resp.rows(), 5);
  EXPECT_EQ(resp.imported(), 0);
  std::map<std::pair<int, std::string>, std::string> errors;
  for (const auto& e : resp.errors()) errors[{e.line(), e.column()}] = e.rule();
  EXPECT_EQ(errors.size(), 5u) << resp.DebugString();
  EXPECT_NE(errors[E(3, "received_on")].find("not a date"), std::string::npos);
  EXPECT_NE(errors[E(4, "lead_unit_code")].find("no unit \"XYZ\""),
            std::string::npos);
  EXPECT_EQ(errors[E(5, "title")], "required");
  EXPECT_EQ(errors[E(5, "batch_id")], "no batch 999");
  EXPECT_NE(errors[E(6, "external_ref")].find("line 2"), std::string::npos);
  EXPECT_EQ(Count("items"), 0);
  EXPECT_EQ(Count("events"), 0);
}

TEST_F(BulkTest, SkipInvalidWritesTheGoodRowsInOneGo) {
  const std::string csv = absl::StrCat(
      "title,received_on,batch_id,delegations,field,lead_unit_code\n",
      "Một,2024-07-20,", Batch(), ",Hà Nội;Huế,Tiền lương,TL\n",
      "Hai,2024-07-20,", Batch(), ",Huế,Tiền lương,NOPE\n",
      "\"Ba, có dấu phẩy\",2024-07-21,", Batch(), ",Huế,Tiền lương,CCVC\n");
  v1::ImportItemsResponse resp;
  ASSERT_TRUE(Import(csv, &resp, /*skip_invalid=*/true).ok());
  EXPECT_EQ(resp.imported(), 2);
  ASSERT_EQ(resp.errors_size(), 1);
  EXPECT_EQ(resp.errors(0).line(), 3);
  EXPECT_EQ(Count("items"), 2);
  v1::GetItemResponse got;
  v1::GetItemRequest get;
  get.set_id(resp.item_ids(1));
  ASSERT_TRUE(items_->GetItem(As(kAdmin).get(), get, &got).ok());
  EXPECT_EQ(got.item().title(), "Ba, có dấu phẩy");
  EXPECT_EQ(got.item().status(), v1::ITEM_STATUS_ASSIGNED);
  EXPECT_EQ(got.item().session_id(), session_id_);
  // 60 calendar days from 2024-07-21.
  EXPECT_EQ(got.item().due_on().month(), 9);
  EXPECT_EQ(got.item().due_on().day(), 19);
  v1::GetItemHistoryRequest hreq;
  hreq.set_id(resp.item_ids(0));
  v1::GetItemHistoryResponse history;
  ASSERT_TRUE(items_->GetItemHistory(As(kAdmin).get(), hreq, &history).ok());
  ASSERT_EQ(history.events_size(), 1);
  EXPECT_EQ(history.events(0).kind(), "IMPORTED");
  v1::VerifyAuditChainResponse report;
  ASSERT_TRUE(admin_->VerifyAuditChain(As(kAdmin).get(), {}, &report).ok());
  EXPECT_TRUE(report.intact());
  // The events' snapshots are those item_snapshot() takes.
  pqxx::connection c(db_->url());
  pqxx::work w(c);
  EXPECT_EQ(w.exec1("SELECT count(*) FROM events WHERE kind = 'IMPORTED' "
                    "AND after = item_snapshot(item_id)")[0]
                .as<int>(),
            2);
}

TEST_F(BulkTest, RoutingRulesDeadlinesAndTheRegistersPastApply) {
  v1::CreateRuleRequest rule;
  rule.mutable_rule()->set_name("lương");
  rule.mutable_rule()->add_words("tien luong");
  rule.mutable_rule()->set_lead_unit_code("TL");
  rule.mutable_rule()->add_coordinating_unit_codes("CCVC");
  v1::CreateRuleResponse rule_resp;
  ASSERT_TRUE(routing_->CreateRule(As(kAdmin).get(), rule, &rule_resp).ok());
  const std::string csv = absl::StrCat(
      "title,received_on,batch_id,delegations,field,lead_unit_code,due_on,"
      "answered_on,answer_document_number,answer_signer,answer_text,outcome,"
      "outcome_detail\n",
      // Routed; due 60 days later, long past: its ladder must stay silent.
      "Về tiền lương,2024-07-20,", Batch(), ",Huế,Lương,,,,,,,,\n",
      // Answered in the past: closed, with its answer.
      "Đã trả lời,2024-07-20,", Batch(),
      ",Huế,Đất đai,CCVC,2024-09-30,2024-08-15,12/BNV,Thứ trưởng,"
      "\"Đã giải quyết.\nXem văn bản.\",RESOLVED,LEGAL_DOCUMENT\n",
      // Due in the future: its ladder is pending.
      "Mới,2024-10-30,", Batch(), ",Huế,Khác,TL,,,,,,,\n");
  v1::ImportItemsResponse resp;
  const grpc::Status st = Import(csv, &resp);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(resp.imported(), 3) << resp.DebugString();

  v1::GetItemRequest get;
  v1::GetItemResponse routed, answered;
  get.set_id(resp.item_ids(0));
  ASSERT_TRUE(items_->GetItem(As(kAdmin).get(), get, &routed).ok());
  EXPECT_EQ(routed.item().lead_unit_code(), "TL");
  EXPECT_EQ(routed.item().coordinating_unit_codes(0), "CCVC");
  EXPECT_EQ(routed.item().routed_by_rule_id(), rule_resp.rule().id());
  get.set_id(resp.item_ids(1));
  ASSERT_TRUE(items_->GetItem(As(kAdmin).get(), get, &answered).ok());
  EXPECT_EQ(answered.item().status(), v1::ITEM_STATUS_ANSWERED);
  EXPECT_EQ(answered.item().due_on().day(), 30);  // the given due date
  EXPECT_EQ(Count("answers"), 1);

  // Nothing is overdue-fired for the old row; the new row waits.
  EXPECT_EQ(*services_->deps().alerts.FireDue(kNow), 0);
  EXPECT_EQ(Count("alerts"), 0);
  pqxx::connection c(db_->url());
  pqxx::work w(c);
  EXPECT_EQ(w.exec1("SELECT count(*) FROM alert_schedule WHERE item_id = " +
                    std::to_string(resp.item_ids(2)) +
                    " AND fired_at IS NULL AND cancelled_at IS NULL")[0]
                .as<int>(),
            6);
  EXPECT_EQ(w.exec1("SELECT count(*) FROM events WHERE kind = 'IMPORTED' "
                    "AND after = item_snapshot(item_id)")[0]
                .as<int>(),
            3);
}

TEST_F(BulkTest, ExportReimportsAsItIs) {
  const std::string csv = absl::StrCat(
      "title,received_on,batch_id,delegations,field,lead_unit_code,"
      "coordinating_unit_codes,body,answered_on,answer_document_number,"
      "answer_signer,answer_text,outcome,outcome_detail,roadmap,"
      "expected_completion\n",
      "Một,2024-07-20,", Batch(),
      ",Hà Nội;Huế,Tiền lương,TL,CCVC,\"dòng 1\ndòng \"\"2\"\"\",,,,,,,,\n",
      "Hai,2024-07-21,", Batch(),
      ",Huế,Đất đai,TL,,,2024-08-01,5/BNV,Bộ trưởng,Trả lời,IN_RESOLUTION,"
      "ROADMAP,Lộ trình 2025,2025-03-31\n");
  v1::ImportItemsResponse first;
  ASSERT_TRUE(Import(csv, &first).ok());
  ASSERT_EQ(first.imported(), 2) << first.DebugString();
  const std::string exported = Export(v1::EXPORT_FORMAT_CSV);

  v1::ImportItemsResponse again;
  const grpc::Status st =
      Import(exported, &again, false, kAdmin, v1::ITEM_KIND_PETITION, 4096);
  ASSERT_TRUE(st.ok()) << st.error_message() << "\n" << exported;
  ASSERT_EQ(again.imported(), 2) << again.DebugString();
  EXPECT_EQ(again.errors_size(), 0);

  // Every record of the first export appears twice in the second, ids apart.
  const auto records = [](const std::string& text) {
    CsvParser p;
    std::vector<CsvRecord> out;
    p.Feed(text, &out);
    EXPECT_TRUE(p.Finish(&out).ok());
    std::multiset<std::vector<std::string>> rows;
    for (size_t i = 1; i < out.size(); ++i) {
      out[i].fields.erase(out[i].fields.begin());  // the id
      rows.insert(out[i].fields);
    }
    return rows;
  };
  const auto once = records(exported);
  const auto twice = records(Export(v1::EXPORT_FORMAT_CSV));
  ASSERT_EQ(once.size(), 2u);
  for (const auto& row : once) EXPECT_EQ(twice.count(row), 2u);

  // JSON Lines: one ExportedItem per line, the answer included.
  const std::string jsonl = Export(v1::EXPORT_FORMAT_JSON_LINES);
  int answers = 0, lines = 0;
  for (absl::string_view line : absl::StrSplit(jsonl, '\n')) {
    if (line.empty()) continue;
    v1::ExportedItem item;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(std::string(line), &item)
            .ok());
    ++lines;
    if (item.has_answer()) {
      ++answers;
      EXPECT_EQ(item.answer().outcome(), v1::OUTCOME_IN_RESOLUTION);
    }
  }
  EXPECT_EQ(lines, 4);
  EXPECT_EQ(answers, 2);
}

TEST_F(BulkTest, RightsAndScope) {
  const std::string responder = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
  const std::string other = UserToken("ccvc.resp", v1::ROLE_RESPONDER, "CCVC");
  v1::ImportItemsResponse resp;
  const std::string csv = absl::StrCat(
      "title,received_on,batch_id,delegations,field,lead_unit_code\n",
      "Một,2024-07-20,", Batch(), ",Huế,Tiền lương,TL\n");
  EXPECT_EQ(Import(csv, &resp, false, responder).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Import(csv, &resp).ok());
  EXPECT_NE(Export(v1::EXPORT_FORMAT_CSV, responder).find("Một"),
            std::string::npos);
  EXPECT_EQ(Export(v1::EXPORT_FORMAT_CSV, other).find("Một"),
            std::string::npos);
}

TEST_F(BulkTest, UnreadableRequestsAreInvalidArgument) {
  v1::ImportItemsResponse resp;
  grpc::Status st = Import("title,received_on,colour\n", &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("\"colour\""), std::string::npos);
  EXPECT_NE(st.error_message().find("\"batch_id\" is required"),
            std::string::npos);
  st = Import("title,received_on\n\"open", &resp, false, kAdmin,
              v1::ITEM_KIND_TASK);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("line 2"), std::string::npos);
  st = Import("", &resp, false, kAdmin, v1::ITEM_KIND_UNSPECIFIED);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("options.kind"), std::string::npos);
  grpc::Status export_status;
  v1::ExportItemsRequest req;
  req.set_format(v1::EXPORT_FORMAT_CSV);
  auto ctx = As(kAdmin);
  auto reader = bulk_->ExportItems(ctx.get(), req);
  v1::ExportItemsResponse chunk;
  while (reader->Read(&chunk)) {
  }
  export_status = reader->Finish();
  EXPECT_EQ(export_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(export_status.error_message().find("filter.kind"),
            std::string::npos);
  EXPECT_EQ(Count("items"), 0);
}

// ImportItemsWithProgress does ImportItems' work and says how far it is:
// each phase in turn, rows done never going back, each phase ending at
// every row, and the same result as the plain rpc.
TEST_F(BulkTest, ProgressGoesThroughEachPhaseToTheSameResult) {
  std::string csv =
      "title,received_on,batch_id,delegations,field,lead_unit_code\n";
  const int kRows = 250;
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&csv, "Kiến nghị ", i, ",2024-07-20,", Batch(),
                    ",Huế,Tiền lương,", i == 100 ? "NOPE" : "TL", "\n");
  }
  const auto run = [&](bool dry_run, std::vector<v1::ImportItemsProgress>* out,
                       const std::string& token = kAdmin) {
    auto ctx = As(token);
    auto stream = bulk_->ImportItemsWithProgress(ctx.get());
    v1::ImportItemsRequest req;
    req.mutable_options()->set_kind(v1::ITEM_KIND_PETITION);
    req.mutable_options()->set_skip_invalid(true);
    req.mutable_options()->set_dry_run(dry_run);
    stream->Write(req);
    for (size_t i = 0; i < csv.size(); i += 1000) {
      req.Clear();
      req.set_csv(csv.substr(i, 1000));
      stream->Write(req);
    }
    stream->WritesDone();
    v1::ImportItemsProgress p;
    while (stream->Read(&p)) out->push_back(p);
    return stream->Finish();
  };
  const auto check = [&](const std::vector<v1::ImportItemsProgress>& got,
                         std::vector<v1::ImportPhase> phases) {
    ASSERT_FALSE(got.empty());
    ASSERT_TRUE(got.back().has_result());
    std::vector<v1::ImportPhase> seen;
    int done = 0;
    for (size_t i = 0; i + 1 < got.size(); ++i) {
      const v1::ImportItemsProgress& p = got[i];
      EXPECT_FALSE(p.has_result());
      EXPECT_EQ(p.rows(), kRows);
      EXPECT_LE(p.done(), kRows);
      if (seen.empty() || seen.back() != p.phase()) {
        if (!seen.empty()) {
          EXPECT_EQ(done, kRows) << "phase " << seen.back();
        }
        seen.push_back(p.phase());
      } else {
        EXPECT_GE(p.done(), done);
      }
      done = p.done();
    }
    EXPECT_EQ(done, kRows);
    EXPECT_EQ(seen, phases);
    // At most one message per percent of each phase, and its end.
    EXPECT_LE(got.size(), phases.size() * 102 + 1);
  };

  std::vector<v1::ImportItemsProgress> dry;
  ASSERT_TRUE(run(true, &dry).ok());
  check(dry, {v1::IMPORT_PHASE_PARSING, v1::IMPORT_PHASE_CHECKING});
  EXPECT_EQ(dry.back().result().imported(), 0);
  EXPECT_EQ(Count("items"), 0);

  std::vector<v1::ImportItemsProgress> got;
  ASSERT_TRUE(run(false, &got).ok());
  check(got, {v1::IMPORT_PHASE_PARSING, v1::IMPORT_PHASE_CHECKING,
              v1::IMPORT_PHASE_WRITING});
  const v1::ImportItemsResponse& r = got.back().result();
  EXPECT_EQ(r.rows(), kRows);
  EXPECT_EQ(r.imported(), kRows - 1);
  ASSERT_EQ(r.errors_size(), 1);
  EXPECT_EQ(r.errors(0).line(), 102);
  EXPECT_EQ(Count("items"), kRows - 1);

  // Rights and unreadable requests as ImportItems.
  const std::string responder = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
  std::vector<v1::ImportItemsProgress> none;
  EXPECT_EQ(run(false, &none, responder).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(none.empty());
  csv = "title,received_on,colour\n";
  const grpc::Status st = run(false, &none);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("\"colour\""), std::string::npos);
  EXPECT_EQ(Count("items"), kRows - 1);
}

}  // namespace
}  // namespace pqtrack::api
