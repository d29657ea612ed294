#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

namespace pqtrack::api {
namespace {

using Caller = store::WorkflowStore::Caller;
using Versioned = store::WorkflowStore::Versioned;

// Authenticates a workflow call: any role that reads items may try; the
// status machine decides the rest.
absl::StatusOr<Caller> Begin(ServiceDeps& d, const grpc::ServerContext& ctx) {
  PQ_ASSIGN_OR_RETURN(const core::Principal who, d.auth.Authenticate(ctx));
  PQ_RETURN_IF_ERROR(core::Authorize(who, core::Action::kReadItems));
  return Caller{who, d.clock.Now(), Today(d.clock)};
}

Versioned Ref(core::Violations& v, int64_t id, int64_t version,
              absl::string_view id_field = "item_id",
              absl::string_view version_field = "version") {
  if (id <= 0) v.Add(id_field, "required (a positive item id)");
  if (version <= 0) {
    v.Add(version_field, "required (the item's version as you last saw it)");
  }
  return {id, version};
}

}  // namespace

grpc::Status WorkflowServiceImpl::AssignItem(grpc::ServerContext* ctx,
                                             const v1::AssignItemRequest* req,
                                             v1::AssignItemResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    core::CheckUnitCode(v, "lead_unit_code", req->lead_unit_code(), true);
    if (req->coordinating_units_size() > 50) {
      v.Add("coordinating_units", "at most 50 units");
    }
    std::vector<store::WorkflowStore::CoordinatingUnit> coord;
    absl::flat_hash_set<std::string> seen;
    for (const v1::CoordinatingUnit& u : req->coordinating_units()) {
      core::CheckUnitCode(v, "coordinating_units.unit_code", u.unit_code(),
                          true);
      if (!seen.insert(u.unit_code()).second ||
          u.unit_code() == req->lead_unit_code()) {
        v.Add("coordinating_units.unit_code",
              absl::StrCat("\"", u.unit_code(),
                           "\" is repeated or is the lead unit"));
      }
      coord.push_back(
          {u.unit_code(), DateFromProto(v, "coordinating_units.due_on",
                                        u.has_due_on(), u.due_on(), false)});
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const core::Item item,
        d_.workflow.Assign(c, ref, req->lead_unit_code(), coord));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::TransferItem(
    grpc::ServerContext* ctx, const v1::TransferItemRequest* req,
    v1::TransferItemResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    core::CheckUnitCode(v, "to_unit_code", req->to_unit_code(), true);
    core::CheckText(v, "reason", req->reason(), {1, 2000});
    core::ClockRule clock = core::ClockRule::kContinue;
    if (req->clock() != 0) {
      clock = core::CheckEnum<core::ClockRule>(v, "clock", req->clock());
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.Transfer(c, ref, req->to_unit_code(),
                                             req->reason(), clock));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::SaveDraft(grpc::ServerContext* ctx,
                                            const v1::SaveDraftRequest* req,
                                            v1::SaveDraftResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    core::CheckText(v, "text", req->text(), {1, 100000});
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const auto saved,
                        d_.workflow.SaveDraft(c, ref, req->text()));
    ToProto(saved.first, resp->mutable_item());
    resp->set_draft_number(saved.second);
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::ListDrafts(grpc::ServerContext* ctx,
                                             const v1::ListDraftsRequest* req,
                                             v1::ListDraftsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    if (req->item_id() <= 0) {
      return absl::InvalidArgumentError("item_id: required (a positive id)");
    }
    PQ_ASSIGN_OR_RETURN(const auto drafts,
                        d_.workflow.ListDrafts(c, req->item_id()));
    for (const core::Draft& d : drafts) ToProto(d, resp->add_drafts());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::ListAllowedMoves(
    grpc::ServerContext* ctx, const v1::ListAllowedMovesRequest* req,
    v1::ListAllowedMovesResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    if (req->item_id() <= 0) {
      return absl::InvalidArgumentError("item_id: required (a positive id)");
    }
    PQ_ASSIGN_OR_RETURN(const store::WorkflowStore::Allowed allowed,
                        d_.workflow.ListAllowedMoves(c, req->item_id()));
    resp->set_version(allowed.version);
    for (const core::Move m : allowed.moves) resp->add_moves(ToProto(m));
    for (const std::string& code : allowed.input_unit_codes) {
      resp->add_input_unit_codes(code);
    }
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::SubmitCoordinationInput(
    grpc::ServerContext* ctx, const v1::SubmitCoordinationInputRequest* req,
    v1::SubmitCoordinationInputResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    core::CheckUnitCode(v, "unit_code", req->unit_code(), false);
    core::CheckText(v, "text", req->text(), {1, 100000});
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.SubmitInput(c, ref, req->unit_code(),
                                                req->text(), req->decline()));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::SubmitResponse(
    grpc::ServerContext* ctx, const v1::SubmitResponseRequest* req,
    v1::SubmitResponseResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.SubmitResponse(c, ref));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::ApproveResponse(
    grpc::ServerContext* ctx, const v1::ApproveResponseRequest* req,
    v1::ApproveResponseResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    core::CheckText(v, "comment", req->comment(), {0, 2000});
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.Approve(c, ref, req->comment()));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::ReturnResponse(
    grpc::ServerContext* ctx, const v1::ReturnResponseRequest* req,
    v1::ReturnResponseResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    core::CheckText(v, "comment", req->comment(), {1, 2000});
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.Return(c, ref, req->comment()));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::SendResponse(
    grpc::ServerContext* ctx, const v1::SendResponseRequest* req,
    v1::SendResponseResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    const core::Answer answer = FromProto(v, *req);
    // The store checks the day sent against the day received, and the
    // text against the approved draft.
    core::ValidateAnswer(v, "", answer, std::nullopt, c.today,
                         core::AnswerText::kFromDraft);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.Send(c, ref, answer));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::WithdrawItem(
    grpc::ServerContext* ctx, const v1::WithdrawItemRequest* req,
    v1::WithdrawItemResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    core::CheckText(v, "reason", req->reason(), {1, 2000});
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.Withdraw(c, ref, req->reason()));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::MergeItems(grpc::ServerContext* ctx,
                                             const v1::MergeItemsRequest* req,
                                             v1::MergeItemsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned target = Ref(v, req->target_id(), req->target_version(),
                                 "target_id", "target_version");
    if (req->duplicates().empty()) {
      v.Add("duplicates", "at least one item is required");
    } else if (req->duplicates_size() > 100) {
      v.Add("duplicates", "at most 100 items");
    }
    std::vector<Versioned> duplicates;
    absl::flat_hash_set<int64_t> seen = {req->target_id()};
    for (const v1::ItemVersion& d : req->duplicates()) {
      duplicates.push_back(
          Ref(v, d.id(), d.version(), "duplicates.id", "duplicates.version"));
      if (d.id() > 0 && !seen.insert(d.id()).second) {
        v.Add("duplicates.id",
              absl::StrCat(d.id(), " is repeated or is the target"));
      }
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.Merge(c, target, duplicates));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::UnmergeItem(grpc::ServerContext* ctx,
                                              const v1::UnmergeItemRequest* req,
                                              v1::UnmergeItemResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item, d_.workflow.Unmerge(c, ref));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status WorkflowServiceImpl::ExtendDeadline(
    grpc::ServerContext* ctx, const v1::ExtendDeadlineRequest* req,
    v1::ExtendDeadlineResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const Caller c, Begin(d_, *ctx));
    core::Violations v;
    const Versioned ref = Ref(v, req->item_id(), req->version());
    const std::optional<core::Day> due = DateFromProto(
        v, "new_due_on", req->has_new_due_on(), req->new_due_on(), true);
    core::CheckText(v, "reason", req->reason(), {1, 2000});
    core::CheckText(v, "approved_by", req->approved_by(), {1, 200});
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.workflow.ExtendDeadline(c, ref, *due, req->reason(),
                                                   req->approved_by()));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
