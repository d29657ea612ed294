// Provides the client side of AttachmentService's streams, shared by
// pqtrack and pqtrack-web: an upload in chunks of 1 MiB, and a download of
// the file's description and all its bytes.
#ifndef PQTRACK_CLIENTS_COMMON_ATTACHMENTS_H_
#define PQTRACK_CLIENTS_COMMON_ATTACHMENTS_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "pqtrack/v1/attachment.grpc.pb.h"

namespace pqtrack::client {

// Uploads a file described by `header` (item, kind, name, type) over
// `channel` with `ctx`: `read(buf, size)` fills `buf` with up to `size`
// bytes and returns how many, 0 at the end. The stream's status; `*resp`
// describes the file stored.
grpc::Status UploadAttachment(const std::shared_ptr<grpc::Channel>& channel,
                              grpc::ClientContext* ctx,
                              const v1::Attachment& header,
                              absl::FunctionRef<size_t(char*, size_t)> read,
                              v1::UploadAttachmentResponse* resp);

// Reads file `file` of item `item` whole (at most 20 MiB) over `channel`
// with `ctx`; the stream's status.
grpc::Status DownloadAttachment(const std::shared_ptr<grpc::Channel>& channel,
                                grpc::ClientContext* ctx, int64_t item,
                                int64_t file, v1::Attachment* description,
                                std::string* bytes);

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_ATTACHMENTS_H_
