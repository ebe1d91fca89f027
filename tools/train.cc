// `bazel run //:train -- [flags]`: trains one model (README "Training").
//
// Exit codes: 0 done, 1 error, 2 usage or configuration, 3 diverged, 130 SIGINT,
// 143 SIGTERM (a checkpoint was written: re-run the same command to resume).
#include <glog/logging.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/train/command_line.h"
#include "core/train/runtime_env.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"
#include "plugins/listing.h"

int main(int argc, char** argv) {
  core::ReexecWithRuntimeEnvironment(argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  const std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<core::ParsedTrainConfig> parsed = core::ParseTrainConfig(args);
  if (!parsed.ok()) {
    std::cerr << "train: " << parsed.status().message() << "\n(train --help lists every flag)\n";
    return core::kExitUsage;
  }
  if (parsed->version) {
    std::cout << core::VersionText("train") << "\n";
    return core::kExitDone;
  }
  if (parsed->help) {
    std::cout << "usage: bazel run //:train -- [--flag=value ...] [--config=FILE]\n\n"
              << parsed->usage;
    return core::kExitDone;
  }
  if (parsed->list_plugins) {
    std::cout << plugins::FormatPluginListing();
    return core::kExitDone;
  }
  absl::StatusOr<std::unique_ptr<core::Trainer>> trainer = core::Trainer::Create(*parsed);
  if (!trainer.ok()) {
    std::cerr << "train: " << trainer.status().message() << "\n";
    return absl::IsInvalidArgument(trainer.status()) ? core::kExitUsage : core::kExitError;
  }
  absl::StatusOr<core::TrainOutcome> outcome = (*trainer)->Run();
  if (!outcome.ok()) {
    std::cerr << "train: " << outcome.status().message() << "\n";
    return core::kExitError;
  }
  const core::RunStatus& status = outcome->status;
  std::cout << "run " << status.state << " (" << status.exit_reason << ") after " << status.updates
            << " updates; valid BLEU " << status.valid_bleu << ", test BLEU " << status.test_bleu
            << "; run directory: " << outcome->run_dir << "\n";
  if (outcome->exit_code == core::kExitDone) {
    std::cout << "translate with: bazel run //:translate -- --checkpoint=" << outcome->run_dir
              << "/checkpoint_best.pt\n";
  }
  return outcome->exit_code;
}
