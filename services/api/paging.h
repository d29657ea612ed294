// Provides page tokens: opaque strings that carry where the next page starts
// and a fingerprint of the query's filters, so a token sent with other
// filters is rejected instead of returning a wrong page.
#ifndef PQTRACK_SERVICES_API_PAGING_H_
#define PQTRACK_SERVICES_API_PAGING_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/core/types.h"
#include "services/core/validation.h"

namespace pqtrack::api {

// A fingerprint of `request` ignoring the named page fields.
std::string QueryFingerprint(const google::protobuf::Message& request);

std::string EncodePageToken(int64_t after_id, const std::string& fingerprint);

// 0 for an empty token. INVALID_ARGUMENT on "page_token" when the token is
// malformed or belongs to another query.
absl::StatusOr<int64_t> DecodePageToken(const std::string& token,
                                        const std::string& fingerprint);

// A token for a keyset of two numbers (a sort key and an id), for lists
// not ordered by id alone (search). DecodeKeysetToken gives {0, 0} for an
// empty token; INVALID_ARGUMENT on "page_token" as DecodePageToken.
std::string EncodeKeysetToken(int64_t key, int64_t id,
                              const std::string& fingerprint);
absl::StatusOr<std::pair<int64_t, int64_t>> DecodeKeysetToken(
    const std::string& token, const std::string& fingerprint);

// The page fields of a list request, read and checked.
struct Page {
  core::PageRequest request;
  std::string fingerprint;
  // The token for the page after this one: empty when `more` is false.
  std::string NextToken(bool more, int64_t last_id) const;
};

// Checks `page_size` (into `v`), then, when `v` holds no violation at all,
// decodes `page_token` for `request`. Returns v's status when it holds any.
absl::StatusOr<Page> ReadPage(core::Violations& v,
                              const google::protobuf::Message& request,
                              int32_t page_size, const std::string& page_token);

// Deterministic serialization of a message (map and field order fixed).
std::string DeterministicBytes(const google::protobuf::Message& message);

}  // namespace pqtrack::api

#endif  // PQTRACK_SERVICES_API_PAGING_H_
