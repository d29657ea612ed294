#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/item_csv.h"

namespace pqtrack::api {
namespace {

constexpr size_t kMaxImportBytes = size_t{256} << 20;
constexpr int kExportPage = 500;

}  // namespace

grpc::Status BulkServiceImpl::ImportItems(
    grpc::ServerContext* ctx,
    grpc::ServerReader<v1::ImportItemsRequest>* reader,
    v1::ImportItemsResponse* resp) {
  return Handle(
      [&]() -> absl::Status { return Import(ctx, reader, nullptr, resp); });
}

grpc::Status BulkServiceImpl::ImportItemsWithProgress(
    grpc::ServerContext* ctx,
    grpc::ServerReaderWriter<v1::ImportItemsProgress, v1::ImportItemsRequest>*
        stream) {
  return Handle([&]() -> absl::Status {
    // One message per percent of a phase, and its end.
    store::ImportStore::Phase last_phase = store::ImportStore::Phase::kParsing;
    int last_percent = -1;
    const auto progress = [&](store::ImportStore::Phase phase, int done,
                              int rows) {
      const int percent = rows == 0 ? 100 : done * 100 / rows;
      if (phase == last_phase && percent == last_percent) return;
      last_phase = phase;
      last_percent = percent;
      v1::ImportItemsProgress out;
      switch (phase) {
        case store::ImportStore::Phase::kParsing:
          out.set_phase(v1::IMPORT_PHASE_PARSING);
          break;
        case store::ImportStore::Phase::kChecking:
          out.set_phase(v1::IMPORT_PHASE_CHECKING);
          break;
        case store::ImportStore::Phase::kWriting:
          out.set_phase(v1::IMPORT_PHASE_WRITING);
          break;
      }
      out.set_done(done);
      out.set_rows(rows);
      (void)stream->Write(out);  // a client gone is seen at the end
    };
    v1::ImportItemsProgress last;
    PQ_RETURN_IF_ERROR(Import(ctx, stream, progress, last.mutable_result()));
    if (!stream->Write(last)) {
      return absl::CancelledError("the client went away");
    }
    return absl::OkStatus();
  });
}

absl::Status BulkServiceImpl::Import(
    grpc::ServerContext* ctx,
    grpc::internal::ReaderInterface<v1::ImportItemsRequest>* reader,
    const store::ImportStore::Progress& progress,
    v1::ImportItemsResponse* resp) {
  PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
  PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kRecordItem));
  v1::ImportItemsRequest msg;
  absl::Status broken;
  if (!ReadPart(reader, &msg, &broken) || !msg.has_options()) {
    PQ_RETURN_IF_ERROR(broken);
    return absl::InvalidArgumentError("options: required in the first message");
  }
  const v1::ImportOptions options = msg.options();
  const std::optional<core::ItemKind> kind =
      core::EnumFromInt<core::ItemKind>(options.kind());
  if (!kind || *kind == core::ItemKind::kUnspecified) {
    return absl::InvalidArgumentError(
        "options.kind: required (PETITION, QUESTION, DOCUMENT or TASK)");
  }
  CsvParser parser;
  std::vector<CsvRecord> records;
  size_t bytes = 0;
  while (ReadPart(reader, &msg, &broken)) {
    if (msg.has_options()) {
      return absl::InvalidArgumentError("options: only in the first message");
    }
    bytes += msg.csv().size();
    if (bytes > kMaxImportBytes) {
      return absl::InvalidArgumentError(
          "csv: larger than 256 MiB; split the file");
    }
    parser.Feed(msg.csv(), &records);
  }
  PQ_RETURN_IF_ERROR(broken);  // nothing of a broken file is imported
  if (absl::Status s = parser.Finish(&records); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("csv: ", s.message()));
  }
  if (records.empty()) {
    return absl::InvalidArgumentError("csv: empty (a header row is needed)");
  }
  PQ_ASSIGN_OR_RETURN(const core::CsvLayout layout,
                      core::CsvLayout::Read(*kind, records[0].fields));
  const core::Day today = Today(d_.clock);
  std::vector<core::ImportRow> rows;
  std::vector<core::RowError> errors;
  for (size_t i = 1; i < records.size(); ++i) {
    core::ImportRow row;
    if (progress) {
      progress(store::ImportStore::Phase::kParsing, static_cast<int>(i - 1),
               static_cast<int>(records.size() - 1));
    }
    layout.Parse(records[i], today, &row, &errors);
    rows.push_back(std::move(row));
  }
  if (progress) {
    progress(store::ImportStore::Phase::kParsing, static_cast<int>(rows.size()),
             static_cast<int>(rows.size()));
  }
  store::ImportStore::Options o;
  o.skip_invalid = options.skip_invalid();
  o.dry_run = options.dry_run();
  o.progress = progress;
  PQ_ASSIGN_OR_RETURN(const store::ImportStore::Result r,
                      d_.imports.Import(who.user_id, std::move(rows),
                                        std::move(errors), o, d_.clock.Now()));
  resp->set_rows(static_cast<int>(records.size() - 1));
  resp->set_imported(static_cast<int>(r.item_ids.size()));
  for (const core::RowError& e : r.errors) {
    v1::ImportError* out = resp->add_errors();
    out->set_line(e.line);
    out->set_column(e.column);
    out->set_rule(e.rule);
  }
  for (int64_t id : r.item_ids) resp->add_item_ids(id);
  return absl::OkStatus();
}

grpc::Status BulkServiceImpl::ExportItems(
    grpc::ServerContext* ctx, const v1::ExportItemsRequest* req,
    grpc::ServerWriter<v1::ExportItemsResponse>* writer) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    core::Violations v;
    const core::ItemFilter filter = FromProto(v, req->filter(), "filter.");
    core::ValidateItemFilter(v, filter, "filter.");
    if (req->filter().page_size() != 0 || !req->filter().page_token().empty()) {
      v.Add("filter.page_size", "must be empty: an export has no pages");
    }
    const bool csv = req->format() == v1::EXPORT_FORMAT_CSV;
    if (!csv && req->format() != v1::EXPORT_FORMAT_JSON_LINES) {
      v.Add("format", "required (CSV or JSON_LINES)");
    }
    if (csv && filter.kind == core::ItemKind::kUnspecified) {
      v.Add("filter.kind", "required for CSV: each kind has its own columns");
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());

    std::string chunk;
    if (csv) chunk = CsvLine(core::CsvColumns(filter.kind));
    core::PageRequest page;
    page.size = kExportPage;
    google::protobuf::util::JsonPrintOptions json;
    json.preserve_proto_field_names = true;
    for (;;) {
      if (ctx->IsCancelled()) {
        return absl::CancelledError("the client went away");
      }
      bool more = false;
      PQ_ASSIGN_OR_RETURN(
          const std::vector<core::Item> items,
          d_.items.ListItems(ScopeOf(who), filter, page, &more));
      std::vector<int64_t> answered;
      for (const core::Item& it : items) {
        if (it.status == core::ItemStatus::kAnswered) answered.push_back(it.id);
      }
      PQ_ASSIGN_OR_RETURN(const auto answers,
                          d_.imports.LatestAnswers(answered));
      for (const core::Item& it : items) {
        auto a = answers.find(it.id);
        std::optional<core::Answer> answer;
        if (a != answers.end()) answer = a->second;
        if (csv) {
          chunk += CsvLine(core::CsvFields(it, answer));
          continue;
        }
        v1::ExportedItem out;
        api::ToProto(it, out.mutable_item());
        if (answer) ToProto(*answer, out.mutable_answer());
        std::string line;
        if (!google::protobuf::util::MessageToJsonString(out, &line, json)
                 .ok()) {
          return absl::InternalError("cannot write an item as JSON");
        }
        chunk += line;
        chunk += '\n';
      }
      v1::ExportItemsResponse r;
      r.set_chunk(std::move(chunk));
      r.set_items(static_cast<int>(items.size()));
      chunk.clear();
      if (!writer->Write(r)) {
        return absl::CancelledError("the client went away");
      }
      if (!more || items.empty()) break;
      page.after_id = items.back().id;
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
