// Typographic normalisation of corpus text: one spelling for each quote, dash and space.
//
// The Ding dictionary mixes typographic and ASCII punctuation ("They’re" and "They're"
// both occur), which would split the statistics of one word over two spellings and make
// duplicates look distinct. Every corpus line goes through NormalizeTypography before
// deduplication, splitting and SentencePiece training:
//
//   NormalizeTypography("„Nein“ – sagte er’s.")  // "\"Nein\" - sagte er's."
//
// The mapping is versioned (kTypographyVersion) and recorded in the dataset manifest, so
// a change to it is a change of dataset settings.
#ifndef CORE_DATA_TEXT_NORMALIZER_H_
#define CORE_DATA_TEXT_NORMALIZER_H_

#include <string>

#include "absl/strings/string_view.h"

namespace core {

// Names the mapping below; bump it whenever the mapping changes.
inline constexpr char kTypographyVersion[] = "quotes-dashes-spaces-v1";

// Maps, in valid UTF-8 `text`:
//   ‘ ’ ‚ ‛ ‹ ›        -> '
//   “ ” „ ‟ « »        -> "
//   ‐ ‑ ‒ – — ― −      -> -
//   Unicode white space (no-break and thin spaces, ...) -> ' '
// and collapses white space (single spaces, none at either end). Everything else,
// including … and umlauts, is kept.
std::string NormalizeTypography(absl::string_view text);

}  // namespace core

#endif  // CORE_DATA_TEXT_NORMALIZER_H_
