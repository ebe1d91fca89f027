#include "tools/analyze/reports.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "core/train/checkpoint.h"
#include "core/train/intra_op_threads.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"
#include "core/util/user_path.h"

namespace tools::analyze {

absl::StatusOr<ReportContext> MakeReportContext(const AnalyzeFlags& flags,
                                                const std::vector<std::string>& trainer_args) {
  ReportContext context;
  context.flags = flags;
  context.output_dir = core::ResolveUserPath(flags.output_dir);
  std::error_code error;
  std::filesystem::create_directories(context.output_dir, error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("--output_dir=", flags.output_dir, ": ", error.message()));
  }
  std::vector<std::string> args = trainer_args;
  if (!flags.checkpoint.empty()) {
    const std::string path = core::ResolveUserPath(flags.checkpoint);
    if (!std::filesystem::is_regular_file(path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--checkpoint=", flags.checkpoint, ": no such file"));
    }
    for (const std::string& arg : args) {
      if (arg.rfind("--config", 0) == 0) {
        return absl::InvalidArgumentError(
            "--config and --checkpoint together: the checkpoint carries its configuration; "
            "override single flags on the command line instead");
      }
    }
    absl::StatusOr<core::CheckpointState> state = core::ReadCheckpointState(path);
    if (!state.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--checkpoint=", flags.checkpoint, ": ", state.status().message()));
    }
    core::UpgradeSavedConfig(state->config);
    // The checkpoint's configuration as a config file: the command line wins over it.
    const std::string ini = context.output_dir + "/checkpoint_config.ini";
    RETURN_IF_ERROR(core::WriteFileAtomically(ini, core::FormatConfigIni(state->config)));
    args.insert(args.begin(), "--config=" + ini);
  }
  absl::StatusOr<core::ParsedTrainConfig> parsed = core::ParseTrainConfig(args);
  if (!parsed.ok()) return absl::InvalidArgumentError(parsed.status().message());
  context.config = parsed->config;
  context.resolved = parsed->resolved;
  core::SetIntraOpThreads(context.config.threads);
  return context;
}

absl::Status RunReport(const AnalyzeFlags& flags, const std::vector<std::string>& trainer_args) {
  ASSIGN_OR_RETURN(ReportContext context, MakeReportContext(flags, trainer_args));
  if (flags.report == "omega_profile") return RunOmegaProfileReport(context);
  if (flags.report == "output_change") return RunOutputChangeReport(context);
  if (flags.report == "dependency") return RunDependencyReport(context);
  if (flags.report == "grad_norms") return RunGradNormsReport(context);
  return RunParamStatsReport(context);
}

}  // namespace tools::analyze
