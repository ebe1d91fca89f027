// Example sentences from the Ding German-English dictionary (Debian package trans-de-en,
// /usr/share/trans/de-en): the project's offline, human-written parallel corpus.
//
// A dictionary line is `GERMAN :: ENGLISH`. Each side splits on " | " into sub-entries that
// align by position; inside a sub-entry "; " separates alternatives, which pair in order
// when both sides have the same number and otherwise only the first of each pairs. Grammar
// {...}, register/domain [...] and search-key <...> annotations are removed, (...) kept,
// white space collapsed. Most pairs are headwords ("Aal {m}" :: "eel"); the sentence filter
// keeps the example sentences: at least 3 German words, both sides ending in . ! or ?.
// On trans-de-en 1.9-6 that gives 20,211 unique pairs (see docs/data.md §1).
//
//   DingExtractor extractor;  // default DingOptions
//   for (const std::string& line : lines) extractor.AddLine(line);
//   const std::vector<SentencePair>& pairs = extractor.pairs();  // unique, first-seen order
//   DingStats stats = extractor.stats();
//
//   // or, for the whole file, with a clear error when the package is missing:
//   absl::StatusOr<DingCorpus> corpus = ExtractDingFile("/usr/share/trans/de-en");
#ifndef CORE_DATA_DING_EXTRACTOR_H_
#define CORE_DATA_DING_EXTRACTOR_H_

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/data/sentence_pair.h"

namespace core {

// Where the Debian package trans-de-en installs the dictionary.
inline constexpr char kDefaultDingPath[] = "/usr/share/trans/de-en";

// Which dictionary pairs count as sentences.
struct DingOptions {
  // Fewest white-space separated words on the German side (drops headwords and phrases).
  int min_german_words = 3;
  // Both sides must end in one of these characters.
  std::string sentence_final = ".!?";
};

// What the extraction saw, for the manifest and for checking against docs/data.md.
struct DingStats {
  // Lines read, including headers.
  int64_t lines = 0;
  // `#` header lines and blank lines.
  int64_t header_lines = 0;
  // Lines without exactly one " :: ", or whose sides have different sub-entry counts;
  // skipped (none in trans-de-en 1.9-6).
  int64_t malformed_lines = 0;
  // Aligned (German, English) alternatives before the sentence filter.
  int64_t candidate_pairs = 0;
  // Candidates that passed the filter, duplicates included.
  int64_t sentence_pairs = 0;
  // Distinct pairs (= pairs().size()).
  int64_t unique_pairs = 0;
  // Distinct German sides among them.
  int64_t unique_german = 0;
};

// Removes {...}, [...] and <...> annotations (each up to its first closing bracket; an
// unclosed bracket is kept as text) and collapses white space.
std::string RemoveDingAnnotations(absl::string_view text);

// Splits `text` on every occurrence of `separator`.
std::vector<std::string> SplitOn(absl::string_view text, absl::string_view separator);

class DingExtractor {
 public:
  explicit DingExtractor(DingOptions options = {});

  // Extracts the sentence pairs of one dictionary line (without its newline).
  void AddLine(absl::string_view line);

  // Distinct pairs in the order first seen.
  const std::vector<SentencePair>& pairs() const { return pairs_; }
  DingStats stats() const;

 private:
  void AddCandidate(absl::string_view german, absl::string_view english);
  bool IsSentence(absl::string_view text) const;

  DingOptions options_;
  DingStats stats_;
  std::vector<SentencePair> pairs_;
  std::set<std::pair<std::string, std::string>> seen_;
  std::set<std::string> german_seen_;
};

// The extraction of a whole dictionary file.
struct DingCorpus {
  std::vector<SentencePair> pairs;
  DingStats stats;
};

// Reads and extracts the dictionary at `path`. A missing file is a NotFound error that
// says which Debian package provides it; invalid UTF-8 names the line.
absl::StatusOr<DingCorpus> ExtractDingFile(const std::string& path,
                                           const DingOptions& options = {});

}  // namespace core

#endif  // CORE_DATA_DING_EXTRACTOR_H_
