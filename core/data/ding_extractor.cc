#include "core/data/ding_extractor.h"

#include "absl/strings/str_cat.h"
#include "core/util/text_file.h"
#include "core/util/utf8.h"

namespace core {

std::string RemoveDingAnnotations(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char open = text[i];
    const char close = open == '{' ? '}' : open == '[' ? ']' : open == '<' ? '>' : '\0';
    if (close != '\0') {
      const size_t end = text.find(close, i + 1);
      if (end != absl::string_view::npos) {
        // A space in place of the annotation keeps "Aal{m}blau" from gluing words.
        out += ' ';
        i = end;
        continue;
      }
    }
    out += open;
  }
  return CollapseWhitespace(out);
}

std::vector<std::string> SplitOn(absl::string_view text, absl::string_view separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    if (end == absl::string_view::npos) {
      parts.emplace_back(text.substr(start));
      return parts;
    }
    parts.emplace_back(text.substr(start, end - start));
    start = end + separator.size();
  }
}

DingExtractor::DingExtractor(DingOptions options) : options_(std::move(options)) {}

bool DingExtractor::IsSentence(absl::string_view text) const {
  return !text.empty() && options_.sentence_final.find(text.back()) != std::string::npos;
}

void DingExtractor::AddCandidate(absl::string_view german_raw, absl::string_view english_raw) {
  ++stats_.candidate_pairs;
  std::string german = RemoveDingAnnotations(german_raw);
  std::string english = RemoveDingAnnotations(english_raw);
  if (static_cast<int>(SplitOnWhitespace(german).size()) < options_.min_german_words) return;
  if (!IsSentence(german) || !IsSentence(english)) return;
  ++stats_.sentence_pairs;
  if (!seen_.emplace(german, english).second) return;
  german_seen_.insert(german);
  pairs_.push_back({std::move(german), std::move(english)});
}

void DingExtractor::AddLine(absl::string_view line) {
  ++stats_.lines;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.front() == '#') {
    ++stats_.header_lines;
    return;
  }
  const std::vector<std::string> sides = SplitOn(line, " :: ");
  if (sides.size() != 2) {
    ++stats_.malformed_lines;
    return;
  }
  const std::vector<std::string> german_entries = SplitOn(sides[0], " | ");
  const std::vector<std::string> english_entries = SplitOn(sides[1], " | ");
  if (german_entries.size() != english_entries.size()) {
    ++stats_.malformed_lines;
    return;
  }
  for (size_t entry = 0; entry < german_entries.size(); ++entry) {
    // Alternatives are split before annotations are removed: "; " inside an annotation
    // does not occur in the dictionary, and this order reproduces data.md's 20,211.
    const std::vector<std::string> german = SplitOn(german_entries[entry], "; ");
    const std::vector<std::string> english = SplitOn(english_entries[entry], "; ");
    if (german.size() == english.size()) {
      for (size_t i = 0; i < german.size(); ++i) AddCandidate(german[i], english[i]);
    } else {
      AddCandidate(german.front(), english.front());
    }
  }
}

DingStats DingExtractor::stats() const {
  DingStats stats = stats_;
  stats.unique_pairs = static_cast<int64_t>(pairs_.size());
  stats.unique_german = static_cast<int64_t>(german_seen_.size());
  return stats;
}

absl::StatusOr<DingCorpus> ExtractDingFile(const std::string& path, const DingOptions& options) {
  // Dictionary lines are long (the longest in 1.9-6 is about 9.5 kB) but not megabytes.
  TextFileOptions file_options;
  file_options.max_line_bytes = 1 << 16;
  absl::StatusOr<std::vector<std::string>> lines = ReadTextLines(path, file_options);
  if (absl::IsNotFound(lines.status())) {
    return absl::NotFoundError(absl::StrCat(
        path, ": no such file; install the Debian package trans-de-en (tools/setup.sh does)"));
  }
  if (!lines.ok()) return lines.status();
  DingExtractor extractor(options);
  for (const std::string& line : *lines) extractor.AddLine(line);
  DingCorpus corpus{extractor.pairs(), extractor.stats()};
  if (corpus.pairs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no sentence pairs found in ", corpus.stats.lines,
                     " lines; is it the Ding dictionary (GERMAN :: ENGLISH per line)?"));
  }
  return corpus;
}

}  // namespace core
