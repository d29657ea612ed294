// The one decoding path of every handler (proto/wire.cc): limits as data of
// the API (limits.proto), checked as a request is read.
#include <grpcpp/support/byte_buffer.h>

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "pqtrack/v1/admin.pb.h"
#include "pqtrack/v1/alert.pb.h"
#include "pqtrack/v1/assembly.pb.h"
#include "pqtrack/v1/attachment.pb.h"
#include "pqtrack/v1/bulk.pb.h"
#include "pqtrack/v1/calendar.pb.h"
#include "pqtrack/v1/item.pb.h"
#include "pqtrack/v1/limits.pb.h"
#include "pqtrack/v1/report.pb.h"
#include "pqtrack/v1/routing.pb.h"
#include "pqtrack/v1/unit.pb.h"
#include "pqtrack/v1/workflow.pb.h"

namespace pqtrack::wire {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

grpc::Status Parse(const google::protobuf::Message& m,
                   google::protobuf::Message* out) {
  grpc::Slice slice(m.SerializeAsString());
  grpc::ByteBuffer buffer(&slice, 1);
  return ParseRequest(&buffer, out);
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Every message a request can carry, found from the services' methods.
void Reach(const Descriptor* d, std::set<const Descriptor*>* seen) {
  if (!seen->insert(d).second) return;
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->message_type() != nullptr) {
      Reach(d->field(i)->message_type(), seen);
    }
  }
}

TEST(WireLimitsTest, EveryStringBytesAndRepeatedFieldOfARequestHasALimit) {
  std::set<const Descriptor*> seen;
  int methods = 0;
  // One message of each file: its descriptor links the file in.
  for (const google::protobuf::FileDescriptor* f :
       {v1::User::descriptor()->file(),
        v1::WatchAlertsRequest::descriptor()->file(),
        v1::CreateSessionRequest::descriptor()->file(),
        v1::UploadAttachmentRequest::descriptor()->file(),
        v1::ImportItemsRequest::descriptor()->file(),
        v1::SetCalendarDaysRequest::descriptor()->file(),
        v1::RecordItemRequest::descriptor()->file(),
        v1::PeriodReportRequest::descriptor()->file(),
        v1::RoutingRule::descriptor()->file(), v1::Unit::descriptor()->file(),
        v1::AssignItemRequest::descriptor()->file()}) {
    ASSERT_EQ(f->service_count(), 1) << f->name();
    for (int s = 0; s < f->service_count(); ++s) {
      for (int m = 0; m < f->service(s)->method_count(); ++m) {
        Reach(f->service(s)->method(m)->input_type(), &seen);
        ++methods;
      }
    }
  }
  EXPECT_GE(methods, 50);
  int checked = 0;
  for (const Descriptor* d : seen) {
    if (d->file()->package() != "pqtrack.v1") continue;  // FieldMask: wire.cc
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      const v1::Limit& limit = f->options().GetExtension(v1::limit);
      if (f->is_repeated()) {
        EXPECT_GT(limit.max_items(), 0) << f->full_name();
      }
      if (f->type() == FieldDescriptor::TYPE_STRING) {
        EXPECT_GT(limit.max_chars(), 0) << f->full_name();
      }
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        EXPECT_GT(limit.max_bytes(), 0) << f->full_name();
      }
      if (f->is_repeated() || f->type() == FieldDescriptor::TYPE_STRING ||
          f->type() == FieldDescriptor::TYPE_BYTES) {
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 100);
}

TEST(WireLimitsTest, AStringIsCountedInCharactersNotBytes) {
  v1::RecordItemRequest req;
  req.set_request_id("req-wire-0001");
  req.mutable_item()->set_title(Repeat("Ạ", 500));  // 1,500 bytes
  v1::RecordItemRequest out;
  EXPECT_TRUE(Parse(req, &out).ok());
  EXPECT_EQ(out.item().title(), req.item().title());
  req.mutable_item()->set_title(Repeat("Ạ", 501));
  const grpc::Status st = Parse(req, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(),
            "item.title: must be at most 500 characters (got 501)");
}

TEST(WireLimitsTest, RepeatedFieldsAndTheirEntriesAreBounded) {
  v1::WatchAlertsRequest watch;
  for (int i = 0; i < 101; ++i) watch.add_unit_codes("TL");
  v1::WatchAlertsRequest watch_out;
  grpc::Status st = Parse(watch, &watch_out);
  EXPECT_EQ(st.error_message(),
            "unit_codes: must have at most 100 entries (got 101)");
  watch.clear_unit_codes();
  watch.add_unit_codes("TL");
  watch.add_unit_codes(std::string(33, 'X'));
  st = Parse(watch, &watch_out);
  EXPECT_EQ(st.error_message(),
            "unit_codes[1]: must be at most 32 characters (got 33)");

  v1::AssignItemRequest assign;
  assign.set_item_id(1);
  for (int i = 0; i < 4; ++i) assign.add_coordinating_units();
  assign.mutable_coordinating_units(3)->set_unit_code(std::string(40, 'U'));
  v1::AssignItemRequest assign_out;
  st = Parse(assign, &assign_out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(),
            "coordinating_units[3].unit_code: must be at most 32 characters "
            "(got 40)");

  v1::UpdateItemRequest update;
  for (int i = 0; i < 31; ++i) update.mutable_update_mask()->add_paths("title");
  v1::UpdateItemRequest update_out;
  st = Parse(update, &update_out);
  EXPECT_EQ(st.error_message(),
            "update_mask.paths: must have at most 30 entries (got 31)");
}

TEST(WireLimitsTest, BytesAreBoundedPerMessage) {
  v1::UploadAttachmentRequest up;
  up.set_chunk(std::string(1 << 20, 'b'));
  v1::UploadAttachmentRequest out;
  EXPECT_TRUE(Parse(up, &out).ok());
  up.set_chunk(std::string((1 << 20) + 1, 'b'));
  const grpc::Status st = Parse(up, &out);
  EXPECT_EQ(st.error_message(),
            "chunk: must be at most 1048576 bytes (got 1048577)");
  // The refusal is what a client stream's Read learns, too.
  EXPECT_EQ(TakeReadError().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(TakeReadError().ok());
}

TEST(WireLimitsTest, NoMessageIsNotTheEmptyMessage) {
  v1::ListAlertsRequest out;
  grpc::ByteBuffer none;
  const grpc::Status st = ParseRequest(&none, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(st.error_message(), "request: no message");
  EXPECT_TRUE(Parse(v1::ListAlertsRequest(), &out).ok());
}

}  // namespace
}  // namespace pqtrack::wire
