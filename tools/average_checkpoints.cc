// `bazel run //tools:average_checkpoints -- --inputs=A.pt,B.pt,C.pt --output=F.pt`, or
// `--run_dir=DIR --last=N` for the latest N kept checkpoints (checkpoint_<update>.pt) of a run:
// the mean of the checkpoints' parameters and buffers (Admin's ω, DeepNorm's α included), as
// fairseq's scripts/average_checkpoints.py computes it, written as a checkpoint that translate
// and analyze read. Checkpoints of runs with other settings (model, data, optimisation) are
// refused by name. The output carries the last input's state and configuration with a fresh
// optimizer state: a run resumed from it restarts the optimizer's moments. An existing output
// file is never overwritten.
#include <ATen/ATen.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/train/checkpoint.h"
#include "core/train/command_line.h"
#include "core/train/run_directory.h"
#include "core/train/trained_model.h"
#include "core/util/status_macros.h"
#include "core/util/user_path.h"
#include "plugins/optimizer.h"

namespace po = boost::program_options;

namespace {

// The latest `count` checkpoint_<update>.pt of `run_dir`, oldest first.
absl::StatusOr<std::vector<std::string>> LatestKept(const std::string& run_dir, int64_t count) {
  if (!std::filesystem::is_directory(run_dir)) {
    return absl::NotFoundError(absl::StrCat(run_dir, " is not a directory"));
  }
  const std::vector<std::pair<int64_t, std::string>> kept = core::KeptCheckpoints(run_dir);
  if (static_cast<int64_t>(kept.size()) < count) {
    return absl::InvalidArgumentError(absl::StrCat(
        run_dir, " keeps ", kept.size(), " checkpoint_<update>.pt, fewer than --last=", count,
        " (train with --keep_interval)"));
  }
  std::vector<std::string> paths;
  for (size_t i = kept.size() - count; i < kept.size(); ++i) paths.push_back(kept[i].second);
  return paths;
}

absl::Status Average(const std::vector<std::string>& inputs, const std::string& output) {
  if (std::filesystem::exists(output)) {
    return absl::AlreadyExistsError(absl::StrCat(output, " exists: choose another --output"));
  }
  ASSIGN_OR_RETURN(core::TrainedModel mean,
                   core::LoadTrainedModel(inputs.front(), {"--device=cpu"}));
  auto tensors = [](core::TrainedModel& trained) {
    auto named = trained.model->named_parameters();
    for (const auto& buffer : trained.model->named_buffers())
      named.insert(buffer.key(), buffer.value());
    return named;
  };
  auto sums = tensors(mean);
  std::vector<at::Tensor> total;
  for (const auto& item : sums) total.push_back(item.value().detach().to(at::kDouble));
  for (size_t i = 1; i < inputs.size(); ++i) {
    ASSIGN_OR_RETURN(core::TrainedModel other, core::LoadTrainedModel(inputs[i], {"--device=cpu"}));
    const std::vector<std::string> differing =
        core::IncompatibleKeys(mean.state.config, other.state.config);
    if (!differing.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(inputs[i], " was written by a run with other settings than ", inputs.front(),
                       ": ", absl::StrJoin(differing, "; ")));
    }
    const auto theirs = tensors(other);
    size_t k = 0;
    for (const auto& item : sums) total[k++] += theirs[item.key()].detach().to(at::kDouble);
    mean.state = other.state;  // the output carries the last input's state
  }
  {
    at::NoGradGuard no_grad;
    size_t k = 0;
    for (auto& item : sums) item.value().copy_(total[k++] / static_cast<double>(inputs.size()));
  }
  ASSIGN_OR_RETURN(const core::ChosenPluginOptions chosen, core::SplitPluginOptions(mean.config));
  ASSIGN_OR_RETURN(std::unique_ptr<torch::optim::Optimizer> optimizer,
                   plugins::Optimizers().Create(mean.config.optimizer, chosen.optimizer,
                                                {mean.model->parameters(), mean.config.lr}));
  return core::SaveCheckpoint(output, *mean.model, *optimizer, mean.state);
}

}  // namespace

int main(int argc, char** argv) {
  core::CommandLine command_line("average_checkpoints",
                                 "bazel run //tools:average_checkpoints -- --output=FILE\n"
                                 "         (--inputs=A,B,C | --run_dir=DIR --last=N)");
  command_line.AddGroup("average_checkpoints flags")
      .add_options()("inputs", po::value<std::string>(), "checkpoints to average, comma-separated")(
          "run_dir", po::value<std::string>(),
          "with --last: the run whose kept checkpoints to average")(
          "last", po::value<int64_t>(), "the latest N checkpoint_<update>.pt of --run_dir")(
          "output", po::value<std::string>(), "the averaged checkpoint (must not exist)");
  const absl::StatusOr<po::variables_map> parsed = command_line.Parse(argc, argv);
  if (!parsed.ok()) return command_line.Fail(parsed.status());
  if (command_line.answered()) return EXIT_SUCCESS;
  const po::variables_map& flag = *parsed;
  const bool by_list = flag.count("inputs") > 0;
  const bool by_run = flag.count("run_dir") > 0 && flag.count("last") > 0;
  if (by_list == by_run || !flag.count("output")) {
    return command_line.Fail(
        absl::InvalidArgumentError("give --output and either --inputs or --run_dir with --last"));
  }
  absl::StatusOr<std::vector<std::string>> inputs = std::vector<std::string>();
  if (by_list) {
    for (absl::string_view path :
         absl::StrSplit(flag["inputs"].as<std::string>(), ',', absl::SkipEmpty())) {
      inputs->push_back(core::ResolveUserPath(std::string(path)));
    }
  } else {
    inputs = LatestKept(core::ResolveUserPath(flag["run_dir"].as<std::string>()),
                        flag["last"].as<int64_t>());
  }
  absl::Status status = inputs.status();
  if (status.ok() && inputs->size() < 2) {
    status = absl::InvalidArgumentError("averaging needs at least 2 checkpoints");
  }
  const std::string output = core::ResolveUserPath(flag["output"].as<std::string>());
  if (status.ok()) status = Average(*inputs, output);
  if (!status.ok()) {
    std::cerr << "average_checkpoints: " << status.message() << "\n";
    return absl::IsInvalidArgument(status) || absl::IsAlreadyExists(status) ? 2 : 1;
  }
  std::cout << "averaged " << inputs->size() << " checkpoints (" << absl::StrJoin(*inputs, ", ")
            << ") into " << output << "\n";
  return EXIT_SUCCESS;
}
