// sacreBLEU's default BLEU tokenizer, "13a" (mteval-v13a.pl as used by WMT), reproduced
// byte for byte: BLEU is only comparable when the tokenization is identical.
//
// It unescapes &quot; &amp; &lt; &gt;, drops "<skipped>", splits off punctuation and
// symbols, splits . and , except between digits, splits - after a digit, and keeps the
// apostrophe inside words ("wasn't" stays one token):
//
//   Tokenize13a("It wasn't surprising.")  // "It wasn't surprising ."
//   Tokenize13a("3.5-fold, (really)")     // "3.5 - fold , ( really )"
#ifndef CORE_METRICS_TOKENIZER_13A_H_
#define CORE_METRICS_TOKENIZER_13A_H_

#include <string>

#include "absl/strings/string_view.h"

namespace core {

// The tokens of `line`, joined by single spaces (sacreBLEU's Tokenizer13a()(line)).
std::string Tokenize13a(absl::string_view line);

}  // namespace core

#endif  // CORE_METRICS_TOKENIZER_13A_H_
