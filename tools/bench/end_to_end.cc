#include "tools/bench/end_to_end.h"

#include <algorithm>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "core/data/batch_tensors.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"

namespace core::bench {

absl::StatusOr<TrainerThroughput> ReadTrainerThroughput(const std::string& metrics_path) {
  std::ifstream in(metrics_path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", metrics_path));
  TrainerThroughput run;
  int64_t validations = 0;
  std::string line;
  while (std::getline(in, line)) {
    boost::property_tree::ptree metrics;
    try {
      std::istringstream text(line);
      boost::property_tree::read_json(text, metrics);
    } catch (const boost::property_tree::json_parser_error&) {
      return absl::InvalidArgumentError(absl::StrCat(metrics_path, ": not JSON: ", line));
    }
    const std::string type = metrics.get<std::string>("type", "");
    if (type == "valid") ++validations;
    if (type != "train") continue;
    const auto update_seconds = metrics.get_optional<double>("update_seconds");
    if (!update_seconds) {
      return absl::InvalidArgumentError(
          absl::StrCat(metrics_path, ": a train line without update_seconds: ", line));
    }
    const double elapsed = metrics.get<double>("elapsed");
    run.target_tokens += metrics.get<double>("tokens_per_s") * (elapsed - run.train_seconds);
    run.update_seconds += *update_seconds;
    run.updates = metrics.get<int64_t>("update");
    run.train_seconds = elapsed;
    run.validations = validations;
  }
  if (run.updates == 0) {
    return absl::NotFoundError(absl::StrCat(metrics_path, " has no train lines"));
  }
  return run;
}

absl::StatusOr<PaddingComparison> ComparePadding(const std::vector<Example>& examples,
                                                 const BatcherOptions& options,
                                                 BatchSpecialIds ids) {
  absl::StatusOr<Batcher> batcher = Batcher::Create(&examples, options, ids);
  if (!batcher.ok()) return batcher.status();
  PaddingComparison comparison;
  const int64_t batches = batcher->BatchCount(1);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < batches; ++i) {
    const Batch batch = batcher->Next();
    ToTensors(batch, c10::Device(c10::kCPU));
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
      comparison.random.Add(batcher->MakeBatch(current));
      current.clear();
      longest = 0;
    }
    current.push_back(index);
    longest = std::max(longest, length);
  }
  if (!current.empty()) comparison.random.Add(batcher->MakeBatch(current));
  return comparison;
}

int RunTrainer(const std::vector<std::string>& train_flags) {
  absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig(train_flags);
  if (!parsed.ok()) {
    std::cerr << "bench: train flags: " << parsed.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<Trainer>> trainer = Trainer::Create(*parsed);
  if (!trainer.ok()) {
    std::cerr << "bench: " << trainer.status().message() << "\n";
    return absl::IsInvalidArgument(trainer.status()) ? kExitUsage : kExitError;
  }
  absl::StatusOr<TrainOutcome> outcome = (*trainer)->Run();
  if (!outcome.ok()) {
    std::cerr << "bench: " << outcome.status().message() << "\n";
    return kExitError;
  }
  return outcome->exit_code;
}

}  // namespace core::bench
