// Typographic normalisation of quotes, dashes and spaces.
#include "core/data/text_normalizer.h"

#include <gtest/gtest.h>

namespace core {
namespace {

TEST(TextNormalizerTest, MapsQuotesDashesAndSpaces) {
  EXPECT_EQ(NormalizeTypography("They’re ‘here’."), "They're 'here'.");
  EXPECT_EQ(NormalizeTypography("„Nein“, sagte er. »Ja« «oui» “yes” ‹non›"),
            "\"Nein\", sagte er. \"Ja\" \"oui\" \"yes\" 'non'");
  EXPECT_EQ(NormalizeTypography("1990–2000 — gut ‐ ‑ ‒ ― −5"), "1990-2000 - gut - - - - -5");
  EXPECT_EQ(NormalizeTypography("\u00a0a\u2009b\u202f c\t"), "a b c");
}

TEST(TextNormalizerTest, KeepsEverythingElse) {
  const std::string text = "Äpfel, Öl & Übermut… (½ €) 日本";
  EXPECT_EQ(NormalizeTypography(text), text);
}

}  // namespace
}  // namespace core
