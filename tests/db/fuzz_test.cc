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

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "pqtrack/v1/errors.pb.h"
#include "pqtrack/v1/limits.pb.h"
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

// A field's (pqtrack.v1.limit), reached from a request through `chain`
// (the message fields that lead to it; a repeated one gets one entry).
struct LimitedField {
  std::vector<const FieldDescriptor*> chain;
  std::string path;  // as the server names it: "item.title", "days[0].name"
  v1::Limit limit;
};

void CollectLimited(const Descriptor* d,
                    std::vector<const FieldDescriptor*> chain,
                    const std::string& prefix, int depth,
                    std::vector<LimitedField>& out) {
  if (depth > 4) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    std::vector<const FieldDescriptor*> c = chain;
    c.push_back(f);
    const v1::Limit& limit = f->options().GetExtension(v1::limit);
    if (limit.max_chars() > 0 || limit.max_bytes() > 0 ||
        limit.max_items() > 0) {
      out.push_back({c, prefix + f->name(), limit});
    }
    if (f->type() == FieldDescriptor::TYPE_MESSAGE &&
        f->message_type()->file()->package() == "pqtrack.v1") {
      CollectLimited(f->message_type(), c,
                     prefix + f->name() + (f->is_repeated() ? "[0]." : "."),
                     depth + 1, out);
    }
  }
}

// Adds one value to (or sets) the last field of `chain` in `msg`; every
// message on the way is made present (a repeated one with one entry).
void SetAlong(google::protobuf::Message* msg, const LimitedField& lf,
              const std::string& text, int entries) {
  for (size_t k = 0; k + 1 < lf.chain.size(); ++k) {
    const FieldDescriptor* f = lf.chain[k];
    const google::protobuf::Reflection* r = msg->GetReflection();
    if (f->is_repeated()) {
      msg = r->FieldSize(*msg, f) > 0 ? r->MutableRepeatedMessage(msg, f, 0)
                                      : r->AddMessage(msg, f);
    } else {
      msg = r->MutableMessage(msg, f);
    }
  }
  const FieldDescriptor* f = lf.chain.back();
  const google::protobuf::Reflection* r = msg->GetReflection();
  for (int i = 0; i < entries; ++i) {
    const bool rep = f->is_repeated();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        rep ? r->AddString(msg, f, text) : r->SetString(msg, f, text);
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        rep ? (void)r->AddMessage(msg, f) : (void)r->MutableMessage(msg, f);
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        rep ? r->AddEnumValue(msg, f, 1) : r->SetEnumValue(msg, f, 1);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        rep ? r->AddInt64(msg, f, i + 1) : r->SetInt64(msg, f, i + 1);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        rep ? r->AddInt32(msg, f, i + 1) : r->SetInt32(msg, f, i + 1);
        break;
      default:
        ADD_FAILURE() << lf.path << ": a limited field of a type this test "
                      << "does not fill";
        return;
    }
  }
}

// An item whose details (petition, question, ...) are set gets the kind
// they belong to, so that the rules for those details run.
void MatchKindToDetails(google::protobuf::Message* request) {
  const FieldDescriptor* f = request->GetDescriptor()->FindFieldByName("item");
  if (f == nullptr || f->message_type()->full_name() != "pqtrack.v1.Item") {
    return;
  }
  google::protobuf::Message* item =
      request->GetReflection()->MutableMessage(request, f);
  const google::protobuf::Reflection* r = item->GetReflection();
  const auto* details = item->GetDescriptor()->FindOneofByName("details");
  const FieldDescriptor* set = r->GetOneofFieldDescriptor(*item, details);
  if (set == nullptr) return;
  const auto* kind = item->GetDescriptor()->FindFieldByName("kind");
  const auto* value = kind->enum_type()->FindValueByName(
      "ITEM_KIND_" + absl::AsciiStrToUpper(set->name()));
  ASSERT_NE(value, nullptr) << set->name();
  r->SetEnum(item, kind, value);
}

// The violations of a refused request, from its BadRequest detail (or its
// message when it has none).
std::vector<std::pair<std::string, std::string>> Violations(
    const grpc::Status& st) {
  std::vector<std::pair<std::string, std::string>> out;
  v1::ErrorStatus detail;
  v1::BadRequest bad;
  // The detail is google.rpc.BadRequest by name (errors.proto): Any's
  // UnpackTo would want pqtrack.v1's name.
  if (detail.ParseFromString(st.error_details()) && detail.details_size() > 0 &&
      bad.ParseFromString(detail.details(0).value())) {
    for (const auto& fv : bad.field_violations()) {
      out.emplace_back(fv.field(), fv.description());
    }
  } else if (!st.ok()) {
    const std::string& m = st.error_message();
    const size_t colon = m.find(": ");
    if (colon == std::string::npos) {
      out.emplace_back("", m);
    } else {
      out.emplace_back(m.substr(0, colon), m.substr(colon + 2));
    }
  }
  return out;
}

// Field paths alike but for entry indexes: "days[0].name" is "days.name".
bool SameField(const std::string& a, const std::string& b) {
  const auto strip = [](const std::string& p) {
    std::string out;
    bool in_index = false;
    for (char c : p) {
      if (c == '[') in_index = true;
      if (!in_index) out += c;
      if (c == ']') in_index = false;
    }
    return out;
  };
  return strip(a) == strip(b);
}

// M of a rule that says "N-M characters" or "N to M characters"; else 0.
// (By hand: std::regex trips GCC 12's -Wmaybe-uninitialized under ASan.)
int LengthInRule(const std::string& rule) {
  const std::string unit = " characters";
  for (size_t at = rule.find(unit); at != std::string::npos;
       at = rule.find(unit, at + 1)) {
    size_t m = at;
    while (m > 0 && absl::ascii_isdigit(rule[m - 1])) --m;
    if (m == at) continue;
    const absl::string_view before(rule.data(), m);
    const size_t sep = absl::EndsWith(before, "-")      ? 1
                       : absl::EndsWith(before, " to ") ? 4
                                                        : 0;
    if (sep == 0 || m < sep + 1 || !absl::ascii_isdigit(rule[m - sep - 1])) {
      continue;
    }
    return std::stoi(rule.substr(m, at - m));
  }
  return 0;
}

bool IsLengthRule(const std::string& description) {
  return absl::StartsWith(description, "must be at most") ||
         absl::StartsWith(description, "must have at most") ||
         absl::StartsWith(description, "at most");
}

// The limits written in the protos are the ones the server applies: a value
// at its limit is never refused for its size (by the decoder or by the
// rules in core), one past it is refused by the decoder, naming the field
// and the limit; a pattern rule in core that states a length states the
// proto's. For text fields the rules in core also see the value: one with
// a NUL in it must be refused naming the field, so that "not refused at the
// limit" is not just "never looked at" (the fields they never look at are
// listed).
TEST_F(FuzzTest, ProtoLimitsAgreeWithTheServersOwnRules) {
  int fields = 0, text_fields = 0, seen_by_core = 0;
  std::vector<std::string> unseen;
  for (const MethodDescriptor* m : Methods()) {
    std::vector<LimitedField> limited;
    CollectLimited(m->input_type(), {}, "", 0, limited);
    for (const LimitedField& lf : limited) {
      ++fields;
      const FieldDescriptor* f = lf.chain.back();
      const bool text =
          f->type() == FieldDescriptor::TYPE_STRING && lf.limit.max_chars() > 0;
      const bool bytes = f->type() == FieldDescriptor::TYPE_BYTES;
      const auto request = [&](size_t chars, int entries,
                               const std::string& fill) {
        std::unique_ptr<google::protobuf::Message> msg(
            google::protobuf::MessageFactory::generated_factory()
                ->GetPrototype(m->input_type())
                ->New());
        std::string value;
        for (size_t i = 0; i < chars; ++i) value += fill;
        SetAlong(msg.get(), lf, value, entries);
        MatchKindToDetails(msg.get());
        return msg->SerializeAsString();
      };
      const auto call = [&](const std::string& bytes_of) {
        const grpc::Status st = Call(m, admin_token_, {bytes_of});
        EXPECT_NE(st.error_code(), grpc::StatusCode::INTERNAL)
            << m->full_name() << " " << lf.path << ": " << st.error_message();
        if (st.ok()) KeepTokens();
        return st;
      };
      const std::string what = absl::StrCat(m->full_name(), " ", lf.path);
      const int items = lf.limit.max_items();
      const size_t chars = text    ? lf.limit.max_chars()
                           : bytes ? lf.limit.max_bytes()
                                   : 0;
      const int entries = f->is_repeated() ? std::max(items, 1) : 1;
      // At the limits: not refused for size. ASCII, and a Vietnamese
      // letter of three bytes (the limits count characters).
      for (const char* fill : {"A", "ệ"}) {
        if (std::string(fill) != "A" && !text) continue;
        const grpc::Status st = call(request(chars, entries, fill));
        EXPECT_NE(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
            << what << " at its limit: " << st.error_message();
        for (const auto& [field, rule] : Violations(st)) {
          EXPECT_FALSE(IsLengthRule(rule))
              << what << " at its limit (" << chars << " x '" << fill << "', "
              << entries << " entries) is refused: " << field << ": " << rule;
          // A pattern rule says its own length ("1-32 characters from
          // A-Z, ..."): the same as the proto's.
          if (text && SameField(field, lf.path)) {
            if (const int said = LengthInRule(rule); said > 0) {
              EXPECT_EQ(static_cast<size_t>(said), chars)
                  << what << ": the rule in core says \"" << rule << "\"";
            }
          }
        }
      }
      // One past a limit: refused by the decoder, naming it.
      const std::string at = f->is_repeated() ? lf.path + "[0]" : lf.path;
      if (chars > 0) {
        const grpc::Status st = call(request(chars + 1, entries, "A"));
        EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << what;
        EXPECT_EQ(st.error_message(),
                  absl::StrCat(at, ": must be at most ", chars,
                               text ? " characters" : " bytes", " (got ",
                               chars + 1, ")"))
            << what;
      }
      if (items > 0) {
        const grpc::Status st = call(request(text ? 1 : 0, items + 1, "A"));
        EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << what;
        EXPECT_EQ(st.error_message(),
                  absl::StrCat(lf.path, ": must have at most ", items,
                               " entries (got ", items + 1, ")"))
            << what;
      }
      if (!text) continue;
      ++text_fields;
      const std::string nul(1, '\0');
      const grpc::Status st = call(request(1, 1, "A" + nul + "A"));
      bool named = false;
      for (const auto& [field, rule] : Violations(st)) {
        named = named || SameField(field, lf.path);
      }
      if (named) {
        ++seen_by_core;
      } else {
        unseen.push_back(absl::StrCat(what, " (", st.error_code(), " ",
                                      st.error_message().substr(0, 120), ")"));
      }
    }
  }
  std::cout << fields << " limited fields, " << text_fields
            << " text fields, of which " << seen_by_core
            << " are checked by the rules in core; not checked there (in "
               "this request alone):\n  "
            << absl::StrJoin(unseen, "\n  ") << "\n";
  EXPECT_GT(fields, 100);
  // The rest are fields the server does not read from that request (an
  // item's answer in RecordItem, fields outside UpdateItem's mask, all of
  // PreviewRouting's draft, a filter's page fields where they are ignored)
  // and ListTokens' user_login (it filters). 90 when this was written:
  // fewer means a rule was lost or names its field otherwise.
  EXPECT_GE(seen_by_core, 90);
}

}  // namespace
}  // namespace pqtrack::api
