// Runs a sweep's cells on a Slurm cluster: one job array, one array task per cell that is
// not finished, submitted with `sbatch`. The sweep directory (on a filesystem the nodes
// share) gets
//
//   <sweep_dir>/slurm/array.sbatch    the job script, with every #SBATCH option
//   <sweep_dir>/slurm/tasks.tsv       array task id <TAB> run directory <TAB> trainer command
//   <sweep_dir>/slurm/job_id          the last submitted array's id
//   <sweep_dir>/slurm/<job>_<task>.out  Slurm's output per task (the trainer's goes to the
//                                     cell's console.log, as with the local executor)
//
// Preemption and time limits rely on the trainer: SIGTERM makes it checkpoint and exit
// 143, and the same command resumes it. The script asks for `--requeue` (a preempted task
// is queued again and resumes) and for SIGUSR1 two minutes before the time limit, on which
// it stops the trainer with SIGTERM and requeues its own task. With `wait`, Execute polls
// `squeue` until the array has left the queue; then (or later, with `sweep --collect`) the
// results are read from the run directories as for local runs.
//
//   SlurmExecutorOptions options;
//   options.train_binary = "/shared/bin/train";
//   options.sweep_dir = "/shared/runs/sweeps/paper";
//   options.partition = "gpu";
//   options.gpus_per_task = 1;
//   options.wait = true;
//   absl::StatusOr<ExecutionSummary> summary = SlurmExecutor(options).Execute(runs);
#ifndef TOOLS_SWEEP_SLURM_EXECUTOR_H_
#define TOOLS_SWEEP_SLURM_EXECUTOR_H_

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "tools/sweep/executor.h"

namespace tools::sweep {

struct SlurmExecutorOptions {
  // The `train` binary, reachable from the compute nodes.
  std::string train_binary;
  // Absolute; the script, task table and Slurm's output go to <sweep_dir>/slurm.
  std::string sweep_dir;
  // The array's --job-name.
  std::string job_name = "sweep";
  // The working directory of every task (relative flags such as --data_dir resolve there).
  std::string working_dir;
  // sbatch options; "" / 0 leaves the cluster's default.
  std::string partition;
  // --time, e.g. "04:00:00" or "2-00:00:00".
  std::string time;
  // --gres=gpu:N per task; 0 asks for none (SlurmGpusPerTask chooses it from the cells).
  int gpus_per_task = 0;
  int cpus_per_task = 1;
  // More sbatch options, one each, as on sbatch's command line ("--mem=16G", "--qos=low").
  std::vector<std::string> extra_options;
  // Poll squeue until the array has finished, every poll_interval_s seconds.
  bool wait = false;
  double poll_interval_s = 10;
  std::ostream* log = &std::cerr;
};

// One array task: a cell's run directory and its trainer command line.
struct SlurmTask {
  std::string run_dir;
  std::vector<std::string> command;
};

// The GPUs each array task asks for: `requested` (--slurm_gpus_per_task) when given, else 1
// when a cell trains on a GPU (--device=cuda or cuda:N) and 0 otherwise. InvalidArgument when
// `requested` is 0 but a cell trains on a GPU: every such task would start without one and
// exit 2.
absl::StatusOr<int> SlurmGpusPerTask(std::optional<int> requested,
                                     const std::vector<CellRun>& runs);

// The job script for `task_count` tasks and the task table (what Execute writes), exposed
// for tests and for inspection.
std::string SlurmArrayScript(const SlurmExecutorOptions& options, int task_count);
std::string SlurmTaskTable(const std::vector<SlurmTask>& tasks);

class SlurmExecutor : public Executor {
 public:
  explicit SlurmExecutor(SlurmExecutorOptions options) : options_(std::move(options)) {}
  // FailedPrecondition while an array this sweep submitted is still queued or running (a
  // second one would run the same cells twice); Unavailable when sbatch fails.
  absl::StatusOr<ExecutionSummary> Execute(const std::vector<CellRun>& runs) override;

 private:
  SlurmExecutorOptions options_;
};

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_SLURM_EXECUTOR_H_
