#include "services/server/conninfo.h"

#include <libpq-fe.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace pqtrack::server {
namespace {

// A value in libpq's keyword/value syntax: single-quoted, with \ and '
// escaped by a backslash.
std::string Quoted(const char* value) {
  std::string out = "'";
  for (const char* c = value; *c != '\0'; ++c) {
    if (*c == '\\' || *c == '\'') out += '\\';
    out += *c;
  }
  return out + "'";
}

}  // namespace

absl::StatusOr<ToolConnection> SplitPassword(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    if (error != nullptr) PQfreemem(error);
    return absl::InvalidArgumentError(
        absl::StrCat("the database URL cannot be read: ",
                     absl::StripTrailingAsciiWhitespace(why)));
  }
  ToolConnection out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::strcmp(o->keyword, "password") == 0) {
      out.password = o->val;
      continue;
    }
    absl::StrAppend(&out.conninfo, out.conninfo.empty() ? "" : " ", o->keyword,
                    "=", Quoted(o->val));
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace pqtrack::server
