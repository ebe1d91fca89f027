// A model rebuilt from a checkpoint that `train` wrote, for the tools that use trained models
// (translate, average_checkpoints): the run's configuration, the SentencePiece model of its
// dataset, and the Transformer with the checkpoint's weights.
//
//   absl::StatusOr<TrainedModel> loaded =
//       LoadTrainedModel("runs/x/checkpoint_best.pt", {"--device=cuda"});
//   loaded->model->forward(source, previous);
#ifndef CORE_TRAIN_TRAINED_MODEL_H_
#define CORE_TRAIN_TRAINED_MODEL_H_

#include <c10/core/Device.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/subword_model.h"
#include "core/model/transformer.h"
#include "core/train/checkpoint.h"
#include "core/train/train_config.h"

namespace core {

struct TrainedModel {
  // The checkpoint's state; its config is upgraded (UpgradeSavedConfig), without overrides.
  CheckpointState state;
  // The configuration with the overrides applied, parsed, and as key -> value.
  TrainConfig config;
  std::map<std::string, std::string> resolved;
  std::unique_ptr<SubwordModel> subwords;
  c10::Device device = c10::Device(c10::kCPU);
  // In eval mode, on `device`.
  Transformer model{nullptr};
};

// Loads `checkpoint`. `overrides` ("--device=cuda", "--beam_size=8") replace settings of the
// run's configuration. InvalidArgument for a file that is not a trainer checkpoint.
absl::StatusOr<TrainedModel> LoadTrainedModel(const std::string& checkpoint,
                                              const std::vector<std::string>& overrides);

}  // namespace core

#endif  // CORE_TRAIN_TRAINED_MODEL_H_
