#include "services/common/grpc_status.h"

#include <string>
#include <vector>

#include "pqtrack/v1/errors.pb.h"
#include "services/common/field_violations.h"
#include "services/common/utf8.h"

namespace pqtrack {

std::string BoundedMessage(std::string message) {
  if (message.size() <= kMaxStatusMessage) return message;
  // Room for the note; the cut goes back to the start of a character.
  const size_t cut = Utf8Prefix(message, kMaxStatusMessage - 40).size();
  const size_t left = message.size() - cut;
  message.resize(cut);
  message += "... (" + std::to_string(left) + " more bytes)";
  return message;
}

namespace {

// The detail's bounds: it travels in a trailer, with the message, within
// gRPC's 8 KiB of metadata (base64 adds a third).
constexpr size_t kMaxDetailBytes = 2048;
constexpr size_t kMaxDescription = 200;

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message = BoundedMessage(std::string(status.message()));
  const std::vector<FieldViolation> violations = GetFieldViolations(status);
  if (violations.empty()) return grpc::Status(code, message);
  v1::BadRequest bad;
  size_t size = 0;
  for (const FieldViolation& v : violations) {
    v1::BadRequest::FieldViolation entry;
    entry.set_field(std::string(Utf8Prefix(v.field, kMaxDescription)));
    entry.set_description(
        std::string(Utf8Prefix(v.description, kMaxDescription)));
    size += entry.ByteSizeLong() + 4;
    if (size > kMaxDetailBytes) break;
    *bad.add_field_violations() = std::move(entry);
  }
  v1::ErrorStatus detail;
  detail.set_code(static_cast<int32_t>(code));
  detail.set_message(message);
  auto* any = detail.add_details();
  any->set_type_url("type.googleapis.com/google.rpc.BadRequest");
  any->set_value(bad.SerializeAsString());
  return grpc::Status(code, std::move(message), detail.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace pqtrack
