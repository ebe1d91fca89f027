#include "tools/bench/end_to_end.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <random>

#include "absl/strings/str_cat.h"
#include "core/data/batch_tensors.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"
#include "core/util/json_io.h"
#include "core/util/status_macros.h"

namespace tools::bench {

using core::JsonInteger;
using core::JsonNumber;
using core::JsonString;
using core::ParseJson;

absl::StatusOr<TrainerThroughput> ReadTrainerThroughput(const std::string& metrics_path) {
  std::ifstream in(metrics_path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", metrics_path));
  TrainerThroughput run;
  int64_t validations = 0;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = absl::StrCat(metrics_path, ":", number);
    ASSIGN_OR_RETURN(nlohmann::ordered_json metrics, ParseJson(line, where));
    const std::string type = JsonString(metrics, "type").value_or("");
    if (type == "valid") ++validations;
    if (type != "train") continue;
    const std::optional<int64_t> update = JsonInteger(metrics, "update");
    const std::optional<double> update_seconds = JsonNumber(metrics, "update_seconds");
    const std::optional<double> elapsed = JsonNumber(metrics, "elapsed");
    const std::optional<double> tokens_per_s = JsonNumber(metrics, "tokens_per_s");
    if (!update || !update_seconds || !elapsed || !tokens_per_s) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": a train line without update, update_seconds, elapsed or ",
                       "tokens_per_s as numbers: ", line));
    }
    run.target_tokens += *tokens_per_s * (*elapsed - run.train_seconds);
    run.update_seconds += *update_seconds;
    run.updates = *update;
    run.train_seconds = *elapsed;
    run.validations = validations;
  }
  if (run.updates == 0) {
    return absl::NotFoundError(absl::StrCat(metrics_path, " has no train lines"));
  }
  return run;
}

absl::StatusOr<PaddingComparison> ComparePadding(const std::vector<core::Example>& examples,
                                                 const core::BatcherOptions& options,
                                                 core::BatchSpecialIds ids) {
  ASSIGN_OR_RETURN(core::Batcher batcher, core::Batcher::Create(&examples, options, ids));
  PaddingComparison comparison;
  const int64_t batches = batcher.BatchCount(1);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < batches; ++i) {
    const core::Batch batch = batcher.Next();
    core::ToTensors(batch, c10::Device(c10::kCPU));
    comparison.bucketed.Add(batch);
  }
  comparison.seconds_per_batch =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
      static_cast<double>(batches);

  // The random baseline cuts by the same rule: n pairs whose longest side has L tokens
  // fit while n * L <= max_tokens.
  std::vector<int64_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(options.seed));
  std::vector<int64_t> current;
  int64_t longest = 0;
  for (const int64_t index : order) {
    const int64_t length = static_cast<int64_t>(
        std::max(examples[index].source.size(), examples[index].target.size()));
    if (!current.empty() &&
        static_cast<int64_t>(current.size() + 1) * std::max(longest, length) > options.max_tokens) {
      comparison.random.Add(batcher.MakeBatch(current));
      current.clear();
      longest = 0;
    }
    current.push_back(index);
    longest = std::max(longest, length);
  }
  if (!current.empty()) comparison.random.Add(batcher.MakeBatch(current));
  return comparison;
}

int RunTrainer(const std::vector<std::string>& train_flags) {
  absl::StatusOr<core::ParsedTrainConfig> parsed = core::ParseTrainConfig(train_flags);
  if (!parsed.ok()) {
    std::cerr << "bench: train flags: " << parsed.status().message() << "\n";
    return core::kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<core::Trainer>> trainer = core::Trainer::Create(*parsed);
  if (!trainer.ok()) {
    std::cerr << "bench: " << trainer.status().message() << "\n";
    return absl::IsInvalidArgument(trainer.status()) ? core::kExitUsage : core::kExitError;
  }
  absl::StatusOr<core::TrainOutcome> outcome = (*trainer)->Run();
  if (!outcome.ok()) {
    std::cerr << "bench: " << outcome.status().message() << "\n";
    return core::kExitError;
  }
  return outcome->exit_code;
}

}  // namespace tools::bench
