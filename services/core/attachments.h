// Provides the rules for files attached to items (the signed answer, the
// supporting documents): which types are taken, how large a file may be,
// what a file name may hold, and whether the bytes are what the type says.
#ifndef PQTRACK_SERVICES_CORE_ATTACHMENTS_H_
#define PQTRACK_SERVICES_CORE_ATTACHMENTS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/core/validation.h"

namespace pqtrack::core {

// The largest file taken: 20 MiB.
inline constexpr size_t kMaxAttachmentBytes = size_t{20} << 20;

// What a file is for.
enum class AttachmentKind { kUnspecified, kSignedAnswer, kSupporting };
const char* Name(AttachmentKind k);

// A file of an item; `content` is filled only where the bytes are read.
struct Attachment {
  int64_t id = 0;
  int64_t item_id = 0;
  AttachmentKind kind = AttachmentKind::kUnspecified;
  std::string file_name;
  std::string content_type;
  int64_t size_bytes = 0;
  std::string sha256;
  std::string uploaded_by_login;
  absl::Time upload_time;
  std::string content;
};

// The content types taken: PDF, DOCX, PNG and JPEG. True for one of them.
bool IsAcceptedType(absl::string_view content_type);

// The accepted types, for messages: "application/pdf, ...".
std::string AcceptedTypes();

// The content type a file name's extension stands for (".pdf", ".docx",
// ".png", ".jpg", ".jpeg", any case); empty when none of the accepted.
std::string TypeOfFileName(absl::string_view file_name);

// True when `head` (the file's first bytes; at least 8 when the file has
// them) starts as a file of `content_type` does: "%PDF-", a ZIP archive for
// DOCX, the PNG signature, a JPEG start-of-image marker.
bool ContentMatchesType(absl::string_view content_type, absl::string_view head);

// File name 1-255 characters of valid UTF-8, no '/', '\\' or control
// characters, not "." or ".."; the content type accepted.
void ValidateAttachmentHeader(Violations& v, absl::string_view file_name,
                              absl::string_view content_type);

}  // namespace pqtrack::core

#endif  // PQTRACK_SERVICES_CORE_ATTACHMENTS_H_
