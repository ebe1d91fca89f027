// `bazel run //:analyze -- --report=NAME [trainer flags]`: the paper's diagnostics on a model
// built exactly as `train` builds it (same flags, same data, same initializer).
//
// Reports:
//   omega_profile  the shortcut scale ω of every sublayer after initialization (Admin's
//                  profile on the first training batch), for each depth in --depths; writes
//                  <output_dir>/profile.<N>L-<N>L.ratio.init in the reference format and
//                  prints the first and last ω of each chain.
#include <glog/logging.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/experiment.h"
#include "core/openmp_env.h"
#include "core/residual.h"
#include "core/train_config.h"
#include "core/user_path.h"
#include "initializers/admin_profile.h"

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

struct AnalyzeFlags {
  std::string report;
  std::vector<int64_t> depths;
  std::string output_dir = "runs/analysis";
};

// Takes the analysis flags out of `args`; the rest are trainer flags.
absl::StatusOr<AnalyzeFlags> TakeAnalyzeFlags(std::vector<std::string>& args) {
  AnalyzeFlags flags;
  std::vector<std::string> rest;
  for (const std::string& arg : args) {
    const std::vector<std::string> parts = absl::StrSplit(arg, absl::MaxSplits('=', 1));
    if (parts[0] == "--report" && parts.size() == 2) {
      flags.report = parts[1];
    } else if (parts[0] == "--output_dir" && parts.size() == 2) {
      flags.output_dir = parts[1];
    } else if (parts[0] == "--depths" && parts.size() == 2) {
      for (absl::string_view text : absl::StrSplit(parts[1], ',')) {
        int64_t depth;
        if (!absl::SimpleAtoi(text, &depth) || depth < 1) {
          return absl::InvalidArgumentError(
              absl::StrCat("--depths=", parts[1], ": expected positive integers, e.g. 6,18"));
        }
        flags.depths.push_back(depth);
      }
    } else {
      rest.push_back(arg);
    }
  }
  args = rest;
  if (flags.report != "omega_profile") {
    return absl::InvalidArgumentError(
        absl::StrCat("--report=", flags.report.empty() ? "(missing)" : flags.report,
                     ": known reports: omega_profile"));
  }
  return flags;
}

absl::Status OmegaProfile(const AnalyzeFlags& flags, core::TrainConfig config) {
  const std::string output_dir = core::ResolveUserPath(flags.output_dir);
  std::filesystem::create_directories(output_dir);
  std::vector<int64_t> depths = flags.depths;
  if (depths.empty()) depths = {config.model.encoder_layers};
  absl::PrintF("%-8s %-7s %9s %9s %9s %9s  %s\n", "layers", "stack", "omega_1", "omega_2",
               "omega_last", "sublayers", "profile");
  for (const int64_t depth : depths) {
    config.model.encoder_layers = config.model.decoder_layers = depth;
    absl::StatusOr<core::Experiment> experiment = core::BuildExperiment(config, false);
    if (!experiment.ok()) return experiment.status();
    if (absl::Status status = core::InitializeModel(*experiment, config, ""); !status.ok()) {
      return status;
    }
    initializers::AdminProfile profile;
    for (const core::Sublayer& sublayer : experiment->model->Sublayers()) {
      const at::Tensor omega = sublayer.residual->shortcut_scale();
      if (!omega.defined()) {
        return absl::InvalidArgumentError(
            "the model's residual mode has no shortcut scale: use "
            "--encoder_residual=admin --decoder_residual=admin (or scaled)");
      }
      (sublayer.stack == core::Stack::kEncoder ? profile.encoder : profile.decoder)
          .push_back(omega.mean().item<double>());
    }
    const std::string path =
        absl::StrFormat("%s/profile.%dL-%dL.ratio.init", output_dir, depth, depth);
    if (absl::Status status = initializers::WriteAdminProfile(path, profile); !status.ok()) {
      return status;
    }
    for (const auto& [stack, chain] :
         {std::pair{"encoder", &profile.encoder}, std::pair{"decoder", &profile.decoder}}) {
      absl::PrintF("%-8s %-7s %9.4f %9.4f %9.4f %9d  %s\n",
                   absl::StrFormat("%dL-%dL", depth, depth), stack, chain->front(),
                   chain->size() > 1 ? (*chain)[1] : chain->front(), chain->back(), chain->size(),
                   path);
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  core::ReexecWithPassiveOpenMp(argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<AnalyzeFlags> flags = TakeAnalyzeFlags(args);
  if (!flags.ok()) {
    std::cerr << "analyze: " << flags.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<core::ParsedTrainConfig> parsed = core::ParseTrainConfig(args);
  if (!parsed.ok()) {
    std::cerr << "analyze: " << parsed.status().message() << "\n";
    return kExitUsage;
  }
  const absl::Status status = OmegaProfile(*flags, parsed->config);
  if (!status.ok()) {
    std::cerr << "analyze: " << status.message() << "\n";
    return absl::IsInvalidArgument(status) ? kExitUsage : kExitError;
  }
  return EXIT_SUCCESS;
}
