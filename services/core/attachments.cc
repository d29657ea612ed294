#include "services/core/attachments.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pqtrack::core {
namespace {

struct FileType {
  const char* content_type;
  const char* extensions[2];
  // The first bytes of such a file.
  absl::string_view magic;
};

constexpr absl::string_view kZip("PK\x03\x04", 4);
constexpr absl::string_view kPng("\x89PNG\r\n\x1a\n", 8);
constexpr absl::string_view kJpeg("\xff\xd8\xff", 3);

const FileType kTypes[] = {
    {"application/pdf", {".pdf", nullptr}, "%PDF-"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     {".docx", nullptr},
     kZip},
    {"image/png", {".png", nullptr}, kPng},
    {"image/jpeg", {".jpg", ".jpeg"}, kJpeg},
};

const FileType* Find(absl::string_view content_type) {
  for (const FileType& t : kTypes) {
    if (content_type == t.content_type) return &t;
  }
  return nullptr;
}

}  // namespace

const char* Name(AttachmentKind k) {
  switch (k) {
    case AttachmentKind::kSignedAnswer:
      return "SIGNED_ANSWER";
    case AttachmentKind::kSupporting:
      return "SUPPORTING";
    case AttachmentKind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

bool IsAcceptedType(absl::string_view content_type) {
  return Find(content_type) != nullptr;
}

std::string AcceptedTypes() {
  std::vector<std::string> names;
  for (const FileType& t : kTypes) names.push_back(t.content_type);
  return absl::StrJoin(names, ", ");
}

std::string TypeOfFileName(absl::string_view file_name) {
  const std::string lower = absl::AsciiStrToLower(file_name);
  for (const FileType& t : kTypes) {
    for (const char* ext : t.extensions) {
      if (ext != nullptr && absl::EndsWith(lower, ext)) return t.content_type;
    }
  }
  return "";
}

bool ContentMatchesType(absl::string_view content_type,
                        absl::string_view head) {
  const FileType* t = Find(content_type);
  return t != nullptr && absl::StartsWith(head, t->magic);
}

void ValidateAttachmentHeader(Violations& v, absl::string_view file_name,
                              absl::string_view content_type) {
  CheckText(v, "file_name", file_name, {1, 255});
  for (unsigned char c : file_name) {
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
      v.Add("file_name",
            "no '/', '\\' or control characters (a name, not a path)");
      break;
    }
  }
  if (file_name == "." || file_name == "..") {
    v.Add("file_name", "must name a file");
  }
  if (!IsAcceptedType(content_type)) {
    v.Add("content_type", absl::StrCat("must be one of ", AcceptedTypes(),
                                       " (PDF, DOCX, PNG, "
                                       "JPEG)"));
  }
}

}  // namespace pqtrack::core
