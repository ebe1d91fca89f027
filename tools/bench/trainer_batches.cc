#include "tools/bench/trainer_batches.h"

#include <utility>

#include "core/data/translation_direction.h"
#include "core/train/experiment.h"
#include "core/util/status_macros.h"

namespace tools::bench {

absl::StatusOr<TrainerData> LoadTrainerData(const core::TrainConfig& config) {
  TrainerData data;
  data.dir = core::DatasetDirectory(config);
  core::ParallelDatasetOptions options;
  options.dir = data.dir;
  ASSIGN_OR_RETURN(options.direction, core::ParseTranslationDirection(config.direction));
  options.max_positions = static_cast<int>(config.model.max_positions);
  ASSIGN_OR_RETURN(data.train, core::ParallelDataset::Load(options));
  data.batching.max_tokens = config.max_tokens;
  data.batching.seed = static_cast<uint64_t>(config.seed);
  data.ids = {data.train.model().pad_id(), data.train.model().bos_id()};
  return data;
}

absl::StatusOr<std::vector<core::Batch>> FirstTrainerBatches(const TrainerData& data,
                                                             int64_t count) {
  ASSIGN_OR_RETURN(core::Batcher batcher,
                   core::Batcher::Create(&data.train.examples(), data.batching, data.ids));
  std::vector<core::Batch> batches;
  for (int64_t i = 0; i < count; ++i) batches.push_back(batcher.Next());
  return batches;
}

}  // namespace tools::bench
