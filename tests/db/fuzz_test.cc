// Hostile requests to every rpc of every pqtrack.v1 service (found from the
// protos' descriptors, so a new rpc is fuzzed without a line here): empty
// and random bytes, each field with the wrong wire type, strings that are
// not UTF-8 or far too long, integers at their extremes, unknown enum
// values, NaN and infinities, instants out of range, huge repeated fields,
// and for client streams a good first message followed by a broken one.
// Each as the administrator and as a responder. Asserted: never INTERNAL,
// UNKNOWN or UNIMPLEMENTED; every status message under 1 KiB; nothing
// written by a refused request; the server still serving at the end.
//
// PQTRACK_FUZZ_ROUNDS (default 1) repeats the random cases with new seeds:
// scripts/bench runs many rounds.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/sync_stream.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "tests/db/api_fixture.h"

namespace pqtrack::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

// Protobuf wire encoding, by hand: the point is to send what the
// generated code would never write.
std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string Tag(int number, int wire_type) {
  return Varint((static_cast<uint64_t>(number) << 3) | wire_type);
}
std::string Delimited(int number, const std::string& bytes) {
  return Tag(number, 2) + Varint(bytes.size()) + bytes;
}
std::string Fixed64(int number, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  std::string out = Tag(number, 1);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
  return out;
}
std::string Fixed32(int number, float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  std::string out = Tag(number, 5);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
  return out;
}

bool IsDelimited(const FieldDescriptor* f) {
  return f->type() == FieldDescriptor::TYPE_STRING ||
         f->type() == FieldDescriptor::TYPE_BYTES ||
         f->type() == FieldDescriptor::TYPE_MESSAGE;
}

// The hostile values of one field, each as the encoding of that field
// alone; `depth` bounds the recursion into message fields.
std::vector<std::string> FieldCases(const FieldDescriptor* f, int depth) {
  std::vector<std::string> out;
  const int n = f->number();
  // The wrong wire type.
  out.push_back(IsDelimited(f) ? Tag(n, 0) + Varint(1)
                               : Delimited(n, "\x01\x02\x03"));
  switch (f->type()) {
    case FieldDescriptor::TYPE_STRING:
      out.push_back(Delimited(n, "ab\xff\xfe"));  // not UTF-8
      out.push_back(Delimited(n, "\xc3"));        // cut in the middle
      out.push_back(Delimited(n, std::string(70000, 'A')));  // far too long
      out.push_back(Delimited(n, std::string("a\0b", 3)));   // a NUL
      break;
    case FieldDescriptor::TYPE_BYTES:
      out.push_back(Delimited(n, std::string(70000, '\xff')));
      break;
    case FieldDescriptor::TYPE_MESSAGE: {
      const Descriptor* d = f->message_type();
      out.push_back(Delimited(n, "\xff\xff\xff"));  // not a message
      if (d->full_name() == "google.protobuf.Timestamp") {
        out.push_back(Delimited(
            n, Tag(1, 0) + Varint(std::numeric_limits<int64_t>::max())));
        out.push_back(Delimited(
            n, Tag(1, 0) + Varint(static_cast<uint64_t>(
                               std::numeric_limits<int64_t>::min()))));
        out.push_back(Delimited(n, Tag(2, 0) + Varint(2000000000)));
      }
      if (depth < 2) {
        for (int i = 0; i < d->field_count(); ++i) {
          for (const std::string& inner : FieldCases(d->field(i), depth + 1)) {
            out.push_back(Delimited(n, inner));
          }
        }
      }
      break;
    }
    case FieldDescriptor::TYPE_DOUBLE:
      for (double v : {std::nan(""), std::numeric_limits<double>::infinity(),
                       -std::numeric_limits<double>::infinity(), 1e308}) {
        out.push_back(Fixed64(n, v));
      }
      break;
    case FieldDescriptor::TYPE_FLOAT:
      for (float v : {std::nanf(""), std::numeric_limits<float>::infinity()}) {
        out.push_back(Fixed32(n, v));
      }
      break;
    case FieldDescriptor::TYPE_ENUM:
      out.push_back(Tag(n, 0) + Varint(999));
      out.push_back(Tag(n, 0) + Varint(static_cast<uint64_t>(int64_t{-5})));
      break;
    case FieldDescriptor::TYPE_BOOL:
      out.push_back(Tag(n, 0) + Varint(7));
      break;
    default:  // the integers
      for (uint64_t v : {static_cast<uint64_t>(-1), uint64_t{1} << 63,
                         uint64_t{0x7fffffffffffffff},
                         static_cast<uint64_t>(int64_t{-2147483648})}) {
        out.push_back(Tag(n, 0) + Varint(v));
      }
      break;
  }
  if (f->is_repeated() && depth == 0) {
    // Far too many entries.
    std::string many;
    const std::string one = f->type() == FieldDescriptor::TYPE_STRING
                                ? Delimited(n, "TL")
                            : IsDelimited(f) ? Delimited(n, "")
                                             : Tag(n, 0) + Varint(1);
    for (int i = 0; i < 100000; ++i) many += one;
    out.push_back(many);
  }
  return out;
}

grpc::ByteBuffer Buffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

struct Outcome {
  grpc::Status status;
  std::string what;
};

class FuzzTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    Seed();
    admin_token_ = kAdmin;
    responder_ = UserToken("tl.resp", v1::ROLE_RESPONDER, "TL");
    v1::RecordItemResponse recorded;
    ASSERT_TRUE(Record(Petition("req-fuzz-01", "TL"), &recorded).ok());
    item_id_ = recorded.item().id();
    const char* rounds = std::getenv("PQTRACK_FUZZ_ROUNDS");
    if (rounds != nullptr) rounds_ = std::max(1, std::atoi(rounds));
  }

  // Every method of every pqtrack.v1 service: the protos are read from the
  // source tree's list, their descriptors from the generated pool.
  std::vector<const MethodDescriptor*> Methods() {
    std::vector<const MethodDescriptor*> out;
    const auto* pool = google::protobuf::DescriptorPool::generated_pool();
    for (const auto& entry : std::filesystem::directory_iterator(
             PQTRACK_SOURCE_DIR "/proto/pqtrack/v1")) {
      const std::string name = "pqtrack/v1/" + entry.path().filename().string();
      const auto* file = pool->FindFileByName(name);
      EXPECT_NE(file, nullptr) << name << " is not linked into the test";
      if (file == nullptr) continue;
      for (int s = 0; s < file->service_count(); ++s) {
        for (int m = 0; m < file->service(s)->method_count(); ++m) {
          out.push_back(file->service(s)->method(m));
        }
      }
    }
    return out;
  }

  // Messages that pass, for the client streams whose later messages are
  // fuzzed: the first, then a part of the content.
  std::vector<std::string> GoodParts(const MethodDescriptor* m) {
    std::vector<std::string> texts;
    if (m->name() == "ImportItems" || m->name() == "ImportItemsWithProgress") {
      texts = {"options { kind: ITEM_KIND_PETITION skip_invalid: true }",
               absl::StrCat("csv: \"title,received_on,batch_id,delegations,"
                            "field\\nMot,2024-07-20,",
                            batch_id_, ",Hue,Tien luong\\n\"")};
    } else if (m->name() == "UploadAttachment") {
      texts = {absl::StrCat("header { item_id: ", item_id_,
                            " kind: ATTACHMENT_KIND_SUPPORTING file_name: "
                            "\"a.pdf\" content_type: \"application/pdf\" }"),
               "chunk: \"%PDF-1.7\\n1 0 obj\\n\""};
    }
    EXPECT_FALSE(texts.empty())
        << "a client stream without good parts: " << m->full_name();
    std::vector<std::string> out;
    for (const std::string& text : texts) {
      std::unique_ptr<google::protobuf::Message> msg(
          google::protobuf::MessageFactory::generated_factory()
              ->GetPrototype(m->input_type())
              ->New());
      EXPECT_TRUE(
          google::protobuf::TextFormat::ParseFromString(text, msg.get()))
          << m->full_name() << ": " << text;
      out.push_back(msg->SerializeAsString());
    }
    return out;
  }

  grpc::Status Call(const MethodDescriptor* m, const std::string& token,
                    const std::vector<std::string>& messages) {
    const std::string path =
        absl::StrCat("/", m->service()->full_name(), "/", m->name());
    auto ctx = As(token);
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(60));
    grpc::ByteBuffer response;
    if (!m->client_streaming() && !m->server_streaming()) {
      return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer,
                                               grpc::ByteBuffer>(
          channel_.get(),
          grpc::internal::RpcMethod(path.c_str(),
                                    grpc::internal::RpcMethod::NORMAL_RPC),
          ctx.get(), Buffer(messages[0]), &response);
    }
    if (!m->client_streaming()) {
      std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
          grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
              channel_.get(),
              grpc::internal::RpcMethod(
                  path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING),
              ctx.get(), Buffer(messages[0])));
      // A stream that answers is alive; one that never ends (WatchAlerts)
      // is cancelled after its first message.
      if (reader->Read(&response)) ctx->TryCancel();
      while (reader->Read(&response)) {
      }
      grpc::Status st = reader->Finish();
      if (st.error_code() == grpc::StatusCode::CANCELLED) st = grpc::Status::OK;
      return st;
    }
    if (!m->server_streaming()) {
      std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> writer(
          grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(
              channel_.get(),
              grpc::internal::RpcMethod(
                  path.c_str(), grpc::internal::RpcMethod::CLIENT_STREAMING),
              ctx.get(), &response));
      for (const std::string& msg : messages) {
        if (!writer->Write(Buffer(msg))) break;
      }
      writer->WritesDone();
      return writer->Finish();
    }
    std::unique_ptr<
        grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>
        stream(grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer,
                                                         grpc::ByteBuffer>::
                   Create(channel_.get(),
                          grpc::internal::RpcMethod(
                              path.c_str(),
                              grpc::internal::RpcMethod::BIDI_STREAMING),
                          ctx.get()));
    for (const std::string& msg : messages) {
      if (!stream->Write(Buffer(msg))) break;
    }
    stream->WritesDone();
    while (stream->Read(&response)) {
    }
    return stream->Finish();
  }

  // Rows in every table of the schema, in one round trip. The sequencer
  // moves rows in the background (alert_queue to alerts, events_unsealed
  // to event_chain): those pairs are counted together.
  std::string Rows() {
    if (rows_db_ == nullptr) {
      rows_db_ = std::make_unique<pqxx::connection>(db_->url());
      pqxx::nontransaction w(*rows_db_);
      std::vector<std::string> parts;
      for (const auto& r :
           w.exec("SELECT tablename FROM pg_tables WHERE schemaname = "
                  "'public' ORDER BY 1")) {
        std::string group = r[0].c_str();
        if (group == "alert_queue") group = "alerts";
        if (group == "events_unsealed") group = "event_chain";
        parts.push_back(absl::StrCat(
            "SELECT '", group, "' AS t, count(*) AS n FROM ", r[0].c_str()));
      }
      count_rows_ = absl::StrCat("SELECT t || ':' || sum(n) FROM (",
                                 absl::StrJoin(parts, " UNION ALL "),
                                 ") c GROUP BY t ORDER BY t");
    }
    pqxx::nontransaction w(*rows_db_);
    std::string out;
    for (const auto& r : w.exec(count_rows_)) {
      absl::StrAppend(&out, r[0].c_str(), " ");
    }
    return out;
  }

  std::unique_ptr<pqxx::connection> rows_db_;
  std::string count_rows_;
  int64_t item_id_ = 0;
  // A request that passes can end its own token (Logout): the roles get a
  // new one, so that the rest is not refused for that alone.
  void KeepTokens() {
    const auto works = [&](const std::string& token) {
      v1::ListUnitsRequest req;
      v1::ListUnitsResponse resp;
      return units_->ListUnits(As(token).get(), req, &resp).error_code() !=
             grpc::StatusCode::UNAUTHENTICATED;
    };
    if (!works(admin_token_)) {
      admin_token_ = NewTokenSecret();
      ASSERT_TRUE(services_->deps()
                      .users
                      .BootstrapAdmin("admin", HashTokenSecret(admin_token_),
                                      false, kNow)
                      .ok());
    }
    if (!works(responder_)) {
      v1::IssueTokenRequest req;
      req.set_user_login("tl.resp");
      v1::IssueTokenResponse resp;
      ASSERT_TRUE(admin_->IssueToken(As(admin_token_).get(), req, &resp).ok());
      responder_ = resp.secret();
    }
  }

  std::string admin_token_, responder_;
  int rounds_ = 1;
};

TEST_F(FuzzTest, EveryRpcRefusesHostileInputPrecisely) {
  const std::vector<const MethodDescriptor*> methods = Methods();
  ASSERT_GT(methods.size(), 50u);
  std::mt19937_64 random(20241102);
  int calls = 0, refused = 0, unauthenticated = 0;
  std::string rows = Rows();
  for (int round = 0; round < rounds_; ++round) {
    for (const MethodDescriptor* m : methods) {
      std::vector<std::vector<std::string>> cases;
      const std::vector<std::string> good =
          m->client_streaming() ? GoodParts(m) : std::vector<std::string>{};
      const auto add = [&](std::string bytes) {
        if (m->client_streaming()) {
          cases.push_back({bytes});
          // Good parts, then a broken one: nothing of them may be kept.
          for (size_t n = 1; n <= good.size(); ++n) {
            std::vector<std::string> c(good.begin(), good.begin() + n);
            c.push_back(bytes);
            cases.push_back(std::move(c));
          }
        } else {
          cases.push_back({std::move(bytes)});
        }
      };
      if (round == 0) {
        add("");
        const Descriptor* d = m->input_type();
        for (int i = 0; i < d->field_count(); ++i) {
          for (std::string& c : FieldCases(d->field(i), 0)) add(std::move(c));
        }
      }
      for (int i = 0; i < 8; ++i) {
        std::string bytes(1 + random() % 48, '\0');
        for (char& b : bytes) b = static_cast<char>(random());
        add(std::move(bytes));
      }
      for (const std::vector<std::string>& c : cases) {
        for (const bool as_admin : {true, false}) {
          const grpc::Status st =
              Call(m, as_admin ? admin_token_ : responder_, c);
          ++calls;
          if (st.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
            ++unauthenticated;
          }
          const std::string what = absl::StrCat(
              m->full_name(), " as ", as_admin ? "admin" : "responder",
              ", case of ", c.back().size(), " bytes in ", c.size(),
              " message(s): ", st.error_code(), " ",
              st.error_message().substr(0, 200));
          EXPECT_NE(st.error_code(), grpc::StatusCode::INTERNAL) << what;
          EXPECT_NE(st.error_code(), grpc::StatusCode::UNKNOWN) << what;
          EXPECT_NE(st.error_code(), grpc::StatusCode::UNIMPLEMENTED) << what;
          EXPECT_LT(st.error_message().size(), 1024u) << what;
          const std::string now = Rows();
          if (!st.ok()) {
            ++refused;
            EXPECT_EQ(now, rows) << "a refused request wrote: " << what;
            rows = now;
          } else {
            KeepTokens();
            rows = Rows();
          }
        }
      }
    }
  }
  EXPECT_GT(refused, calls / 2);
  // The roles' tokens kept working: the requests reached their handlers.
  EXPECT_LT(unauthenticated, calls / 50);
  // Still serving.
  v1::ListUnitsRequest req;
  v1::ListUnitsResponse resp;
  const grpc::Status alive =
      units_->ListUnits(As(admin_token_).get(), req, &resp);
  EXPECT_TRUE(alive.ok()) << alive.error_code() << " " << alive.error_message();
  std::cout << calls << " hostile calls, " << refused << " refused, "
            << unauthenticated << " unauthenticated\n";
}

}  // namespace
}  // namespace pqtrack::api
