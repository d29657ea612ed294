#include "clients/common/attachments.h"

namespace pqtrack::client {

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
