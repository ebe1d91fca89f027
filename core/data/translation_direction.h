// Which side of the German-English corpus is the source: de→en (the default) or en→de.
//
//   absl::StatusOr<TranslationDirection> direction = ParseTranslationDirection("en-de");
//   SourceLanguage(*direction)  // "en"
#ifndef CORE_DATA_TRANSLATION_DIRECTION_H_
#define CORE_DATA_TRANSLATION_DIRECTION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

enum class TranslationDirection { kGermanToEnglish, kEnglishToGerman };

// "de-en" or "en-de"; anything else is an InvalidArgument error listing both.
absl::StatusOr<TranslationDirection> ParseTranslationDirection(absl::string_view text);

// "de-en" or "en-de".
std::string TranslationDirectionName(TranslationDirection direction);

// The language codes of the source and target sides ("de", "en").
std::string SourceLanguage(TranslationDirection direction);
std::string TargetLanguage(TranslationDirection direction);

}  // namespace core

#endif  // CORE_DATA_TRANSLATION_DIRECTION_H_
