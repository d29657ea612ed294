// Provides the client side of AttachmentService's download stream, shared
// by pqtrack and pqtrack-web: the file's description and all its bytes.
#ifndef PQTRACK_CLIENTS_COMMON_ATTACHMENTS_H_
#define PQTRACK_CLIENTS_COMMON_ATTACHMENTS_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <cstdint>
#include <memory>
#include <string>

#include "pqtrack/v1/attachment.grpc.pb.h"

namespace pqtrack::client {

// Reads file `file` of item `item` whole (at most 20 MiB) over `channel`
// with `ctx`; the stream's status.
grpc::Status DownloadAttachment(const std::shared_ptr<grpc::Channel>& channel,
                                grpc::ClientContext* ctx, int64_t item,
                                int64_t file, v1::Attachment* description,
                                std::string* bytes);

}  // namespace pqtrack::client

#endif  // PQTRACK_CLIENTS_COMMON_ATTACHMENTS_H_
