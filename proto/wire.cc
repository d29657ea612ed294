#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/common/utf8.h"

namespace pqtrack::wire {
namespace {

// Finds the first string field of `desc` in `fields` (recursively) that is
// not valid UTF-8 and returns its dotted path; "" when there is none.
std::string FindBadUtf8(const google::protobuf::Descriptor* desc,
                        const google::protobuf::UnknownFieldSet& fields,
                        const std::string& prefix, int depth) {
  if (depth > 32) return "";
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    const auto* fd = desc->FindFieldByNumber(f.number());
    if (fd == nullptr) continue;
    const std::string path = prefix + fd->name();
    if (fd->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
        !IsValidUtf8(f.length_delimited())) {
      return path;
    }
    if (fd->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      google::protobuf::UnknownFieldSet nested;
      if (nested.ParseFromString(f.length_delimited())) {
        std::string bad =
            FindBadUtf8(fd->message_type(), nested, path + ".", depth + 1);
        if (!bad.empty()) return bad;
      }
    }
  }
  return "";
}

}  // namespace

grpc::Status ParseRequest(grpc::ByteBuffer* buffer,
                          google::protobuf::MessageLite* msg) {
  if (buffer == nullptr) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "request: no payload");
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (buffer->Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  buffer->Clear();
  if (msg->ParseFromString(bytes)) return grpc::Status::OK;
  const auto* full = dynamic_cast<const google::protobuf::Message*>(msg);
  google::protobuf::UnknownFieldSet fields;
  if (full != nullptr && fields.ParseFromString(bytes)) {
    const std::string bad = FindBadUtf8(full->GetDescriptor(), fields, "", 0);
    if (!bad.empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          bad + ": must be valid UTF-8");
    }
  }
  return grpc::Status(
      grpc::StatusCode::INVALID_ARGUMENT,
      "request: not a valid " + msg->GetTypeName() + " message");
}

}  // namespace pqtrack::wire
