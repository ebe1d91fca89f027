#include "tools/sweep/run_sweep.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <set>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/util/directory_lock.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"
#include "core/util/user_path.h"
#include "tools/plot/figure_file.h"
#include "tools/sweep/axis_plot.h"
#include "tools/sweep/lr_sensitivity.h"
#include "tools/sweep/run_record.h"

namespace tools::sweep {
namespace {

bool SetsFlag(const Cell& cell, const std::string& key) {
  for (const auto& [flag, value] : cell.flags) {
    if (flag == key) return true;
  }
  return false;
}

// The grid as this sweep runs it: the file, then the overrides as comments.
std::string GridRecord(const std::vector<std::string>& overrides, const std::string& grid_text) {
  std::string text = grid_text;
  if (!overrides.empty()) {
    absl::StrAppend(&text, "\n# Overridden on the command line:\n");
    for (const std::string& assignment : overrides) {
      absl::StrAppend(&text, "#   --set ", assignment, "\n");
    }
  }
  return text;
}

// The grid's name as <sweep_dir>/grid.ini gives it; the directory's name without one.
std::string SweepTitle(const std::string& sweep_dir) {
  const absl::StatusOr<Grid> grid = ReadGridFile(absl::StrCat(sweep_dir, "/grid.ini"));
  // Without [sweep] name, ReadGridFile names a grid by its file: "grid", no name at all.
  return grid.ok() && grid->name != "grid"
             ? grid->name
             : std::filesystem::path(sweep_dir).filename().string();
}

// A file name made of `text`: characters unsafe in a name become '_'.
std::string FileStem(std::string text) {
  for (char& c : text) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return text;
}

// figures/loss.svg and optimization.svg, or with --group_by one pair per group
// (figures/loss_<axis>-<value>.svg), then figures/<y>_vs_<x>.svg per --plot; each with its
// PNG and PDF copies.
absl::Status WriteFigures(const std::string& figures_dir, const ReportOptions& report,
                          const std::vector<CurveFigures>& curves,
                          const std::vector<std::pair<std::string, std::string>>& plots) {
  std::error_code error;
  std::filesystem::create_directories(figures_dir, error);
  if (error)
    return absl::InternalError(absl::StrCat("cannot create ", figures_dir, ": ", error.message()));
  std::vector<std::pair<std::string, const std::string*>> files;
  for (const CurveFigures& figure : curves) {
    const std::string group =
        report.group_by.empty() ? "" : absl::StrCat("_", report.group_by, "-", figure.group);
    files.emplace_back(FileStem("loss" + group), &figure.loss_svg);
    files.emplace_back(FileStem("optimization" + group), &figure.optimization_svg);
  }
  for (const auto& [name, svg] : plots) files.emplace_back(FileStem(name), &svg);
  for (const auto& [stem, svg] : files) {
    RETURN_IF_ERROR(tools::plot::WriteFigure(absl::StrCat(figures_dir, "/", stem, ".svg"), *svg));
  }
  return absl::OkStatus();
}

std::string GridCellsFile(const std::string& sweep_dir) {
  return absl::StrCat(sweep_dir, "/grid_cells.txt");
}

// Moves the cells that grid_cells.txt does not name (a grid changed since they ran) out of
// `records`; none when the file is missing (a sweep directory of an earlier version).
absl::StatusOr<std::vector<RunRecord>> TakeEarlierCells(const std::string& sweep_dir,
                                                        std::vector<RunRecord>& records) {
  if (!std::filesystem::exists(GridCellsFile(sweep_dir))) return std::vector<RunRecord>();
  ASSIGN_OR_RETURN(const std::string text, core::ReadFileBytes(GridCellsFile(sweep_dir)));
  std::set<std::string> current;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line[0] != '#') current.insert(std::string(line));
  }
  std::vector<RunRecord> earlier;
  const auto is_earlier = [&](const RunRecord& record) { return !current.count(record.name); };
  std::copy_if(records.begin(), records.end(), std::back_inserter(earlier), is_earlier);
  records.erase(std::remove_if(records.begin(), records.end(), is_earlier), records.end());
  return earlier;
}

}  // namespace

absl::StatusOr<SweepPlan> PlanSweep(const SweepOptions& options) {
  SweepPlan plan;
  absl::StatusOr<Grid> grid = ReadGridFile(core::ResolveUserPath(options.grid_path));
  if (!grid.ok()) return grid.status();
  plan.grid = *std::move(grid);
  plan.overrides = options.overrides;
  for (const std::string& assignment : options.overrides) {
    RETURN_IF_ERROR(ApplyOverride(assignment, plan.grid));
  }
  absl::StatusOr<std::vector<Cell>> cells = ResolveCells(plan.grid);
  if (!cells.ok()) return cells.status();
  plan.cells = *std::move(cells);
  plan.sweep_dir = std::filesystem::absolute(
                       core::ResolveUserPath(options.sweep_dir.empty()
                                                 ? absl::StrCat("runs/sweeps/", plan.grid.name)
                                                 : options.sweep_dir))
                       .lexically_normal()
                       .string();
  for (const Cell& cell : plan.cells) {
    CellRun run;
    run.name = cell.name;
    run.run_dir = absl::StrCat(plan.sweep_dir, "/", cell.name);
    for (const auto& [key, value] : cell.flags)
      run.args.push_back(absl::StrCat("--", key, "=", value));
    run.args.push_back(absl::StrCat("--run_dir=", run.run_dir));
    if (options.threads_per_run > 0 && !SetsFlag(cell, "threads")) {
      run.args.push_back(absl::StrCat("--threads=", options.threads_per_run));
    }
    run.state = ReadRunState(run.run_dir);
    plan.runs.push_back(std::move(run));
  }
  ASSIGN_OR_RETURN(plan.selected, SelectCells(plan.grid, plan.cells, options.only));
  return plan;
}

std::vector<CellRun> SelectedRuns(const SweepPlan& plan) {
  std::vector<CellRun> runs;
  for (size_t i = 0; i < plan.runs.size(); ++i) {
    if (plan.selected[i]) runs.push_back(plan.runs[i]);
  }
  return runs;
}

absl::StatusOr<ExecutionSummary> RunSweep(const SweepPlan& plan, Executor& executor) {
  absl::StatusOr<core::DirectoryLock> lock = core::DirectoryLock::Acquire(plan.sweep_dir);
  if (absl::IsFailedPrecondition(lock.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("sweep directory ", plan.sweep_dir, " is being run by another sweep (",
                     lock.status().message(),
                     "): wait for it, stop it (Ctrl-C, or kill -INT its pid), or "
                     "give this one another --sweep_dir"));
  }
  if (!lock.ok()) return lock.status();
  if (!plan.grid.path.empty()) {
    ASSIGN_OR_RETURN(std::string grid_text, core::ReadFileBytes(plan.grid.path));
    RETURN_IF_ERROR(core::WriteFileAtomically(absl::StrCat(plan.sweep_dir, "/grid.ini"),
                                              GridRecord(plan.overrides, grid_text)));
  }
  std::string names = "# The cells of the grid last run here; results leave out any other.\n";
  for (const Cell& cell : plan.cells) absl::StrAppend(&names, cell.name, "\n");
  RETURN_IF_ERROR(core::WriteFileAtomically(GridCellsFile(plan.sweep_dir), names));
  for (size_t i = 0; i < plan.cells.size(); ++i) {
    std::error_code error;
    std::filesystem::create_directories(plan.runs[i].run_dir, error);
    if (error) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot create ", plan.runs[i].run_dir, ": ", error.message()));
    }
    RETURN_IF_ERROR(WriteCellFile(plan.runs[i].run_dir, plan.cells[i]));
  }
  return executor.Execute(SelectedRuns(plan));
}

absl::Status CheckTableOptions(const TableOptions& options, const Grid& grid) {
  std::vector<std::string> axes;
  for (const Axis& axis : grid.axes) axes.push_back(axis.name);
  const ReportOptions& report = options.report;
  RETURN_IF_ERROR(CheckMetricName(options.pivot.value, "value"));
  RETURN_IF_ERROR(CheckAxisNames(options.pivot.rows, axes, "rows"));
  RETURN_IF_ERROR(CheckAxisNames(options.pivot.columns, axes, "columns"));
  for (const auto& [axis, flag] : {std::pair{report.group_by, "group_by"},
                                   {report.color_by, "color_by"},
                                   {report.sensitivity_axis, "sensitivity"}}) {
    if (!axis.empty()) RETURN_IF_ERROR(CheckAxisNames({axis}, axes, flag));
  }
  for (const AxisPlotSpec& plot : report.plots) RETURN_IF_ERROR(CheckAxisPlotSpec(plot, axes));
  return absl::OkStatus();
}

absl::StatusOr<int> WriteSweepResults(const std::string& sweep_dir, const TableOptions& options) {
  ASSIGN_OR_RETURN(std::vector<RunRecord> records, CollectRunRecords(sweep_dir));
  if (records.empty()) {
    return absl::NotFoundError(absl::StrCat(sweep_dir, " holds no sweep cell (no */cell.json)"));
  }
  ASSIGN_OR_RETURN(const std::vector<RunRecord> earlier, TakeEarlierCells(sweep_dir, records));
  if (records.empty()) {
    return absl::NotFoundError(absl::StrCat(sweep_dir,
                                            " holds only cells of earlier versions of "
                                            "the grid (none named in grid_cells.txt)"));
  }
  ASSIGN_OR_RETURN(PivotTable pivot, BuildPivotTable(records, options.pivot));
  ReportOptions report = options.report;
  if (report.title.empty()) report.title = SweepTitle(sweep_dir);
  ASSIGN_OR_RETURN(const std::string html, RenderReportHtml(records, pivot, report));
  ASSIGN_OR_RETURN(const std::vector<CurveFigures> curves, RenderCurveFigures(records, report));
  std::string markdown =
      absl::StrCat("# ", report.title, "\n\n## ", pivot.value, "\n\n", FormatPivotMarkdown(pivot));
  if (!report.sensitivity_axis.empty()) {
    ASSIGN_OR_RETURN(const SensitivityTable sensitivity,
                     ComputeLrSensitivity(records, report.sensitivity_axis));
    absl::StrAppend(&markdown, "\n## Learning-rate sensitivity over ", sensitivity.rate_axis,
                    "\n\n", kSensitivityExplanation, "\n\n",
                    FormatMarkdownTable(SensitivityRows(sensitivity)));
  }
  std::vector<std::pair<std::string, std::string>> plots;
  for (const AxisPlotSpec& spec : report.plots) {
    ASSIGN_OR_RETURN(std::string svg, RenderAxisPlot(records, spec, report.title));
    plots.emplace_back(spec.Name(), std::move(svg));
    absl::StrAppend(&markdown, "\n![", spec.y, " against ", spec.x, "](figures/",
                    FileStem(spec.Name()), ".svg)\n");
  }
  absl::StrAppend(&markdown, "\n## Cells\n\n", FormatResultsMarkdown(records),
                  earlier.empty() ? ""
                                  : absl::StrCat("\n## Cells of earlier versions of the grid "
                                                 "(left out of the tables and figures)\n\n",
                                                 FormatResultsMarkdown(earlier)));
  for (const auto& [name, contents] :
       {std::pair<const char*, std::string>{"results.csv", FormatResultsCsv(records)},
        {"results.jsonl", FormatResultsJsonl(records)},
        {"results.md", markdown},
        {"report.html", html}}) {
    RETURN_IF_ERROR(core::WriteFileAtomically(absl::StrCat(sweep_dir, "/", name), contents));
  }
  RETURN_IF_ERROR(WriteFigures(absl::StrCat(sweep_dir, "/figures"), report, curves, plots));
  return static_cast<int>(earlier.size());
}

}  // namespace tools::sweep
