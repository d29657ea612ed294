// pqtrack import and export: a whole batch or register in one command.
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/cli.h"
#include "pqtrack/v1/bulk.grpc.pb.h"

namespace pqtrack::cli {
namespace {

constexpr size_t kChunk = 64 * 1024;

// A progress bar on standard error: with "auto" drawn only when it is a
// terminal, with "always" anyway, with "never" not.
class Progress {
 public:
  explicit Progress(const std::string& mode)
      : shown_(mode == "always" || (mode == "auto" && isatty(2) != 0)) {}
  // Shows `done` of `total` under `label`.
  void Update(const std::string& label, uint64_t done, uint64_t total) {
    if (!shown_ || total == 0) return;
    const int pct = static_cast<int>(std::min(done, total) * 100 / total);
    if (label == label_ && pct == last_) return;
    label_ = label;
    last_ = pct;
    const int filled = pct * 30 / 100;
    std::cerr << "\r\033[K" << label << " [" << std::string(filled, '#')
              << std::string(30 - filled, '-') << "] "
              << absl::StrFormat("%3d%%", pct) << std::flush;
  }
  void Say(const std::string& text) {
    if (shown_) std::cerr << "\r\033[K" << text << std::flush;
    label_.clear();
  }
  void Done() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool shown_;
  std::string label_;
  int last_ = -1;
};

void Import(Context& ctx, const std::string& path, const std::string& kind,
            bool skip_invalid, bool dry_run, const std::string& progress_mode) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot read " << path << "\n";
    ctx.exit_code = 1;
    return;
  }
  in.seekg(0, std::ios::end);
  const uint64_t size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  v1::BulkService::Stub stub(ctx.conn().channel());
  auto call = ctx.conn().NewStreamContext();
  auto stream = stub.ImportItemsWithProgress(call.get());
  v1::ImportItemsRequest req;
  req.mutable_options()->set_kind(ItemKindFromName(kind));
  req.mutable_options()->set_skip_invalid(skip_invalid);
  req.mutable_options()->set_dry_run(dry_run);
  bool open = stream->Write(req);
  Progress progress(progress_mode);
  const std::string sending = "sending " + path;
  std::string buf(kChunk, '\0');
  uint64_t sent = 0;
  while (open && in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    req.Clear();
    req.set_csv(buf.data(), n);
    open = stream->Write(req);
    sent += n;
    progress.Update(sending, sent, size);
  }
  stream->WritesDone();
  v1::ImportItemsResponse resp;
  v1::ImportItemsProgress p;
  while (stream->Read(&p)) {
    if (p.has_result()) {
      resp = p.result();
      continue;
    }
    switch (p.phase()) {
      case v1::IMPORT_PHASE_PARSING:
        progress.Update("reading rows", p.done(), p.rows());
        break;
      case v1::IMPORT_PHASE_CHECKING:
        progress.Update("checking rows", p.done(), p.rows());
        break;
      case v1::IMPORT_PHASE_WRITING:
        if (p.done() < p.rows()) {
          progress.Update("writing items", p.done(), p.rows());
        } else {
          progress.Say("writing items and their history...");
        }
        break;
      default:
        break;
    }
  }
  const grpc::Status st = stream->Finish();
  progress.Done();
  if (!st.ok()) {
    ctx.exit_code = client::PrintError(st);
    return;
  }
  const bool refused = resp.errors_size() > 0 && !skip_invalid;
  if (refused || dry_run) ctx.exit_code = resp.errors_size() > 0 ? 1 : 0;
  if (ctx.json()) return client::PrintJson(std::cout, resp);
  if (resp.errors_size() > 0) {
    client::Table t({"LINE", "COLUMN", "RULE"});
    t.SetMaxWidth(2, 90);
    for (const auto& e : resp.errors()) {
      t.AddRow({absl::StrCat(e.line()), e.column().empty() ? "-" : e.column(),
                e.rule()});
    }
    t.Print(std::cout);
  }
  if (dry_run) {
    std::cout << resp.rows() << " rows checked, " << resp.errors_size()
              << " problem(s); nothing written (dry run)\n";
  } else if (refused) {
    std::cout << resp.rows() << " rows read, " << resp.errors_size()
              << " problem(s): nothing written (fix them, or pass "
                 "--skip-invalid to write the good rows)\n";
  } else {
    std::cout << resp.rows() << " rows read, " << resp.imported()
              << " items imported";
    if (resp.imported() > 0) {
      std::cout << " (ids " << resp.item_ids(0) << "-"
                << resp.item_ids(resp.item_ids_size() - 1) << ")";
    }
    if (resp.errors_size() > 0) {
      std::cout << ", rows with the problems above skipped";
    }
    std::cout << "\n";
  }
}

void Export(Context& ctx, const ItemFilterOptions& filter,
            const std::string& format, const std::string& out_path) {
  v1::ExportItemsRequest req;
  *req.mutable_filter() = ItemFilterRequest(ctx, filter);
  req.set_format(format == "csv" ? v1::EXPORT_FORMAT_CSV
                                 : v1::EXPORT_FORMAT_JSON_LINES);
  std::ofstream file;
  if (!out_path.empty()) {
    file.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "error: cannot write " << out_path << "\n";
      ctx.exit_code = 1;
      return;
    }
  }
  std::ostream& out = out_path.empty() ? std::cout : file;
  v1::BulkService::Stub stub(ctx.conn().channel());
  auto call = ctx.conn().NewStreamContext();
  auto reader = stub.ExportItems(call.get(), req);
  v1::ExportItemsResponse chunk;
  int64_t items = 0;
  const bool tty = isatty(2) != 0;
  while (reader->Read(&chunk)) {
    out << chunk.chunk();
    items += chunk.items();
    if (tty && !out_path.empty()) {
      std::cerr << "\rexported " << items << " items" << std::flush;
    }
  }
  const grpc::Status st = reader->Finish();
  out.flush();
  if (tty && !out_path.empty()) std::cerr << "\r\033[K";
  if (!st.ok()) {
    ctx.exit_code = client::PrintError(st);
    return;
  }
  if (!out_path.empty()) {
    std::cerr << "exported " << items << " items to " << out_path << "\n";
  }
}

}  // namespace

void AddBulkCommands(CLI::App& app, Context& ctx) {
  {
    struct Opts {
      std::string file, kind, progress = "auto";
      bool skip_invalid = false, dry_run = false;
    };
    auto o = std::make_shared<Opts>();
    auto* c = app.add_subcommand(
        "import",
        "Import items from a CSV file (UTF-8, header row; the columns of "
        "each kind are in proto/pqtrack/v1/bulk.proto and the README). Every "
        "row is checked first; by default nothing is written if any row is "
        "bad. Exit 1 when rows were refused.");
    c->add_option("file", o->file, "CSV file")->required();
    c->add_option("--kind", o->kind, "Kind of every row")
        ->required()
        ->check(CLI::IsMember(KindNames()));
    c->add_flag("--skip-invalid", o->skip_invalid,
                "Write the good rows and list the bad ones");
    c->add_flag("--dry-run", o->dry_run, "Check every row, write nothing");
    c->add_option("--progress", o->progress,
                  "A progress bar on standard error while the file is sent, "
                  "read, checked and written: auto (when it is a terminal), "
                  "always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    c->callback([&ctx, o] {
      Import(ctx, o->file, o->kind, o->skip_invalid, o->dry_run, o->progress);
    });
  }
  {
    struct Opts {
      ItemFilterOptions filter;
      std::string format = "csv", out;
    };
    auto o = std::make_shared<Opts>();
    auto* c = app.add_subcommand(
        "export",
        "Export items (the item list filters) as CSV, which re-imports as it "
        "is, or JSON Lines");
    AddItemFilterOptions(c, &o->filter);
    c->add_option("--format", o->format, "csv (needs --kind) or jsonl")
        ->check(CLI::IsMember({"csv", "jsonl"}))
        ->capture_default_str();
    c->add_option("--out", o->out, "Write to this file (default: stdout)");
    c->callback([&ctx, o] { Export(ctx, o->filter, o->format, o->out); });
  }
}

}  // namespace pqtrack::cli
