#include "core/data/parallel_dataset.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/data/dataset_layout.h"
#include "core/data/token_cache.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"

namespace core {

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
  absl::StatusOr<std::vector<std::string>> source = ReadTextLines(source_path, text_options);
  if (!source.ok()) return source.status();
  absl::StatusOr<std::vector<std::string>> target = ReadTextLines(target_path, text_options);
  if (!target.ok()) return target.status();
  RETURN_IF_ERROR(CheckSameLineCount({{source_path, &*source}, {target_path, &*target}}));
  if (source->empty()) return absl::InvalidArgumentError(absl::StrCat(source_path, " is empty"));
  dataset.source_lines_ = *std::move(source);
  dataset.target_lines_ = *std::move(target);

  ASSIGN_OR_RETURN(std::string model_bytes, ReadFileBytes(model_path));
  absl::StatusOr<std::unique_ptr<SubwordModel>> model = SubwordModel::Load(model_path);
  if (!model.ok()) return model.status();
  dataset.model_ = std::shared_ptr<const SubwordModel>(*std::move(model));

  const std::string cache_dir = options.use_cache ? JoinPath(options.dir, kCacheDirName) : "";
  ASSIGN_OR_RETURN(TokenCacheResult source_ids,
                   EncodeWithCache(dataset.source_lines_, *dataset.model_, model_bytes, cache_dir,
                                   SplitFileName(options.split, source_language)));
  ASSIGN_OR_RETURN(TokenCacheResult target_ids,
                   EncodeWithCache(dataset.target_lines_, *dataset.model_, model_bytes, cache_dir,
                                   SplitFileName(options.split, target_language)));

  ParallelDatasetStats& stats = dataset.stats_;
  stats.pairs = static_cast<int64_t>(dataset.source_lines_.size());
  if (!options.use_cache) {
    stats.cache = "encoded, cache off";
  } else if (source_ids.from_cache && target_ids.from_cache) {
    stats.cache = "read from cache";
  } else if (!source_ids.warning.empty() || !target_ids.warning.empty()) {
    stats.cache =
        absl::StrCat("encoded, not cached: ",
                     source_ids.warning.empty() ? target_ids.warning : source_ids.warning);
  } else {
    stats.cache = "encoded, cached";
  }

  const int32_t eos = dataset.model_->eos_id();
  for (int64_t line = 0; line < stats.pairs; ++line) {
    Example example;
    example.source = std::move(source_ids.ids[line]);
    example.target = std::move(target_ids.ids[line]);
    example.source.push_back(eos);
    example.target.push_back(eos);
    example.line = line;
    if (options.max_positions > 0 &&
        (static_cast<int64_t>(example.source.size()) > options.max_positions ||
         static_cast<int64_t>(example.target.size()) > options.max_positions)) {
      ++stats.too_long;
      continue;
    }
    stats.source_tokens += static_cast<int64_t>(example.source.size());
    stats.target_tokens += static_cast<int64_t>(example.target.size());
    dataset.examples_.push_back(std::move(example));
  }
  if (dataset.examples_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no pair of ", source_path, " fits max_positions ", options.max_positions));
  }
  return dataset;
}

}  // namespace core
