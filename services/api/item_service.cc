#include <optional>

#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/paging.h"
#include "services/api/services.h"
#include "services/common/crypto.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

namespace pqtrack::api {
namespace {

using core::Action;

// nullopt: the whole ministry; otherwise the unit whose subtree is visible.
std::optional<std::string> ScopeOf(const core::Principal& who) {
  if (core::SeesWholeMinistry(who)) return std::nullopt;
  return who.unit_code;
}

// A hash of what the client asked to record, read-only fields excluded, so
// a repeated request_id can be told apart from a reused one.
std::string RequestHash(const v1::Item& item) {
  v1::Item copy = item;
  copy.clear_id();
  copy.clear_status();
  copy.clear_version();
  copy.clear_create_time();
  copy.clear_update_time();
  return Sha256Hex(DeterministicBytes(copy));
}

}  // namespace

grpc::Status ItemServiceImpl::RecordItem(grpc::ServerContext* ctx,
                                         const v1::RecordItemRequest* req,
                                         v1::RecordItemResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kRecordItem));
    core::Violations v;
    core::CheckRequestId(v, "request_id", req->request_id());
    if (!req->has_item()) v.Add("item", "required");
    const core::Item item = FromProto(v, req->item());
    if (req->has_item()) core::ValidateItem(v, "item.", item, Today(d_.clock));
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const store::ItemStore::RecordResult r,
        d_.items.RecordItem(who.user_id, item, req->request_id(),
                            RequestHash(req->item()), d_.clock.Now()));
    ToProto(r.item, resp->mutable_item());
    resp->set_replayed(r.replayed);
    return absl::OkStatus();
  });
}

grpc::Status ItemServiceImpl::GetItem(grpc::ServerContext* ctx,
                                      const v1::GetItemRequest* req,
                                      v1::GetItemResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadItems));
    if (req->id() <= 0) {
      return absl::InvalidArgumentError("id: required (a positive item id)");
    }
    PQ_ASSIGN_OR_RETURN(const core::Item item,
                        d_.items.GetItem(ScopeOf(who), req->id()));
    ToProto(item, resp->mutable_item());
    return absl::OkStatus();
  });
}

grpc::Status ItemServiceImpl::ListItems(grpc::ServerContext* ctx,
                                        const v1::ListItemsRequest* req,
                                        v1::ListItemsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadItems));
    core::Violations v;
    const core::ItemFilter filter = FromProto(v, *req);
    core::ValidateItemFilter(v, filter);
    PQ_ASSIGN_OR_RETURN(const Page page,
                        ReadPage(v, *req, req->page_size(), req->page_token()));
    bool more = false;
    PQ_ASSIGN_OR_RETURN(
        const auto items,
        d_.items.ListItems(ScopeOf(who), filter, page.request, &more));
    for (const core::Item& it : items) ToProto(it, resp->add_items());
    if (!items.empty()) {
      resp->set_next_page_token(page.NextToken(more, items.back().id));
    }
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
