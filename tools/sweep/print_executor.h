// The dry run: lists every cell, its state and the exact command that would run it,
// without running or writing anything.
//
//   PrintExecutor executor("bazel-bin/tools/train", std::cout);
//   executor.Execute(plan.runs);
//   // [1/4] arch-postln.seed-1.3f9a0c1e (pending)
//   //   bazel-bin/tools/train --max_updates=500 ... --run_dir=/abs/runs/sweeps/x/arch-...
#ifndef TOOLS_SWEEP_PRINT_EXECUTOR_H_
#define TOOLS_SWEEP_PRINT_EXECUTOR_H_

#include <ostream>
#include <string>

#include "tools/sweep/executor.h"

namespace tools::sweep {

class PrintExecutor : public Executor {
 public:
  PrintExecutor(std::string train_binary, std::ostream& out)
      : train_binary_(std::move(train_binary)), out_(out) {}
  absl::StatusOr<ExecutionSummary> Execute(const std::vector<CellRun>& runs) override;

 private:
  std::string train_binary_;
  std::ostream& out_;
};

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_PRINT_EXECUTOR_H_
