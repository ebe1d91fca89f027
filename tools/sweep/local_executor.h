// Runs a sweep's cells as trainer processes on this machine, --jobs at a time.
//
// Each run may get its own GPU (CUDA_VISIBLE_DEVICES from --gpus, one per job slot); its
// stdout and stderr go to
// <run_dir>/console.log. A run that crashes is started again up to max_retries times (the
// trainer resumes from its checkpoint). SIGINT or SIGTERM to the sweep stops launching and
// is forwarded once to every running trainer, which checkpoints and exits; a trainer whose
// sweep dies gets SIGTERM.
//
//   LocalExecutorOptions options;
//   options.train_binary = "bazel-bin/tools/train";
//   options.jobs = 2;
//   absl::StatusOr<ExecutionSummary> summary = LocalExecutor(options).Execute(runs);
#ifndef TOOLS_SWEEP_LOCAL_EXECUTOR_H_
#define TOOLS_SWEEP_LOCAL_EXECUTOR_H_

#include <iostream>
#include <string>
#include <vector>

#include "tools/sweep/executor.h"

namespace tools::sweep {

struct LocalExecutorOptions {
  // The `train` binary.
  std::string train_binary;
  // Trainer processes at once.
  int jobs = 1;
  // GPU ids; the run in job slot k sees only gpus[k % size] (CUDA_VISIBLE_DEVICES).
  // Empty: runs inherit the sweep's environment.
  std::vector<std::string> gpus;
  // Times a crashed run (exit other than done, diverged, interrupted or a configuration
  // error) is started again in one sweep session.
  int max_retries = 1;
  // Seconds to wait for a cell whose run directory a live process holds (a trainer of a
  // stopped sweep still finishing its update and checkpoint) before leaving the cell to it.
  double held_wait_s = 120;
  // Where the overview goes, at every change and every overview_interval_s seconds.
  std::ostream* log = &std::cerr;
  double overview_interval_s = 30;
};

class LocalExecutor : public Executor {
 public:
  explicit LocalExecutor(LocalExecutorOptions options) : options_(std::move(options)) {}
  absl::StatusOr<ExecutionSummary> Execute(const std::vector<CellRun>& runs) override;

 private:
  LocalExecutorOptions options_;
};

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_LOCAL_EXECUTOR_H_
