#include "core/util/utf8.h"

#include <cstdint>

#include "absl/strings/str_join.h"

namespace core {
namespace {

// Decodes the sequence starting at `text[pos]`. Returns its length in bytes and sets
// `*code_point`, or returns 0 when the bytes there are not well-formed UTF-8.
size_t DecodeOne(absl::string_view text, size_t pos, char32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(pos);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  size_t length;
  char32_t value;
  char32_t minimum;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;  // a continuation byte, or a lead byte that can only start overlong forms
  }
  if (pos + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    const uint8_t next = byte(pos + i);
    if ((next & 0xC0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *code_point = value;
  return length;
}

}  // namespace

size_t FirstInvalidUtf8Byte(absl::string_view text) {
  size_t pos = 0;
  char32_t code_point;
  while (pos < text.size()) {
    const size_t length = DecodeOne(text, pos, &code_point);
    if (length == 0) return pos;
    pos += length;
  }
  return std::string::npos;
}

std::u32string DecodeUtf8(absl::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t code_point;
    const size_t length = DecodeOne(text, pos, &code_point);
    if (length == 0) {
      out.push_back(0xFFFD);
      ++pos;
    } else {
      out.push_back(code_point);
      pos += length;
    }
  }
  return out;
}

void AppendUtf8(char32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

bool IsUnicodeWhitespace(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

std::vector<absl::string_view> SplitOnWhitespace(absl::string_view text) {
  std::vector<absl::string_view> words;
  size_t pos = 0;
  size_t word_start = std::string::npos;
  while (pos < text.size()) {
    char32_t code_point;
    size_t length = DecodeOne(text, pos, &code_point);
    if (length == 0) {
      // Not valid UTF-8: treat the byte as part of a word, never as a separator.
      code_point = 0xFFFD;
      length = 1;
    }
    if (IsUnicodeWhitespace(code_point)) {
      if (word_start != std::string::npos) {
        words.push_back(text.substr(word_start, pos - word_start));
        word_start = std::string::npos;
      }
    } else if (word_start == std::string::npos) {
      word_start = pos;
    }
    pos += length;
  }
  if (word_start != std::string::npos) words.push_back(text.substr(word_start));
  return words;
}

std::string CollapseWhitespace(absl::string_view text) {
  return absl::StrJoin(SplitOnWhitespace(text), " ");
}

}  // namespace core
