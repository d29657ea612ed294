#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/unknown_field_set.h"
#include "pqtrack/v1/limits.pb.h"
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

// google.protobuf.FieldMask cannot carry our option: its limit, as
// limits.proto says.
constexpr int kMaskPaths = 30;
constexpr int kMaskPathChars = 100;

std::string TooLong(const std::string& path, size_t max, size_t got,
                    const char* unit) {
  return path + ": must be at most " + std::to_string(max) + " " + unit +
         " (got " + std::to_string(got) + ")";
}

// The characters of `v` when there are more than `max`, else 0. (Valid
// UTF-8 has at least as many bytes as characters.)
size_t CharsOver(const std::string& v, size_t max) {
  if (v.size() <= max) return 0;
  const size_t n = CodePointCount(v);
  return n > max ? n : 0;
}

// The first field of `msg` (recursively) over its (pqtrack.v1.limit), as
// "path: rule"; "" when every field is within its limit.
std::string OverLimit(const google::protobuf::Message& msg,
                      const std::string& prefix, int depth) {
  using google::protobuf::FieldDescriptor;
  if (depth > 32) return "";
  const google::protobuf::Reflection* r = msg.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(msg, &fields);
  const bool mask =
      msg.GetDescriptor()->full_name() == "google.protobuf.FieldMask";
  for (const FieldDescriptor* f : fields) {
    const std::string path = prefix + f->name();
    const v1::Limit& limit = f->options().GetExtension(v1::limit);
    const size_t max_chars = mask ? kMaskPathChars : limit.max_chars();
    const bool is_string = f->type() == FieldDescriptor::TYPE_STRING;
    std::string scratch;
    if (f->is_repeated()) {
      const int n = r->FieldSize(msg, f);
      const int max_items = mask ? kMaskPaths : limit.max_items();
      if (max_items > 0 && n > max_items) {
        return path + ": must have at most " + std::to_string(max_items) +
               " entries (got " + std::to_string(n) + ")";
      }
      const bool nested = f->type() == FieldDescriptor::TYPE_MESSAGE;
      if (!nested && !(is_string && max_chars > 0)) continue;
      const auto at = [&path](int i) {
        return path + "[" + std::to_string(i) + "]";
      };
      for (int i = 0; i < n; ++i) {
        if (nested) {
          std::string bad = OverLimit(r->GetRepeatedMessage(msg, f, i),
                                      at(i) + ".", depth + 1);
          if (!bad.empty()) return bad;
        } else if (const size_t got = CharsOver(
                       r->GetRepeatedStringReference(msg, f, i, &scratch),
                       max_chars)) {
          return TooLong(at(i), max_chars, got, "characters");
        }
      }
    } else if (is_string && max_chars > 0) {
      if (const size_t got =
              CharsOver(r->GetStringReference(msg, f, &scratch), max_chars)) {
        return TooLong(path, max_chars, got, "characters");
      }
    } else if (f->type() == FieldDescriptor::TYPE_BYTES &&
               limit.max_bytes() > 0) {
      const std::string& v = r->GetStringReference(msg, f, &scratch);
      if (v.size() > static_cast<size_t>(limit.max_bytes())) {
        return TooLong(path, limit.max_bytes(), v.size(), "bytes");
      }
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      std::string bad = OverLimit(r->GetMessage(msg, f), path + ".", depth + 1);
      if (!bad.empty()) return bad;
    }
  }
  return "";
}

thread_local grpc::Status last_error;
std::atomic<int64_t> unreadable{0};
std::atomic<bool> quiet{false};
// Unreadable requests when the last summary line was written, and when.
std::atomic<int64_t> summarised{0};
std::atomic<int64_t> summarised_at{0};

// An unreadable request: counted, and (on a quiet server) summed up in one
// line a minute at most.
grpc::Status Refuse(grpc::Status st) {
  const int64_t n = ++unreadable;
  if (quiet.load()) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    int64_t at = summarised_at.load();
    if (now - at >= 60 && summarised_at.compare_exchange_strong(at, now)) {
      const int64_t before = summarised.exchange(n);
      std::fprintf(stderr,
                   "%lld request(s) that could not be decoded were refused "
                   "with INVALID_ARGUMENT since the last such line (%lld in "
                   "all)\n",
                   static_cast<long long>(n - before),
                   static_cast<long long>(n));
    }
  }
  last_error = st;
  return st;
}

void QuietLog(google::protobuf::LogLevel level, const char* filename, int line,
              const std::string& message) {
  // Protobuf says this for each string that is not UTF-8 in a message it
  // parses: the request is refused (and counted) instead.
  if (message.find("when parsing a protocol buffer") != std::string::npos) {
    return;
  }
  static const char* const kLevels[] = {"INFO", "WARNING", "ERROR", "FATAL"};
  std::fprintf(stderr, "[libprotobuf %s %s:%d] %s\n",
               kLevels[std::min<int>(level, 3)], filename, line,
               message.c_str());
}

}  // namespace

grpc::Status TakeReadError() {
  grpc::Status st = last_error;
  last_error = grpc::Status::OK;
  return st;
}

void QuietDecodeErrors() {
  if (!quiet.exchange(true)) google::protobuf::SetLogHandler(&QuietLog);
}

int64_t UnreadableRequests() { return unreadable.load(); }

grpc::Status ParseRequest(grpc::ByteBuffer* buffer,
                          google::protobuf::MessageLite* msg) {
  // No message at all (a raw client ended its side without sending the
  // one request) is not the empty message: it is refused.
  if (buffer == nullptr || !buffer->Valid()) {
    return Refuse(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                               "request: no message"));
  }
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (buffer->Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  buffer->Clear();
  const auto* full = dynamic_cast<const google::protobuf::Message*>(msg);
  if (msg->ParseFromString(bytes)) {
    if (full == nullptr) return grpc::Status::OK;
    const std::string over = OverLimit(*full, "", 0);
    if (over.empty()) return grpc::Status::OK;
    last_error = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, over);
    return last_error;
  }
  google::protobuf::UnknownFieldSet fields;
  if (full != nullptr && fields.ParseFromString(bytes)) {
    const std::string bad = FindBadUtf8(full->GetDescriptor(), fields, "", 0);
    if (!bad.empty()) {
      return Refuse(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 bad + ": must be valid UTF-8"));
    }
  }
  return Refuse(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                   "request: not a valid " + msg->GetTypeName() + " message"));
}

}  // namespace pqtrack::wire
