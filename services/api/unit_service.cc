#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/api/convert.h"
#include "services/api/handler.h"
#include "services/api/services.h"
#include "services/common/dates.h"
#include "services/common/status_macros.h"
#include "services/core/access.h"

namespace pqtrack::api {

using core::Action;

grpc::Status UnitServiceImpl::CreateUnit(grpc::ServerContext* ctx,
                                         const v1::CreateUnitRequest* req,
                                         v1::CreateUnitResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageUnits));
    core::Violations v;
    if (!req->has_unit()) v.Add("unit", "required");
    const core::Unit unit = FromProto(v, "unit.", req->unit(), true);
    if (req->has_unit()) core::ValidateUnit(v, "unit.", unit);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(const core::Unit stored,
                        d_.units.CreateUnit(unit, d_.clock.Now()));
    ToProto(stored, resp->mutable_unit());
    return absl::OkStatus();
  });
}

grpc::Status UnitServiceImpl::UpdateUnit(grpc::ServerContext* ctx,
                                         const v1::UpdateUnitRequest* req,
                                         v1::UpdateUnitResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kManageUnits));
    core::Violations v;
    const core::Unit given = FromProto(v, "unit.", req->unit(), false);
    core::CheckUnitCode(v, "unit.code", given.code, true);
    static const absl::flat_hash_set<std::string> kMaskable = {
        "name_vi",    "name_en",  "parent_code",
        "valid_from", "valid_to", "successor_code"};
    if (req->update_mask().empty()) v.Add("update_mask", "required");
    for (const std::string& f : req->update_mask()) {
      if (!kMaskable.contains(f)) {
        v.Add("update_mask", absl::StrCat("\"", f, "\" cannot be updated"));
      }
    }
    PQ_RETURN_IF_ERROR(v.ToStatus());
    const absl::flat_hash_set<std::string> mask(req->update_mask().begin(),
                                                req->update_mask().end());
    PQ_ASSIGN_OR_RETURN(const core::Unit stored,
                        d_.units.UpdateUnit(
                            given.code,
                            [&](core::Unit& u) -> absl::Status {
                              if (mask.contains("name_vi"))
                                u.name_vi = given.name_vi;
                              if (mask.contains("name_en"))
                                u.name_en = given.name_en;
                              if (mask.contains("parent_code"))
                                u.parent_code = given.parent_code;
                              if (mask.contains("valid_from"))
                                u.valid_from = given.valid_from;
                              if (mask.contains("valid_to"))
                                u.valid_to = given.valid_to;
                              if (mask.contains("successor_code")) {
                                u.successor_code = given.successor_code;
                              }
                              core::Violations after;
                              core::ValidateUnit(after, "unit.", u);
                              return after.ToStatus();
                            },
                            d_.clock.Now()));
    ToProto(stored, resp->mutable_unit());
    return absl::OkStatus();
  });
}

grpc::Status UnitServiceImpl::ListUnits(grpc::ServerContext* ctx,
                                        const v1::ListUnitsRequest* req,
                                        v1::ListUnitsResponse* resp) {
  return Handle([&]() -> absl::Status {
    PQ_ASSIGN_OR_RETURN(const core::Principal who, d_.auth.Authenticate(*ctx));
    PQ_RETURN_IF_ERROR(core::Authorize(who, Action::kReadUnits));
    core::Violations v;
    core::CheckUnitCode(v, "root_code", req->root_code(), false);
    PQ_RETURN_IF_ERROR(v.ToStatus());
    PQ_ASSIGN_OR_RETURN(
        const auto units,
        d_.units.ListUnits(req->root_code(), req->include_expired(),
                           Today(d_.clock)));
    for (const core::Unit& u : units) ToProto(u, resp->add_units());
    return absl::OkStatus();
  });
}

}  // namespace pqtrack::api
