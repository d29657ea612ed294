#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_join.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/paging.h"
#include "services/api/services.h"
#include "services/common/crypto.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/common/utf8.h"
#include "services/core/access.h"
#include "services/core/item_rules.h"

namespace pqtrack::api {
namespace {

using core::Action;

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

// A path from the request as an error message quotes it: at most 60
// columns, so a hostile one cannot blow up the reply.
std::string Shown(const std::string& path) { return TruncateToWidth(path, 60); }

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
    for (const core::SimilarItem& s : r.similar) {
      ToProto(s, resp->add_similar_items());
    }
    for (const std::string& reason : r.routing_reasons) {
      resp->add_routing_reasons(reason);
    }
    return absl::OkStatus();
  });
}

grpc::Status ItemServiceImpl::UpdateItem(grpc::ServerContext* ctx,
                                         const v1::UpdateItemRequest* req,
                                         v1::UpdateItemResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kCorrectItem));
    core::Violations v;
    if (req->id() <= 0) v.Add("id", "required (a positive item id)");
    if (req->version() <= 0) v.Add("version", "required (the version seen)");
    core::CheckText(v, "reason", req->reason(), {1, 2000});
    const auto& paths = req->update_mask().paths();
    if (paths.empty())
      v.Add("update_mask", "required: name the fields to correct");
    std::set<std::string> seen;
    for (const std::string& path : paths) {
      if (!seen.insert(path).second) {
        v.Add("update_mask", absl::StrCat("\"", Shown(path), "\" twice"));
      }
    }
    if (!req->has_item()) v.Add("item", "required: the corrected values");
    PQ_RETURN_IF_ERROR(v.ToStatus());

    store::ItemStore::Correction c;
    c.actor = who.user_id;
    c.id = req->id();
    c.version = req->version();
    c.fields.assign(paths.begin(), paths.end());
    c.reason = req->reason();
    c.due_corrected = seen.count("due_on") > 0;
    c.now = d_.clock.Now();
    const core::Day today = Today(d_.clock);
    const auto apply =
        [&](const core::Item& current) -> absl::StatusOr<core::Item> {
      const std::vector<std::string> allowed =
          core::CorrectableFields(current.kind);
      core::Violations bad;
      for (const std::string& path : paths) {
        if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
          bad.Add(
              "update_mask",
              absl::StrCat("\"", Shown(path), "\" cannot be corrected on a ",
                           core::Name(current.kind),
                           "; these can: ", absl::StrJoin(allowed, ", ")));
        }
      }
      PQ_RETURN_IF_ERROR(bad.ToStatus());
      v1::Item merged;
      ToProto(current, &merged);
      google::protobuf::util::FieldMaskUtil::MergeOptions options;
      options.set_replace_message_fields(true);
      options.set_replace_repeated_fields(true);
      google::protobuf::util::FieldMaskUtil::MergeMessageTo(
          req->item(), req->update_mask(), options, &merged);
      core::Item corrected = FromProto(bad, merged);
      core::ValidateItem(bad, "item.", corrected, today);
      PQ_RETURN_IF_ERROR(bad.ToStatus());
      return corrected;
    };
    PQ_ASSIGN_OR_RETURN(const core::Item item, d_.items.CorrectItem(c, apply));
    ToProto(item, resp->mutable_item());
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

grpc::Status ItemServiceImpl::SearchItems(grpc::ServerContext* ctx,
                                          const v1::SearchItemsRequest* req,
                                          v1::SearchItemsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadItems));
    core::Violations v;
    core::CheckText(v, "query", req->query(), {1, 200});
    const core::ItemFilter filter = FromProto(v, req->filter(), "filter.");
    core::ValidateItemFilter(v, filter, "filter.");
    const int size = core::CheckPageSize(v, "page_size", req->page_size());
    PQ_RETURN_IF_ERROR(v.ToStatus());
    const std::string fingerprint = QueryFingerprint(*req);
    PQ_ASSIGN_OR_RETURN(const auto cursor,
                        DecodeKeysetToken(req->page_token(), fingerprint));
    std::optional<store::ItemStore::SearchCursor> after;
    if (cursor.second > 0) after = {cursor.first, cursor.second};
    bool more = false;
    PQ_ASSIGN_OR_RETURN(const auto hits,
                        d_.items.SearchItems(ScopeOf(who), req->query(), filter,
                                             size, after, &more));
    for (const auto& h : hits) {
      auto* hit = resp->add_hits();
      ToProto(h.item, hit->mutable_item());
      hit->set_rank(h.rank);
      hit->set_exact_reference(h.exact_reference);
    }
    if (more && !hits.empty()) {
      resp->set_next_page_token(
          EncodeKeysetToken(hits.back().key, hits.back().item.id, fingerprint));
    }
    return absl::OkStatus();
  });
}

grpc::Status ItemServiceImpl::SuggestDuplicates(
    grpc::ServerContext* ctx, const v1::SuggestDuplicatesRequest* req,
    v1::SuggestDuplicatesResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadItems));
    core::Violations v;
    if (req->limit() < 0 || req->limit() > 50) {
      v.Add("limit", "must be between 0 and 50");
    }
    // (NaN fails every comparison: it must pass none.)
    if (!(req->min_score() >= 0 && req->min_score() <= 1)) {
      v.Add("min_score", "must be a number between 0 and 1");
    }
    std::string title;
    core::ItemKind kind = core::ItemKind::kUnspecified;
    int64_t exclude = 0;
    switch (req->subject_case()) {
      case v1::SuggestDuplicatesRequest::kItemId:
        if (req->item_id() <= 0) v.Add("item_id", "must be a positive id");
        break;
      case v1::SuggestDuplicatesRequest::kDraft:
        title = req->draft().title();
        core::CheckText(v, "draft.title", title, {1, 500});
        if (req->draft().kind() < 0 || req->draft().kind() > 4) {
          v.Add("draft.kind", "not a known item kind");
        } else {
          kind = static_cast<core::ItemKind>(req->draft().kind());
        }
        break;
      case v1::SuggestDuplicatesRequest::SUBJECT_NOT_SET:
        v.Add("subject", "required: item_id or draft");
        break;
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    if (req->subject_case() == v1::SuggestDuplicatesRequest::kItemId) {
      PQ_ASSIGN_OR_RETURN(const core::Item item,
                          d_.items.GetItem(ScopeOf(who), req->item_id()));
      title = item.title;
      kind = item.kind;
      exclude = item.id;
    }
    PQ_ASSIGN_OR_RETURN(const auto similar,
                        d_.items.SuggestDuplicates(
                            ScopeOf(who), title, kind, exclude,
                            req->limit() == 0 ? 10 : req->limit(),
                            req->min_score() == 0 ? 0.3 : req->min_score()));
    for (const core::SimilarItem& s : similar) ToProto(s, resp->add_items());
    return absl::OkStatus();
  });
}

grpc::Status ItemServiceImpl::GetItemHistory(
    grpc::ServerContext* ctx, const v1::GetItemHistoryRequest* req,
    v1::GetItemHistoryResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadItems));
    if (req->id() <= 0) {
      return absl::InvalidArgumentError("id: required (a positive item id)");
    }
    PQ_ASSIGN_OR_RETURN(const auto events,
                        d_.items.GetItemHistory(ScopeOf(who), req->id()));
    for (const core::Event& e : events) ToProto(e, resp->add_events());
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
