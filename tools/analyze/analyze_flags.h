// The flags of `analyze` that are not trainer flags: which report, and its settings.
//
//   std::vector<std::string> args = {"--report=output_change", "--depths=1,2,4",
//                                    "--modes=post,pre,admin", "--embed_dim=128"};
//   absl::StatusOr<AnalyzeFlags> flags = TakeAnalyzeFlags(args);
//   // args is now {"--embed_dim=128"}: the trainer flags, for core::ParseTrainConfig.
//
// Errors (InvalidArgument) name the flag: an unknown report, a bad list, a flag the chosen
// report does not use, --checkpoint with a scan it fixes (--depths, --modes).
#ifndef TOOLS_ANALYZE_ANALYZE_FLAGS_H_
#define TOOLS_ANALYZE_ANALYZE_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model/model_options.h"
#include "tools/analyze/output_change.h"

namespace tools::analyze {

// A model family of the output-change scan: residual arrangement and initializer.
// "post" = Post-LN + default, "pre" = Pre-LN + default, "admin" = Admin + admin (profiled),
// or "RESIDUAL:INIT" for any other pair (e.g. "scaled:deepnorm", "none:tfixup").
struct ModeSpec {
  std::string name;
  // A residual arrangement plugin's name.
  std::string residual = "post";
  std::string init;
};
absl::StatusOr<ModeSpec> ParseModeSpec(const std::string& text);

struct AnalyzeFlags {
  // omega_profile, output_change, dependency, grad_norms or param_stats.
  std::string report;
  // Encoder (and, for omega_profile, decoder) depths to scan.
  std::vector<int64_t> depths;
  std::vector<ModeSpec> modes;
  std::string output_dir = "runs/analysis";
  // A trainer checkpoint to analyse instead of a freshly initialized model.
  std::string checkpoint;
  DeltaKind delta = DeltaKind::kRandomSign;
  // 1e-4 for random signs (the reference's), 1e-6 for gradient signs (the reference's).
  double epsilon = 1e-4;
  // Models (and random δ) per depth; the figure and the fits use their median.
  int64_t seeds = 3;
  // A logarithmic y axis for the output_change figures (the quantity spans decades).
  bool log_y = false;
};

// Takes the analysis flags out of `args`, leaving the trainer flags.
absl::StatusOr<AnalyzeFlags> TakeAnalyzeFlags(std::vector<std::string>& args);

// analyze --help: the analysis flags, then the trainer flags it also takes.
std::string AnalyzeHelp();

// The report names, for help and errors.
const std::vector<std::string>& ReportNames();

}  // namespace tools::analyze

#endif  // TOOLS_ANALYZE_ANALYZE_FLAGS_H_
