#include "core/data/text_normalizer.h"

#include "core/util/utf8.h"

namespace core {
namespace {

// The ASCII replacement of a typographic character, or 0 to keep it.
char32_t AsciiReplacement(char32_t c) {
  switch (c) {
    case U'\u2018':  // ‘
    case U'\u2019':  // ’
    case U'\u201A':  // ‚
    case U'\u201B':  // ‛
    case U'\u2039':  // ‹
    case U'\u203A':  // ›
      return U'\'';
    case U'\u201C':  // “
    case U'\u201D':  // ”
    case U'\u201E':  // „
    case U'\u201F':  // ‟
    case U'\u00AB':  // «
    case U'\u00BB':  // »
      return U'"';
    case U'\u2010':  // hyphen
    case U'\u2011':  // non-breaking hyphen
    case U'\u2012':  // figure dash
    case U'\u2013':  // en dash
    case U'\u2014':  // em dash
    case U'\u2015':  // horizontal bar
    case U'\u2212':  // minus sign
      return U'-';
    default:
      return IsUnicodeWhitespace(c) ? U' ' : 0;
  }
}

}  // namespace

std::string NormalizeTypography(absl::string_view text) {
  std::string mapped;
  mapped.reserve(text.size());
  for (char32_t c : DecodeUtf8(text)) {
    const char32_t replacement = AsciiReplacement(c);
    AppendUtf8(replacement != 0 ? replacement : c, &mapped);
  }
  return CollapseWhitespace(mapped);
}

}  // namespace core
