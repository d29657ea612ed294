// Provides how pqtrack.v1 request messages are read off the wire, the one
// decoding path of every handler. gRPC's default answers a request it
// cannot parse (for example a string field that is not valid UTF-8, which
// proto3 refuses) with INTERNAL and no message (a server stream), or
// UNIMPLEMENTED (a callback stream), or ends a client stream as if it were
// complete; pqtrack answers INVALID_ARGUMENT naming the field instead, and
// a client-stream handler learns that its stream broke (TakeReadError).
// This header is force-included (see proto/CMakeLists.txt) into every
// translation unit that uses pqtrack_proto, so all of them see the same
// specializations.
#ifndef PQTRACK_PROTO_WIRE_TRAITS_H_
#define PQTRACK_PROTO_WIRE_TRAITS_H_

#ifdef __cplusplus

#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>

#include "google/protobuf/message.h"

namespace pqtrack::wire {

// Parses `buffer` into `msg`. When the bytes are not a valid message,
// returns INVALID_ARGUMENT naming the first field that is not valid UTF-8
// ("item.title: must be valid UTF-8"), or saying the request is malformed;
// when there is no message at all, "request: no message". A parsed
// message is then checked against the (pqtrack.v1.limit) of its fields
// (limits.proto): the first field over its limit is INVALID_ARGUMENT
// naming it and the limit.
grpc::Status ParseRequest(grpc::ByteBuffer* buffer,
                          google::protobuf::MessageLite* msg);

// The failure of the last ParseRequest on this thread (OK when there was
// none since the last call), and forgets it. A client stream's Read()
// returns false both at the end of the stream and for a message it could
// not parse; right after it, this tells them apart.
grpc::Status TakeReadError();

// For servers: protobuf's own log line for each request it cannot parse
// (anyone can cause one) is dropped, and instead one line a minute at most
// says how many were refused. Counted in UnreadableRequests().
void QuietDecodeErrors();
int64_t UnreadableRequests();

}  // namespace pqtrack::wire

namespace pqtrack::v1 {
class DownloadAttachmentRequest;
class ExportItemsRequest;
class ImportItemsRequest;
class UploadAttachmentRequest;
}  // namespace pqtrack::v1

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

// Streaming handlers (and a client stream's Read) deserialize through the
// request's own type: the requests of pqtrack's streaming rpcs get the same
// treatment, each by name (the templates take the type once it is
// complete, at the point of use). A streaming rpc added without its line
// here answers INTERNAL to a bad request, which the fuzz test catches.
#define PQTRACK_WIRE_TRAITS_FOR(T)                                             \
  template <>                                                                  \
  class grpc::SerializationTraits<T, void> {                                   \
   public:                                                                     \
    template <class M>                                                         \
    static grpc::Status Serialize(const M& msg, grpc::ByteBuffer* bb,          \
                                  bool* own) {                                 \
      return grpc::GenericSerialize<grpc::ProtoBufferWriter, M>(msg, bb, own); \
    }                                                                          \
    template <class M>                                                         \
    static grpc::Status Deserialize(grpc::ByteBuffer* buffer, M* msg) {        \
      return pqtrack::wire::ParseRequest(buffer, msg);                         \
    }                                                                          \
  };
PQTRACK_WIRE_TRAITS_FOR(pqtrack::v1::DownloadAttachmentRequest)
PQTRACK_WIRE_TRAITS_FOR(pqtrack::v1::ExportItemsRequest)
PQTRACK_WIRE_TRAITS_FOR(pqtrack::v1::ImportItemsRequest)
PQTRACK_WIRE_TRAITS_FOR(pqtrack::v1::UploadAttachmentRequest)
#undef PQTRACK_WIRE_TRAITS_FOR

#endif  // __cplusplus
#endif  // PQTRACK_PROTO_WIRE_TRAITS_H_
