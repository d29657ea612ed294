// Provides how pqtrack.v1 request messages are read off the wire. gRPC's
// default answers a request it cannot parse (for example a string field that
// is not valid UTF-8, which proto3 refuses) with INTERNAL and no message;
// pqtrack answers INVALID_ARGUMENT naming the field instead. This header is
// force-included (see proto/CMakeLists.txt) into every translation unit
// that uses pqtrack_proto, so all of them see the same specialization.
#ifndef PQTRACK_PROTO_WIRE_TRAITS_H_
#define PQTRACK_PROTO_WIRE_TRAITS_H_

#ifdef __cplusplus

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>

#include "google/protobuf/message.h"

namespace pqtrack::wire {

// Parses `buffer` into `msg`. When the bytes are not a valid message,
// returns INVALID_ARGUMENT naming the first field that is not valid UTF-8
// ("item.title: must be valid UTF-8"), or saying the request is malformed.
grpc::Status ParseRequest(grpc::ByteBuffer* buffer,
                          google::protobuf::MessageLite* msg);

}  // namespace pqtrack::wire

// gRPC 1.51's generated handlers deserialize through the MessageLite base
// type, so this one specialization covers every pqtrack request. It parses
// exactly as gRPC's default does; only the status of a failure differs.
template <>
class grpc::SerializationTraits<grpc::protobuf::MessageLite, void> {
 public:
  static grpc::Status Serialize(const grpc::protobuf::MessageLite& msg,
                                grpc::ByteBuffer* bb, bool* own) {
    return grpc::GenericSerialize<grpc::ProtoBufferWriter,
                                  grpc::protobuf::MessageLite>(msg, bb, own);
  }
  static grpc::Status Deserialize(grpc::ByteBuffer* buffer,
                                  grpc::protobuf::MessageLite* msg) {
    return pqtrack::wire::ParseRequest(buffer, msg);
  }
};

#endif  // __cplusplus
#endif  // PQTRACK_PROTO_WIRE_TRAITS_H_
