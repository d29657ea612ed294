#include "clients/common/attachments.h"

namespace pqtrack::client {

grpc::Status UploadAttachment(const std::shared_ptr<grpc::Channel>& channel,
                              grpc::ClientContext* ctx,
                              const v1::Attachment& header,
                              absl::FunctionRef<size_t(char*, size_t)> read,
                              v1::UploadAttachmentResponse* resp) {
  auto writer =
      v1::AttachmentService::NewStub(channel)->UploadAttachment(ctx, resp);
  v1::UploadAttachmentRequest req;
  *req.mutable_header() = header;
  bool open = writer->Write(req);
  std::string buf(size_t{1} << 20, '\0');
  while (open) {
    const size_t n = read(buf.data(), buf.size());
    if (n == 0) break;
    req.Clear();
    req.set_chunk(buf.data(), n);
    open = writer->Write(req);
  }
  writer->WritesDone();
  return writer->Finish();
}

grpc::Status DownloadAttachment(const std::shared_ptr<grpc::Channel>& channel,
                                grpc::ClientContext* ctx, int64_t item,
                                int64_t file, v1::Attachment* description,
                                std::string* bytes) {
  v1::DownloadAttachmentRequest req;
  req.set_item_id(item);
  req.set_attachment_id(file);
  auto reader =
      v1::AttachmentService::NewStub(channel)->DownloadAttachment(ctx, req);
  v1::DownloadAttachmentResponse part;
  while (reader->Read(&part)) {
    if (part.has_attachment()) {
      *description = part.attachment();
    } else {
      *bytes += part.chunk();
    }
  }
  return reader->Finish();
}

}  // namespace pqtrack::client
