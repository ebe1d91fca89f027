// A sweep from start to results: the grid resolved into cells, one run directory per cell
// under the sweep directory, the cells run by an executor, and the result files written.
//
//   <sweep_dir>/.lock                        held by the sweep that runs it
//   <sweep_dir>/grid.ini                     the grid file and --set overrides, as run
//   <sweep_dir>/<cell name>/cell.json        the cell's axes and flags; then the trainer's
//   <sweep_dir>/<cell name>/console.log      files (status.json, metrics.jsonl, ...)
//   <sweep_dir>/results.{csv,jsonl,md}, report.html
//   <sweep_dir>/figures/*.svg                the report's figures, one file each
//
//   absl::StatusOr<SweepPlan> plan = PlanSweep(options);
//   absl::StatusOr<ExecutionSummary> summary = RunSweep(*plan, executor);
//   absl::Status written = WriteSweepResults(plan->sweep_dir, options.tables);
//
// Re-running the same command skips finished cells (done or diverged) and resumes the
// others from their checkpoints: the cell's directory name includes a hash of its whole
// configuration, so a changed grid never resumes a run with other settings.
#ifndef TOOLS_SWEEP_RUN_SWEEP_H_
#define TOOLS_SWEEP_RUN_SWEEP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/sweep/cell.h"
#include "tools/sweep/executor.h"
#include "tools/sweep/grid.h"
#include "tools/sweep/report_html.h"
#include "tools/sweep/results_table.h"

namespace tools::sweep {

struct SweepOptions {
  // The grid file (absolute, or relative to the working directory).
  std::string grid_path;
  // --set key=v1,v2 assignments, applied in order.
  std::vector<std::string> overrides;
  // Where the cells' run directories go; "": runs/sweeps/<grid name> (relative paths
  // resolve against where the user ran the command).
  std::string sweep_dir;
  // --threads of every run whose flags do not set it; 0: leave it to the executor's default.
  int threads_per_run = 0;
  // --only AXIS=LABEL[,LABEL...] filters: run only the cells they select (SelectCells); the
  // others keep their directories and appear in the results as they stand.
  std::vector<std::string> only;
};

struct TableOptions {
  PivotOptions pivot;
  ReportOptions report;
};

struct SweepPlan {
  // The grid with the overrides applied, and the overrides.
  Grid grid;
  std::vector<std::string> overrides;
  std::vector<Cell> cells;
  // Absolute.
  std::string sweep_dir;
  // One per cell, in cell order, with the state its run directory is in now.
  std::vector<CellRun> runs;
  // One per cell: whether --only selects it.
  std::vector<bool> selected;
};

// The runs of the cells --only selects, in cell order.
std::vector<CellRun> SelectedRuns(const SweepPlan& plan);

// Checks that the tables and figures asked for name axes of `grid` and known metrics, so that a
// typo stops the sweep before it runs rather than after. InvalidArgument names the flag.
absl::Status CheckTableOptions(const TableOptions& options, const Grid& grid);

// Reads the grid, applies the overrides and resolves the cells; writes nothing.
// InvalidArgument names the grid line or flag at fault.
absl::StatusOr<SweepPlan> PlanSweep(const SweepOptions& options);

// Locks the sweep directory (FailedPrecondition while another sweep runs it), writes
// grid.ini, grid_cells.txt (the names of the grid's cells) and each cell's cell.json, and
// runs the selected cells with the executor.
absl::StatusOr<ExecutionSummary> RunSweep(const SweepPlan& plan, Executor& executor);

// Rebuilds results.csv, results.jsonl, results.md and report.html from the cell
// directories under `sweep_dir` alone. Cells of an earlier version of the grid (not in
// grid_cells.txt, when there is one) stay out of the tables and figures, listed apart in
// results.md; returns how many.
absl::StatusOr<int> WriteSweepResults(const std::string& sweep_dir, const TableOptions& options);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_RUN_SWEEP_H_
