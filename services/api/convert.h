// Provides the conversions between pqtrack.v1 messages and core records.
// FromProto functions check what only the wire can get wrong (dates that are
// not real days, unknown or UNSPECIFIED enums) and record it in the given
// Violations under the field's name; everything else is core's to validate.
#ifndef PQTRACK_SERVICES_API_CONVERT_H_
#define PQTRACK_SERVICES_API_CONVERT_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "pqtrack/v1/admin.pb.h"
#include "pqtrack/v1/assembly.pb.h"
#include "pqtrack/v1/common.pb.h"
#include "pqtrack/v1/item.pb.h"
#include "pqtrack/v1/routing.pb.h"
#include "pqtrack/v1/unit.pb.h"
#include "pqtrack/v1/workflow.pb.h"
#include "services/core/routing.h"
#include "services/core/types.h"
#include "services/core/validation.h"
#include "services/core/workflow.h"

namespace pqtrack::api {

namespace v1 = ::pqtrack::v1;

// Dates. `present` is the message's has_ bit.
std::optional<core::Day> DateFromProto(core::Violations& v,
                                       const std::string& field, bool present,
                                       const v1::Date& d, bool required);
void SetDate(const std::optional<core::Day>& day, v1::Date* out);

void TimeToProto(absl::Time t, google::protobuf::Timestamp* out);
absl::Time TimeFromProto(const google::protobuf::Timestamp& ts);
// Whether `ts` is an instant google.protobuf.Timestamp allows: from
// 0001-01-01 to 9999-12-31 UTC, nanos 0 to 999,999,999.
bool IsValidTimestamp(const google::protobuf::Timestamp& ts);

void ToProto(const core::Term& in, v1::Term* out);
void ToProto(const core::Session& in, v1::Session* out);
void ToProto(const core::Batch& in, v1::Batch* out);
void ToProto(const core::Unit& in, v1::Unit* out);
void ToProto(const core::User& in, v1::User* out);
void ToProto(const core::Token& in, v1::Token* out);
// The answer's own fields (who sent it and when are the caller's).
void ToProto(const core::Answer& a, v1::SentAnswer* out);
void ToProto(const core::Item& in, v1::Item* out);
void ToProto(const core::SimilarItem& in, v1::SimilarItem* out);
void ToProto(const core::Event& in, v1::Event* out);
void ToProto(const core::Draft& in, v1::Draft* out);
v1::WorkflowMove ToProto(core::Move m);
void ToProto(const core::RoutingRule& in, v1::RoutingRule* out);

core::Term FromProto(const v1::Term& in);
core::Session FromProto(core::Violations& v,
                        const v1::CreateSessionRequest& in);
core::Batch FromProto(core::Violations& v, const v1::CreateBatchRequest& in);
core::Unit FromProto(core::Violations& v, const std::string& prefix,
                     const v1::Unit& in, bool kind_required);
core::User FromProto(core::Violations& v, const v1::User& in);
core::Item FromProto(core::Violations& v, const v1::Item& in);
// `prefix` names the filter's fields in violations ("filter.").
core::ItemFilter FromProto(core::Violations& v, const v1::ListItemsRequest& in,
                           absl::string_view prefix = "");
core::RoutingRule FromProto(core::Violations& v, const v1::RoutingRule& in);
core::Answer FromProto(core::Violations& v, const v1::SendResponseRequest& in);
// The item as PreviewRouting and SuggestDuplicates read it: no validation,
// unknown enum values become UNSPECIFIED.
core::Item LenientItemFromProto(const v1::Item& in);

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_CONVERT_H_
