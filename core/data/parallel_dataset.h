// One split of a prepared dataset, encoded, ready for batching: the source and target ids
// of every pair (EOS appended), with over-long pairs filtered out.
//
// Reads <split>.<lang> of a directory written by tools/prepare_data, checks it (missing
// files, line counts that differ, invalid UTF-8, runaway lines: errors naming the file and
// line), encodes it with the dataset's SentencePiece model through the token cache, and
// keeps the raw lines for scoring (BLEU/chrF compare decoded hypotheses to them).
//
//   ParallelDatasetOptions options;
//   options.dir = "data/ding-de-en";
//   options.split = "valid";
//   options.direction = TranslationDirection::kEnglishToGerman;
//   absl::StatusOr<ParallelDataset> valid = ParallelDataset::Load(options);
//   for (const Example& example : valid->examples()) ...
//   valid->target_line(example.line)  // the reference text
#ifndef CORE_DATA_PARALLEL_DATASET_H_
#define CORE_DATA_PARALLEL_DATASET_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/subword_model.h"
#include "core/data/translation_direction.h"
#include "core/data/translation_example.h"

namespace core {

struct ParallelDatasetOptions {
  // The dataset directory (tools/prepare_data's --output_dir).
  std::string dir;
  // "train", "valid" or "test".
  std::string split = "train";
  // Which language is the source.
  TranslationDirection direction = TranslationDirection::kGermanToEnglish;
  // Pairs whose source or target has more tokens than this, EOS included, are dropped
  // (the model's learned or sinusoidal positions end here). 0 keeps every pair.
  int max_positions = 256;
  // A text line longer than this many bytes is an error (see TextFileOptions).
  int64_t max_line_bytes = 4096;
  // Read and write token ids in <dir>/cache.
  bool use_cache = true;
};

// What loading did, for the log.
struct ParallelDatasetStats {
  // Lines in the split files.
  int64_t pairs = 0;
  // Pairs dropped by max_positions.
  int64_t too_long = 0;
  // Real tokens (EOS included) of the kept pairs.
  int64_t source_tokens = 0;
  int64_t target_tokens = 0;
  // "read from cache", "encoded, cached" or "encoded, not cached: <why>".
  std::string cache;
};

class ParallelDataset {
 public:
  static absl::StatusOr<ParallelDataset> Load(const ParallelDatasetOptions& options);

  // The kept pairs, in file order.
  const std::vector<Example>& examples() const { return examples_; }
  // Raw text of line `line` (Example::line) of the source and target files.
  const std::string& source_line(int64_t line) const { return source_lines_[line]; }
  const std::string& target_line(int64_t line) const { return target_lines_[line]; }
  // The dataset's SentencePiece model (shared by every split loaded from it).
  const SubwordModel& model() const { return *model_; }
  std::shared_ptr<const SubwordModel> shared_model() const { return model_; }
  const ParallelDatasetStats& stats() const { return stats_; }
  const ParallelDatasetOptions& options() const { return options_; }

 private:
  ParallelDatasetOptions options_;
  std::shared_ptr<const SubwordModel> model_;
  std::vector<std::string> source_lines_;
  std::vector<std::string> target_lines_;
  std::vector<Example> examples_;
  ParallelDatasetStats stats_;
};

}  // namespace core

#endif  // CORE_DATA_PARALLEL_DATASET_H_
