// pqtrack import and export: a whole batch or register in one command.
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/cli/cli.h"
#include "pqtrack/v1/bulk.grpc.pb.h"

namespace pqtrack::cli {
namespace {

constexpr size_t kChunk = 64 * 1024;

// A progress bar on standard error, drawn only when it is a terminal.
class Progress {
 public:
  Progress(std::string label, uint64_t total)
      : label_(std::move(label)), total_(total), tty_(isatty(2) != 0) {}
  void Update(uint64_t done) {
    if (!tty_ || total_ == 0) return;
    const int pct = static_cast<int>(done * 100 / total_);
    if (pct == last_) return;
    last_ = pct;
    const int filled = pct * 30 / 100;
    std::cerr << "\r" << label_ << " [" << std::string(filled, '#')
              << std::string(30 - filled, '-') << "] "
              << absl::StrFormat("%3d%%", pct) << std::flush;
  }
  void Say(const std::string& text) {
    if (tty_) std::cerr << "\r\033[K" << text << std::flush;
  }
  void Done() {
    if (tty_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  std::string label_;
  uint64_t total_;
  bool tty_;
  int last_ = -1;
};

void Import(Context& ctx, const std::string& path, const std::string& kind,
            bool skip_invalid, bool dry_run) {
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
  v1::ImportItemsResponse resp;
  auto writer = stub.ImportItems(call.get(), &resp);
  v1::ImportItemsRequest req;
  req.mutable_options()->set_kind(ItemKindFromName(kind));
  req.mutable_options()->set_skip_invalid(skip_invalid);
  req.mutable_options()->set_dry_run(dry_run);
  bool open = writer->Write(req);
  Progress progress("sending " + path, size);
  std::string buf(kChunk, '\0');
  uint64_t sent = 0;
  while (open && in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    req.Clear();
    req.set_csv(buf.data(), n);
    open = writer->Write(req);
    sent += n;
    progress.Update(sent);
  }
  progress.Say("checking every row and writing...");
  writer->WritesDone();
  const grpc::Status st = writer->Finish();
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
      std::string file, kind;
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
    c->callback([&ctx, o] {
      Import(ctx, o->file, o->kind, o->skip_invalid, o->dry_run);
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
