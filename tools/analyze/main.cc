// `bazel run //:analyze -- --report=NAME [analysis flags] [trainer flags]`: the paper's
// diagnostics (docs/formulas.md §3.2, §8) on a model built exactly as `train` builds it (same
// flags, same data, same initializer), or loaded from a trainer checkpoint.
//
// Reports (tools/analyze/reports.h): omega_profile, output_change, dependency, grad_norms,
// param_stats. Each prints a table and writes JSON and SVG files into --output_dir.
//
//   bazel run //:analyze -- --report=output_change --modes=post,pre,admin
//       --depths=1,2,4,6,12,18,25,50,100 --embed_dim=128 --ffn_dim=512 --decoder_layers=1
//   bazel run //:analyze -- --report=dependency --checkpoint=runs/default/checkpoint_best.pt
//
// Analysis flags: --report, --output_dir (default runs/analysis), --checkpoint; for
// output_change --depths, --modes, --delta=random_sign|grad_sign, --epsilon, --seeds; for
// omega_profile --depths. Exit codes: 0 done, 1 error, 2 usage or configuration error.
#include <glog/logging.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "core/train/command_line.h"
#include "core/train/runtime_env.h"
#include "tools/analyze/analyze_flags.h"
#include "tools/analyze/reports.h"

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  core::ReexecWithRuntimeEnvironment(argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  std::vector<std::string> args(argv + 1, argv + argc);
  // Answered whatever else the line holds, before any check.
  if (const core::StandardRequest request = core::FindStandardRequest(args);
      request != core::StandardRequest::kNone) {
    std::cout << (request == core::StandardRequest::kVersion ? core::VersionText("analyze") + "\n"
                                                             : tools::analyze::AnalyzeHelp());
    return EXIT_SUCCESS;
  }
  absl::StatusOr<tools::analyze::AnalyzeFlags> flags = tools::analyze::TakeAnalyzeFlags(args);
  if (!flags.ok()) {
    std::cerr << "analyze: " << flags.status().message() << "\n";
    return kExitUsage;
  }
  const absl::Status status = tools::analyze::RunReport(*flags, args);
  if (!status.ok()) {
    std::cerr << "analyze: " << status.message() << "\n";
    return absl::IsInvalidArgument(status) ? kExitUsage : kExitError;
  }
  return EXIT_SUCCESS;
}
