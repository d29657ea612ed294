#include "services/common/grpc_status.h"

#include <string>

namespace pqtrack {

std::string BoundedMessage(std::string message) {
  if (message.size() <= kMaxStatusMessage) return message;
  // Room for the note; the cut goes back to the start of a character.
  size_t cut = kMaxStatusMessage - 40;
  while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  const size_t left = message.size() - cut;
  message.resize(cut);
  message += "... (" + std::to_string(left) + " more bytes)";
  return message;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      BoundedMessage(std::string(status.message())));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace pqtrack
