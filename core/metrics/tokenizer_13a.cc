#include "core/metrics/tokenizer_13a.h"

#include "absl/strings/str_replace.h"
#include "core/util/utf8.h"

namespace core {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The first rule's character class `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: ASCII symbols and
// punctuation except the apostrophe, '-', '.', ',' and digits.
bool IsSplitSymbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

// Applies one two-character rule (pattern `(first)(second)`, replacement `left \1 mid \2
// right`) the way Python's re.sub does: scanning left to right, non-overlapping, resuming
// after each match. Working on bytes gives the same result as on code points here, since
// every pattern character is ASCII and the rules only insert spaces.
template <typename First, typename Second>
std::string ApplyPairRule(const std::string& text, First first, Second second,
                          const char* before_first, const char* between, const char* after) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  size_t i = 0;
  while (i < text.size()) {
    if (i + 1 < text.size() && first(text[i]) && second(text[i + 1])) {
      out += before_first;
      out += text[i];
      out += between;
      out += text[i + 1];
      out += after;
      i += 2;
    } else {
      out += text[i];
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string Tokenize13a(absl::string_view line) {
  // Language-independent part (sacrebleu/tokenizers/tokenizer_13a.py).
  std::string text = absl::StrReplaceAll(line, {{"<skipped>", ""}});
  text = absl::StrReplaceAll(text, {{"-\n", ""}});
  text = absl::StrReplaceAll(text, {{"\n", " "}});
  // Sequential, as in Python: "&amp;quot;" becomes "&quot;", not '"'.
  text = absl::StrReplaceAll(text, {{"&quot;", "\""}});
  text = absl::StrReplaceAll(text, {{"&amp;", "&"}});
  text = absl::StrReplaceAll(text, {{"&lt;", "<"}});
  text = absl::StrReplaceAll(text, {{"&gt;", ">"}});
  text = " " + text + " ";

  // Rule 1: pad every symbol with spaces.
  std::string padded;
  padded.reserve(text.size() * 2);
  for (char c : text) {
    if (IsSplitSymbol(c)) {
      padded += ' ';
      padded += c;
      padded += ' ';
    } else {
      padded += c;
    }
  }
  const auto non_digit = [](char c) { return !IsDigit(c); };
  const auto period_or_comma = [](char c) { return c == '.' || c == ','; };
  // Rule 2: period and comma unless preceded by a digit: `([^0-9])([\.,])` -> `\1 \2 `.
  text = ApplyPairRule(padded, non_digit, period_or_comma, "", " ", " ");
  // Rule 3: period and comma unless followed by a digit: `([\.,])([^0-9])` -> ` \1 \2`.
  text = ApplyPairRule(text, period_or_comma, non_digit, " ", " ", "");
  // Rule 4: dash after a digit: `([0-9])(-)` -> `\1 \2 `.
  text = ApplyPairRule(
      text, IsDigit, [](char c) { return c == '-'; }, "", " ", " ");
  return CollapseWhitespace(text);
}

}  // namespace core
