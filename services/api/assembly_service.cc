#include <algorithm>
#include <memory>
#include <vector>

#include "pqtrack/v1/attachment.pb.h"
#include "pqtrack/v1/bulk.pb.h"
#include "pqtrack/v1/limits.pb.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

namespace pqtrack::api {

using core::Action;

grpc::Status AssemblyServiceImpl::CreateTerm(grpc::ServerContext* ctx,
                                             const v1::CreateTermRequest* req,
                                             v1::CreateTermResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageAssembly));
    core::Violations v;
    if (!req->has_term()) v.Add("term", "required");
    const core::Term term = FromProto(req->term());
    if (req->has_term()) core::ValidateTerm(v, "term.", term);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Term stored,
                        d_.assembly.CreateTerm(term, d_.clock.Now()));
    ToProto(stored, resp->mutable_term());
    return absl::OkStatus();
  });
}

grpc::Status AssemblyServiceImpl::ListTerms(grpc::ServerContext* ctx,
                                            const v1::ListTermsRequest*,
                                            v1::ListTermsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadAssembly));
    PQ_ASSIGN_OR_RETURN(const auto terms, d_.assembly.ListTerms());
    for (const core::Term& t : terms) ToProto(t, resp->add_terms());
    return absl::OkStatus();
  });
}

grpc::Status AssemblyServiceImpl::CreateSession(
    grpc::ServerContext* ctx, const v1::CreateSessionRequest* req,
    v1::CreateSessionResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageAssembly));
    core::Violations v;
    const core::Session s = FromProto(v, *req);
    core::ValidateSession(v, "", s);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Session stored,
                        d_.assembly.CreateSession(s, d_.clock.Now()));
    ToProto(stored, resp->mutable_session());
    return absl::OkStatus();
  });
}

grpc::Status AssemblyServiceImpl::ListSessions(
    grpc::ServerContext* ctx, const v1::ListSessionsRequest* req,
    v1::ListSessionsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadAssembly));
    core::Violations v;
    core::CheckTermCode(v, "term_code", req->term_code(), false);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const auto sessions,
                        d_.assembly.ListSessions(req->term_code()));
    for (const core::Session& s : sessions) ToProto(s, resp->add_sessions());
    return absl::OkStatus();
  });
}

grpc::Status AssemblyServiceImpl::CreateBatch(grpc::ServerContext* ctx,
                                              const v1::CreateBatchRequest* req,
                                              v1::CreateBatchResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageAssembly));
    core::Violations v;
    const core::Batch b = FromProto(v, *req);
    core::ValidateBatch(v, "", b, Today(d_.clock));
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Batch stored,
                        d_.assembly.CreateBatch(b, d_.clock.Now()));
    ToProto(stored, resp->mutable_batch());
    return absl::OkStatus();
  });
}

grpc::Status AssemblyServiceImpl::ListBatches(grpc::ServerContext* ctx,
                                              const v1::ListBatchesRequest* req,
                                              v1::ListBatchesResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadAssembly));
    if (req->session_id() < 0) {
      return absl::InvalidArgumentError("session_id: must not be negative");
    }
    PQ_ASSIGN_OR_RETURN(const auto batches,
                        d_.assembly.ListBatches(req->session_id()));
    for (const core::Batch& b : batches) ToProto(b, resp->add_batches());
    return absl::OkStatus();
  });
}

namespace {

// The largest request message: an ImportItems part (or an attachment
// chunk) at its limit, plus room for framing. gRPC's default of 4 MiB would
// refuse a part of 4 MiB with RESOURCE_EXHAUSTED, not the field's rule.
int MaxRequestBytes() {
  const auto max_bytes = [](const google::protobuf::Descriptor* d,
                            const char* field) {
    return d->FindFieldByName(field)
        ->options()
        .GetExtension(v1::limit)
        .max_bytes();
  };
  return std::max(
             max_bytes(v1::ImportItemsRequest::descriptor(), "csv"),
             max_bytes(v1::UploadAttachmentRequest::descriptor(), "chunk")) +
         (64 << 10);
}

}  // namespace

void ApiServices::RegisterAll(grpc::ServerBuilder& builder,
                              CallLogOptions call_log) {
  wire::QuietDecodeErrors();
  builder.SetMaxReceiveMessageSize(MaxRequestBytes());
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(NewCallLogFactory(call_log));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(&assembly_);
  builder.RegisterService(&units_);
  builder.RegisterService(&items_);
  builder.RegisterService(&admin_);
  builder.RegisterService(&workflow_);
  builder.RegisterService(&routing_);
  builder.RegisterService(&calendar_);
  builder.RegisterService(&alerts_);
  builder.RegisterService(&bulk_);
  builder.RegisterService(&reports_);
  builder.RegisterService(&attachments_);
}

}  // namespace pqtrack::api
