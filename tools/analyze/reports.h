// The reports of `analyze` (tools/analyze/main.cc): each builds or loads a model exactly as the
// trainer does, measures, prints a table, and writes <output_dir>/<report>.json and an SVG
// figure next to it.
//
//   omega_profile  ω of every Admin sublayer per depth (profile.<N>L-<N>L.ratio.init files)
//   output_change  ‖F(x,W) − F(x,W+δ)‖² of the encoder over depths and modes, with fits
//   dependency     β_{i,j} per stack (heatmaps)
//   grad_norms     ‖∂L/∂x_i‖ per sublayer
//   param_stats    shape, mean, std and norm of every parameter; for a fresh model, the init
//                  audit (which parameters --init did not set; a skipped matrix is flagged)
//
//   absl::StatusOr<AnalyzeFlags> flags = TakeAnalyzeFlags(args);  // args: the trainer flags
//   absl::Status status = RunReport(*flags, args);
//
// With --checkpoint the model (and its configuration, which trainer flags on the command
// line override) comes from a trainer checkpoint. InvalidArgument marks a usage error.
#ifndef TOOLS_ANALYZE_REPORTS_H_
#define TOOLS_ANALYZE_REPORTS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/train/train_config.h"
#include "tools/analyze/analyze_flags.h"

namespace tools::analyze {

// What every report starts from.
struct ReportContext {
  AnalyzeFlags flags;
  core::TrainConfig config;
  // Every trainer flag -> value, written into the JSON for provenance.
  std::map<std::string, std::string> resolved;
  // flags.output_dir resolved against the user's directory, created.
  std::string output_dir;
};

// Parses the trainer flags (on top of the checkpoint's configuration, if any), applies
// --threads and creates the output directory.
absl::StatusOr<ReportContext> MakeReportContext(const AnalyzeFlags& flags,
                                                const std::vector<std::string>& trainer_args);

absl::Status RunReport(const AnalyzeFlags& flags, const std::vector<std::string>& trainer_args);

absl::Status RunOmegaProfileReport(const ReportContext& context);
absl::Status RunOutputChangeReport(const ReportContext& context);
absl::Status RunDependencyReport(const ReportContext& context);
absl::Status RunGradNormsReport(const ReportContext& context);
absl::Status RunParamStatsReport(const ReportContext& context);

}  // namespace tools::analyze

#endif  // TOOLS_ANALYZE_REPORTS_H_
