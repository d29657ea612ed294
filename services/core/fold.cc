#include "services/core/fold.h"

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"

namespace pqtrack::core {
namespace {

// Each line: the base letter, then every precomposed letter folding to it.
constexpr const char* kGroups[] = {
    "aàáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬAäåÄÅ",
    "dđĐD",
    "eèéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆEëË",
    "iìíỉĩịÌÍỈĨỊIïÏ",
    "oòóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢOöÖ",
    "uùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰUüÜ",
    "yỳýỷỹỵỲÝỶỸỴY",
    "cçÇC",
    "nñÑN",
};

// Decodes the code point at s[i]; returns its byte length (1 for a stray
// byte, which is kept as is).
int Decode(absl::string_view s, size_t i, uint32_t* cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80         ? 1
            : (c >> 5) == 6  ? 2
            : (c >> 4) == 14 ? 3
            : (c >> 3) == 30 ? 4
                             : 1;
  if (i + len > s.size()) len = 1;
  if (len == 1) {
    *cp = c;
    return 1;
  }
  *cp = c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    *cp = (*cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  return len;
}

const absl::flat_hash_map<uint32_t, char>& Table() {
  static const auto* table = [] {
    auto* t = new absl::flat_hash_map<uint32_t, char>();
    for (const char* group : kGroups) {
      const absl::string_view g(group);
      const char base = g[0];
      uint32_t cp;
      for (size_t i = 1; i < g.size();) {
        const int len = Decode(g, i, &cp);
        (*t)[cp] = base;
        i += len;
      }
    }
    return t;
  }();
  return *table;
}

bool IsCombiningMark(uint32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1DC0 && cp <= 0x1DFF);
}

}  // namespace

std::string Fold(absl::string_view text) {
  const auto& table = Table();
  std::string out;
  out.reserve(text.size());
  bool space = false;
  uint32_t cp;
  for (size_t i = 0; i < text.size();) {
    const int len = Decode(text, i, &cp);
    const absl::string_view raw = text.substr(i, len);
    i += len;
    if (IsCombiningMark(cp)) continue;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0) {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    if (auto it = table.find(cp); it != table.end()) {
      out += it->second;
    } else if (cp < 0x80) {
      out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    } else {
      out.append(raw.data(), raw.size());
    }
  }
  return out;
}

}  // namespace pqtrack::core
