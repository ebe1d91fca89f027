#include "core/data/translation_direction.h"

#include "absl/strings/str_cat.h"
#include "plugins/closest_match.h"

namespace core {

absl::StatusOr<TranslationDirection> ParseTranslationDirection(absl::string_view text) {
  if (text == "de-en") return TranslationDirection::kGermanToEnglish;
  if (text == "en-de") return TranslationDirection::kEnglishToGerman;
  const std::string hint = plugins::ClosestMatch(text, {"de-en", "en-de"});
  return absl::InvalidArgumentError(
      absl::StrCat("unknown translation direction '", text, "'; use de-en or en-de",
                   hint.empty() ? "" : absl::StrCat(" (did you mean '", hint, "'?)")));
}

std::string TranslationDirectionName(TranslationDirection direction) {
  return direction == TranslationDirection::kGermanToEnglish ? "de-en" : "en-de";
}

std::string SourceLanguage(TranslationDirection direction) {
  return direction == TranslationDirection::kGermanToEnglish ? "de" : "en";
}

std::string TargetLanguage(TranslationDirection direction) {
  return direction == TranslationDirection::kGermanToEnglish ? "en" : "de";
}

}  // namespace core
