#include "services/common/pem.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace pqtrack {

absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        const char* flag) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(flag, ": cannot read a PEM file from ", path));
  }
  return text.str();
}

}  // namespace pqtrack
