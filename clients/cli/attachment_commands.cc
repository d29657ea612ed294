// pqtrack item attach / files / download: the files of an item.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cli/cli.h"
#include "clients/common/attachments.h"
#include "clients/common/output.h"
#include "pqtrack/v1/attachment.grpc.pb.h"
#include "services/common/dates.h"
#include "services/core/attachments.h"

namespace pqtrack::cli {
namespace {

std::string Uploaded(const v1::Attachment& a) {
  return client::FormatInstant(a.upload_time());
}

void Attach(Context& ctx, int64_t item, const std::string& path,
            std::string type, const std::string& kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot read " << path << "\n";
    ctx.exit_code = 1;
    return;
  }
  const std::string name = std::filesystem::path(path).filename().string();
  if (type.empty()) type = core::TypeOfFileName(name);
  if (type.empty()) {
    std::cerr << "error: cannot tell the type of " << name
              << " from its extension (.pdf, .docx, .png, .jpg); give --type\n";
    ctx.exit_code = 2;
    return;
  }
  auto call = ctx.conn().NewStreamContext();
  v1::Attachment h;
  h.set_item_id(item);
  h.set_file_name(name);
  h.set_content_type(type);
  h.set_kind(kind == "supporting" ? v1::ATTACHMENT_KIND_SUPPORTING
                                  : v1::ATTACHMENT_KIND_SIGNED_ANSWER);
  v1::UploadAttachmentResponse resp;
  const grpc::Status st = client::UploadAttachment(
      ctx.conn().channel(), call.get(), h,
      [&in](char* buf, size_t size) {
        in.read(buf, static_cast<std::streamsize>(size));
        return static_cast<size_t>(in.gcount());
      },
      &resp);
  if (!st.ok()) {
    ctx.exit_code = client::PrintError(st);
    return;
  }
  if (ctx.json()) return client::PrintJson(std::cout, resp);
  const v1::Attachment& a = resp.attachment();
  std::cout << "attached " << a.file_name() << " to item " << a.item_id()
            << " as file " << a.id() << " (" << a.size_bytes()
            << " bytes, sha256 " << a.sha256() << ")\n";
}

void Download(Context& ctx, int64_t item, int64_t file, std::string out) {
  auto call = ctx.conn().NewStreamContext();
  v1::Attachment a;
  std::string bytes;
  const grpc::Status st = client::DownloadAttachment(
      ctx.conn().channel(), call.get(), item, file, &a, &bytes);
  if (!st.ok()) {
    ctx.exit_code = client::PrintError(st);
    return;
  }
  if (out.empty()) out = a.file_name();
  if (std::filesystem::exists(out) && out != "-") {
    std::cerr << "error: " << out
              << " exists; give -o with another path (nothing written)\n";
    ctx.exit_code = 1;
    return;
  }
  if (out == "-") {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return;
  }
  std::ofstream f(out, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f.flush()) {
    std::cerr << "error: cannot write " << out << "\n";
    ctx.exit_code = 1;
    return;
  }
  std::cerr << "wrote " << out << " (" << bytes.size() << " bytes, sha256 "
            << a.sha256() << ")\n";
}

}  // namespace

void AddAttachmentCommands(CLI::App& app, Context& ctx) {
  CLI::App* item = app.get_subcommand("item");
  {
    struct Opts {
      int64_t id = 0;
      std::string path, type, kind = "signed-answer";
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "attach",
        "Attach a file (PDF, DOCX, PNG or JPEG, at most 20 MiB) to an item; "
        "it is recorded in the item's history");
    c->add_option("id", o->id, "Item id")->required();
    c->add_option("file", o->path, "The file")->required();
    c->add_option("--type", o->type,
                  "Content type (default: from the extension .pdf, .docx, "
                  ".png, .jpg)");
    c->add_option("--kind", o->kind, "What it is")
        ->check(CLI::IsMember({"signed-answer", "supporting"}))
        ->capture_default_str();
    c->callback([&ctx, o] { Attach(ctx, o->id, o->path, o->type, o->kind); });
  }
  {
    auto id = std::make_shared<int64_t>(0);
    auto* c = item->add_subcommand("files", "List an item's attached files");
    c->add_option("id", *id, "Item id")->required();
    c->callback([&ctx, id] {
      v1::ListAttachmentsRequest req;
      req.set_item_id(*id);
      v1::ListAttachmentsResponse resp;
      if (!Call(ctx, &v1::AttachmentService::Stub::ListAttachments, req,
                &resp)) {
        return;
      }
      if (ctx.json()) return client::PrintJson(std::cout, resp);
      client::Table t({"FILE", "KIND", "NAME", "BYTES", "BY", "AT", "SHA256"});
      for (const auto& a : resp.attachments()) {
        t.AddRow({absl::StrCat(a.id()),
                  client::EnumLabel(v1::AttachmentKind_descriptor(), a.kind()),
                  a.file_name(), absl::StrCat(a.size_bytes()),
                  a.uploaded_by_login(), Uploaded(a), a.sha256()});
      }
      t.Print(std::cout);
    });
  }
  {
    struct Opts {
      int64_t id = 0, file = 0;
      std::string out;
    };
    auto o = std::make_shared<Opts>();
    auto* c = item->add_subcommand(
        "download", "Download an attached file (never over an existing file)");
    c->add_option("id", o->id, "Item id")->required();
    c->add_option("file", o->file, "File number (see item files)")->required();
    c->add_option("-O,--out", o->out,
                  "Where to write it (default: its own name in this "
                  "directory; - for standard output)");
    c->callback([&ctx, o] { Download(ctx, o->id, o->file, o->out); });
  }
}

}  // namespace pqtrack::cli
