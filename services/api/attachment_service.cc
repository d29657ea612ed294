#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"
#include "services/core/attachments.h"

namespace pqtrack::api {
namespace {

constexpr size_t kMaxChunk = size_t{1} << 20;

void ToProto(const core::Attachment& a, v1::Attachment* out) {
  out->set_id(a.id);
  out->set_item_id(a.item_id);
  out->set_kind(static_cast<v1::AttachmentKind>(a.kind));
  out->set_file_name(a.file_name);
  out->set_content_type(a.content_type);
  out->set_size_bytes(a.size_bytes);
  out->set_sha256(a.sha256);
  out->set_uploaded_by_login(a.uploaded_by_login);
  TimeToProto(a.upload_time, out->mutable_upload_time());
}

}  // namespace

grpc::Status AttachmentServiceImpl::UploadAttachment(
    grpc::ServerContext* ctx,
    grpc::ServerReader<v1::UploadAttachmentRequest>* reader,
    v1::UploadAttachmentResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kAttachFiles));
    v1::UploadAttachmentRequest msg;
    absl::Status broken;
    if (!ReadPart(reader, &msg, &broken) || !msg.has_header()) {
      PQ_RETURN_IF_ERROR(broken);
      return absl::InvalidArgumentError(
          "header: required in the first message");
    }
    const v1::Attachment& h = msg.header();
    core::Attachment a;
    a.item_id = h.item_id();
    a.file_name = h.file_name();
    a.content_type = h.content_type();
    core::Violations v;
    if (a.item_id <= 0) v.Add("header.item_id", "required (a positive id)");
    if (h.kind() == v1::ATTACHMENT_KIND_SIGNED_ANSWER) {
      a.kind = core::AttachmentKind::kSignedAnswer;
    } else if (h.kind() == v1::ATTACHMENT_KIND_SUPPORTING) {
      a.kind = core::AttachmentKind::kSupporting;
    } else {
      v.Add("header.kind", "required (SIGNED_ANSWER or SUPPORTING)");
    }
    core::Violations header;
    core::ValidateAttachmentHeader(header, a.file_name, a.content_type);
    for (const auto& e : header.entries()) {
      v.Add(absl::StrCat("header.", e.field), e.rule);
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    while (ReadPart(reader, &msg, &broken)) {
      if (msg.has_header()) {
        return absl::InvalidArgumentError("header: only in the first message");
      }
      if (msg.chunk().size() > kMaxChunk) {
        return absl::InvalidArgumentError("chunk: at most 1 MiB per message");
      }
      if (a.content.size() + msg.chunk().size() > core::kMaxAttachmentBytes) {
        return absl::InvalidArgumentError(
            "chunk: the file is larger than 20 MiB; nothing was stored");
      }
      a.content += msg.chunk();
    }
    PQ_RETURN_IF_ERROR(broken);  // nothing of a broken upload is kept
    if (a.content.empty()) {
      return absl::InvalidArgumentError("chunk: the file is empty");
    }
    if (!core::ContentMatchesType(a.content_type, a.content.substr(0, 16))) {
      return absl::InvalidArgumentError(
          absl::StrCat("chunk: the bytes are not a ", a.content_type,
                       " file (check the file and its type)"));
    }
    PQ_ASSIGN_OR_RETURN(
        const core::Attachment stored,
        d_.attachments.Add(ScopeOf(who), who.user_id, a, d_.clock.Now()));
    ToProto(stored, resp->mutable_attachment());
    return absl::OkStatus();
  });
}

grpc::Status AttachmentServiceImpl::ListAttachments(
    grpc::ServerContext* ctx, const v1::ListAttachmentsRequest* req,
    v1::ListAttachmentsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    if (req->item_id() <= 0) {
      return absl::InvalidArgumentError("item_id: required (a positive id)");
    }
    PQ_ASSIGN_OR_RETURN(const auto list,
                        d_.attachments.List(ScopeOf(who), req->item_id()));
    for (const core::Attachment& a : list) {
      ToProto(a, resp->add_attachments());
    }
    return absl::OkStatus();
  });
}

grpc::Status AttachmentServiceImpl::DownloadAttachment(
    grpc::ServerContext* ctx, const v1::DownloadAttachmentRequest* req,
    grpc::ServerWriter<v1::DownloadAttachmentResponse>* writer) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
    core::Violations v;
    if (req->item_id() <= 0) v.Add("item_id", "required (a positive id)");
    if (req->attachment_id() <= 0) {
      v.Add("attachment_id", "required (a positive id)");
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const core::Attachment a,
        d_.attachments.Get(ScopeOf(who), req->item_id(), req->attachment_id()));
    v1::DownloadAttachmentResponse first;
    ToProto(a, first.mutable_attachment());
    if (!writer->Write(first)) {
      return absl::CancelledError("the client went away");
    }
    for (size_t at = 0; at < a.content.size(); at += kMaxChunk) {
      v1::DownloadAttachmentResponse part;
      part.set_chunk(a.content.substr(at, kMaxChunk));
      if (!writer->Write(part)) {
        return absl::CancelledError("the client went away");
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
