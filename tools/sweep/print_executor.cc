#include "tools/sweep/print_executor.h"

namespace tools::sweep {

absl::StatusOr<ExecutionSummary> PrintExecutor::Execute(const std::vector<CellRun>& runs) {
  int finished = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    const CellRun& run = runs[i];
    if (IsFinished(run.state)) ++finished;
    std::vector<std::string> command = {train_binary_};
    command.insert(command.end(), run.args.begin(), run.args.end());
    out_ << "[" << i + 1 << "/" << runs.size() << "] " << run.name << " (" << run.state << ")\n  "
         << ShellCommand(command) << "\n";
  }
  out_ << runs.size() << " cells: " << finished << " finished, " << runs.size() - finished
       << " to run\n";
  return ExecutionSummary{};
}

}  // namespace tools::sweep
