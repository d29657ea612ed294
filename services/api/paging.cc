#include "services/api/paging.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/crypto.h"

namespace pqtrack::api {

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream sos(&out);
    google::protobuf::io::CodedOutputStream cos(&sos);
    cos.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&cos);
  }
  return out;
}

std::string QueryFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* desc = copy->GetDescriptor();
  const auto* refl = copy->GetReflection();
  for (const char* name : {"page_token", "page_size"}) {
    if (const auto* f = desc->FindFieldByName(name))
      refl->ClearField(copy.get(), f);
  }
  return Sha256Hex(DeterministicBytes(*copy)).substr(0, 16);
}

std::string EncodePageToken(int64_t after_id, const std::string& fingerprint) {
  return absl::WebSafeBase64Escape(absl::StrCat(after_id, ":", fingerprint));
}

absl::StatusOr<int64_t> DecodePageToken(const std::string& token,
                                        const std::string& fingerprint) {
  if (token.empty()) return 0;
  std::string raw;
  int64_t id = 0;
  if (token.size() > 200 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError(
        "page_token: not a token this server issued");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, ':');
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &id) || id <= 0) {
    return absl::InvalidArgumentError(
        "page_token: not a token this server issued");
  }
  if (parts[1] != fingerprint) {
    return absl::InvalidArgumentError(
        "page_token: belongs to a query with other filters; send the same "
        "filters as the first page");
  }
  return id;
}

std::string EncodeKeysetToken(int64_t key, int64_t id,
                              const std::string& fingerprint) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(key, ".", id, ":", fingerprint));
}

absl::StatusOr<std::pair<int64_t, int64_t>> DecodeKeysetToken(
    const std::string& token, const std::string& fingerprint) {
  if (token.empty()) return std::make_pair(int64_t{0}, int64_t{0});
  std::string raw;
  const absl::Status bad =
      absl::InvalidArgumentError("page_token: not a token this server issued");
  if (token.size() > 200 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return bad;
  }
  const std::vector<std::string> parts = absl::StrSplit(raw, ':');
  if (parts.size() != 2) return bad;
  const std::vector<std::string> keys = absl::StrSplit(parts[0], '.');
  int64_t key = 0, id = 0;
  if (keys.size() != 2 || !absl::SimpleAtoi(keys[0], &key) ||
      !absl::SimpleAtoi(keys[1], &id) || key < 0 || id <= 0) {
    return bad;
  }
  if (parts[1] != fingerprint) {
    return absl::InvalidArgumentError(
        "page_token: belongs to a query with other filters; send the same "
        "filters as the first page");
  }
  return std::make_pair(key, id);
}

std::string Page::NextToken(bool more, int64_t last_id) const {
  return more ? EncodePageToken(last_id, fingerprint) : "";
}

absl::StatusOr<Page> ReadPage(core::Violations& v,
                              const google::protobuf::Message& request,
                              int32_t page_size,
                              const std::string& page_token) {
  Page page;
  page.request.size = core::CheckPageSize(v, "page_size", page_size);
  if (!v.empty()) return v.ToStatus();
  page.fingerprint = QueryFingerprint(request);
  absl::StatusOr<int64_t> after = DecodePageToken(page_token, page.fingerprint);
  if (!after.ok()) return after.status();
  page.request.after_id = *after;
  return page;
}

}  // namespace pqtrack::api
