// Where and how a sweep's trainer runs execute. The sweep resolves the cells and prepares
// their run directories; an executor runs them: `local` as child processes of the sweep,
// `print` lists them, a cluster executor submits them to a scheduler. Every executor gets
// the same CellRuns, so a cell runs the same command wherever it runs.
//
//   std::unique_ptr<Executor> executor = std::make_unique<LocalExecutor>(options);
//   absl::StatusOr<ExecutionSummary> summary = executor->Execute(runs);
#ifndef TOOLS_SWEEP_EXECUTOR_H_
#define TOOLS_SWEEP_EXECUTOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tools::sweep {

// One cell's trainer run.
struct CellRun {
  std::string name;
  // Absolute; it holds cell.json already.
  std::string run_dir;
  // The trainer's flags, --run_dir included.
  std::vector<std::string> args;
  // The run's state before this sweep session: "pending", "done", "diverged",
  // "interrupted", "failed" or "running" (a run whose sweep died with it).
  std::string state;
};

// The states after which a cell is not run again.
bool IsFinished(const std::string& state);

struct ExecutionSummary {
  // Cells that ended done / diverged / failed (after their retries) in this session.
  int done = 0;
  int diverged = 0;
  int failed = 0;
  // Cells left to a live process that held their run directory past the wait.
  int held = 0;
  // SIGINT or SIGTERM stopped the session (forwarded to the running trainers), or 0.
  int stop_signal = 0;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs or submits `runs` (every cell of the grid; finished ones are skipped).
  virtual absl::StatusOr<ExecutionSummary> Execute(const std::vector<CellRun>& runs) = 0;
};

// `args` as one shell command line, each word quoted where needed.
std::string ShellCommand(const std::vector<std::string>& args);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_EXECUTOR_H_
