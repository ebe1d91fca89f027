#include "core/data/parallel_dataset.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/data/dataset_layout.h"
#include "core/data/token_cache.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"

namespace core {
namespace {

// How the ids were obtained, for the log.
std::string DescribeCache(bool use_cache, const TokenCacheResult& source,
                          const TokenCacheResult& target) {
  if (!use_cache) return "encoded, cache off";
  if (source.from_cache && target.from_cache) return "read from cache";
  if (!source.warning.empty() || !target.warning.empty()) {
    return absl::StrCat("encoded, not cached: ",
                        source.warning.empty() ? target.warning : source.warning);
  }
  return "encoded, cached";
}

// The pairs with EOS appended, leaving out (and counting) those longer than `max_positions`
// (0: no limit); adds their tokens to `stats`.
std::vector<Example> MakeExamples(TokenCacheResult& source_ids, TokenCacheResult& target_ids,
                                  int32_t eos, int64_t max_positions, ParallelDatasetStats& stats) {
  std::vector<Example> examples;
  for (int64_t line = 0; line < stats.pairs; ++line) {
    Example example;
    example.source = std::move(source_ids.ids[line]);
    example.target = std::move(target_ids.ids[line]);
    example.source.push_back(eos);
    example.target.push_back(eos);
    example.line = line;
    if (max_positions > 0 && (static_cast<int64_t>(example.source.size()) > max_positions ||
                              static_cast<int64_t>(example.target.size()) > max_positions)) {
      ++stats.too_long;
      continue;
    }
    stats.source_tokens += static_cast<int64_t>(example.source.size());
    stats.target_tokens += static_cast<int64_t>(example.target.size());
    examples.push_back(std::move(example));
  }
  return examples;
}

}  // namespace

absl::StatusOr<ParallelDataset> ParallelDataset::Load(const ParallelDatasetOptions& options) {
  std::error_code error;
  if (!std::filesystem::is_directory(options.dir, error)) {
    return absl::NotFoundError(
        absl::StrCat("dataset directory ", options.dir,
                     " does not exist; build it with `bazel run //tools:prepare_data`"));
  }
  const std::string source_language = SourceLanguage(options.direction);
  const std::string target_language = TargetLanguage(options.direction);
  const std::string source_path =
      JoinPath(options.dir, SplitFileName(options.split, source_language));
  const std::string target_path =
      JoinPath(options.dir, SplitFileName(options.split, target_language));
  const std::string model_path = JoinPath(options.dir, kSubwordModelFileName);
  for (const std::string& path : {source_path, target_path, model_path}) {
    if (!std::filesystem::exists(path, error)) {
      return absl::NotFoundError(absl::StrCat(
          path, ": no such file; is ", options.dir,
          " a dataset built by `bazel run //tools:prepare_data` (splits: train, valid, test)?"));
    }
  }

  ParallelDataset dataset;
  dataset.options_ = options;
  TextFileOptions text_options;
  text_options.max_line_bytes = options.max_line_bytes;
  ASSIGN_OR_RETURN(dataset.source_lines_, ReadTextLines(source_path, text_options));
  ASSIGN_OR_RETURN(dataset.target_lines_, ReadTextLines(target_path, text_options));
  RETURN_IF_ERROR(CheckSameLineCount(
      {{source_path, &dataset.source_lines_}, {target_path, &dataset.target_lines_}}));
  if (dataset.source_lines_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source_path, " is empty"));
  }

  ASSIGN_OR_RETURN(std::string model_bytes, ReadFileBytes(model_path));
  ASSIGN_OR_RETURN(dataset.model_, SubwordModel::Load(model_path));

  const std::string cache_dir = options.use_cache ? JoinPath(options.dir, kCacheDirName) : "";
  ASSIGN_OR_RETURN(TokenCacheResult source_ids,
                   EncodeWithCache(dataset.source_lines_, *dataset.model_, model_bytes, cache_dir,
                                   SplitFileName(options.split, source_language)));
  ASSIGN_OR_RETURN(TokenCacheResult target_ids,
                   EncodeWithCache(dataset.target_lines_, *dataset.model_, model_bytes, cache_dir,
                                   SplitFileName(options.split, target_language)));

  ParallelDatasetStats& stats = dataset.stats_;
  stats.pairs = static_cast<int64_t>(dataset.source_lines_.size());
  stats.cache = DescribeCache(options.use_cache, source_ids, target_ids);
  dataset.examples_ =
      MakeExamples(source_ids, target_ids, dataset.model_->eos_id(), options.max_positions, stats);
  if (dataset.examples_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no pair of ", source_path, " fits max_positions ", options.max_positions));
  }
  return dataset;
}

}  // namespace core
