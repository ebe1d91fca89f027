// UTF-8 validation and decoding, and white space as Python's str.split() sees it.
//
// The metrics must split text exactly as sacreBLEU (Python) does, and the data files must
// be valid UTF-8 before SentencePiece sees them; both need the same small toolbox:
//
//   size_t bad = FirstInvalidUtf8Byte(line);   // std::string::npos when valid
//   std::u32string chars = DecodeUtf8(line);    // code points (input must be valid)
//   std::vector<absl::string_view> words = SplitOnWhitespace(" a\u00a0b ");  // {"a", "b"}
#ifndef CORE_UTIL_UTF8_H_
#define CORE_UTIL_UTF8_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace core {

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are ill-formed, as in
// Python's decoder), or std::string::npos when all of `text` is valid.
size_t FirstInvalidUtf8Byte(absl::string_view text);

// The code points of `text`, which must be valid UTF-8 (ill-formed bytes decode to
// U+FFFD, one per byte, rather than aborting).
std::u32string DecodeUtf8(absl::string_view text);

// Appends the UTF-8 encoding of `code_point` to `out`.
void AppendUtf8(char32_t code_point, std::string* out);

// True for the code points Python's str.isspace() accepts: ASCII \t\n\v\f\r, \x1c-\x1f
// and space, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and
// U+3000.
bool IsUnicodeWhitespace(char32_t code_point);

// Python's `text.split()`: the maximal runs of non-white-space characters of valid
// UTF-8 `text`, as views into it.
std::vector<absl::string_view> SplitOnWhitespace(absl::string_view text);

// Python's `" ".join(text.split())`: words separated by single ASCII spaces.
std::string CollapseWhitespace(absl::string_view text);

}  // namespace core

#endif  // CORE_UTIL_UTF8_H_
