// `bazel run //:sweep -- --grid=FILE [--set key=v1,v2] [--jobs=K] [--executor=print|slurm]`:
// runs a grid of trainer runs, resumably, and writes the results table and report
// (README "Sweeps"). `--collect` rebuilds the results from the sweep directory alone.
//
// Exit codes: 0 every cell finished (done or diverged), 1 a cell failed or an error,
// 2 usage or a bad grid, 130/143 stopped by SIGINT/SIGTERM (re-run the command to resume).
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/train/command_line.h"
#include "core/util/status_macros.h"
#include "core/util/user_path.h"
#include "tools/sweep/axis_plot.h"
#include "tools/sweep/local_executor.h"
#include "tools/sweep/print_executor.h"
#include "tools/sweep/results_table.h"
#include "tools/sweep/run_sweep.h"
#include "tools/sweep/slurm_executor.h"

namespace {

namespace po = boost::program_options;
namespace sweep = tools::sweep;

constexpr int kExitError = 1;

// The sweep's flags, in groups: what runs, where it runs, what it writes.
void AddFlags(core::CommandLine& command_line) {
  command_line.AddGroup("grid").add_options()(
      "grid", po::value<std::string>(), "the grid file (INI; see sweeps/ and README \"Sweeps\")")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override an axis or flag: --set key=v1,v2 (repeatable)")(
      "only", po::value<std::vector<std::string>>()->composing(),
      "run only a slice of the grid: --only AXIS=LABEL[,LABEL] (repeatable); the results "
      "still cover every cell")("sweep_dir", po::value<std::string>()->default_value(""),
                                "the sweep's directory; \"\": runs/sweeps/<grid name>");
  command_line.AddGroup("execution")
      .add_options()(
          "executor", po::value<std::string>()->default_value("local"),
          "local (run here), slurm (submit a job array with sbatch) or print (list cells and "
          "commands, run nothing)")("jobs", po::value<int>()->default_value(1),
                                    "trainer processes at once (local)")(
          "gpus", po::value<std::string>()->default_value(""),
          "GPU ids, e.g. 0,1: each job slot sees one (CUDA_VISIBLE_DEVICES); --jobs defaults to "
          "their number")(
          "threads", po::value<int>()->default_value(0),
          "--threads of each run unless the grid sets it; 0: this machine's cores / jobs")(
          "max_retries", po::value<int>()->default_value(1),
          "times a crashed run is started again (it resumes from its checkpoint)")(
          "train_binary", po::value<std::string>()->default_value(""),
          "the train binary; \"\": the one built with this sweep")(
          "overview_interval", po::value<double>()->default_value(30),
          "seconds between progress lines when nothing changes");
  command_line.AddGroup("slurm executor")
      .add_options()("slurm_partition", po::value<std::string>()->default_value(""),
                     "sbatch --partition; \"\": the cluster's default")(
          "slurm_time", po::value<std::string>()->default_value(""),
          "time limit per task (sbatch --time, e.g. 04:00:00); \"\": the partition's")(
          "slurm_gpus_per_task", po::value<int>(),
          "GPUs per task (--gres=gpu:N); default 1 when a cell has device = cuda, else 0")(
          "slurm_cpus_per_task", po::value<int>()->default_value(1),
          "CPUs per task; also each run's --threads unless the grid or --threads sets it")(
          "slurm_option", po::value<std::vector<std::string>>()->composing(),
          "another sbatch option, e.g. --slurm_option=--mem=16G (repeatable)")(
          "wait", "wait until the array has finished, then write the results")(
          "poll_interval", po::value<double>()->default_value(10),
          "seconds between squeue polls with --wait");
  command_line.AddGroup("results (results.md, report.html, figures/)")
      .add_options()("collect",
                     "only rebuild the result files from --sweep_dir (or the grid's directory)")(
          "rows", po::value<std::string>()->default_value(""),
          "pivot rows: axes, comma-separated; \"\": every axis but the columns and seed")(
          "columns", po::value<std::string>()->default_value(""),
          "pivot columns: axes; \"\": the last axis other than seed")(
          "value", po::value<std::string>()->default_value("test_bleu"),
          absl::StrCat("pivot value: ", absl::StrJoin(sweep::MetricNames(), ", ")).c_str())(
          "group_by", po::value<std::string>()->default_value(""),
          "one pair of curve figures per value of this axis")(
          "color_by", po::value<std::string>()->default_value(""),
          "one line per value of this axis (the mean over the others); \"\": one line per setting "
          "(every axis but group_by and seed)")(
          "curves_per_run", "also draw every run's own curve beside its setting's mean")(
          "plot", po::value<std::vector<std::string>>()->composing(),
          "a metric against a numeric axis, e.g. x:lr,y:capped_final_loss,color:arch,panel:depth "
          "(also seeds:show, logx:yes|no); repeatable; figures/<y>_vs_<x>.svg and report.html")(
          "sensitivity", po::value<std::string>()->default_value(""),
          "an axis of learning rates: adds the learning-rate sensitivity of every setting to "
          "results.md and report.html");
}

std::vector<std::string> SplitList(const std::string& text) {
  return absl::StrSplit(text, ',', absl::SkipEmpty());
}

// The train binary next to this one: in Bazel's runfiles tree (bazel run, tests) or in the
// same directory (the CMake build).
std::string FindTrainBinary(const std::string& flag, const char* argv0) {
  if (!flag.empty()) return core::ResolveUserPath(flag);
  const std::string self = std::filesystem::absolute(argv0).string();
  std::vector<std::string> candidates = {self + ".runfiles/admin_trainer/tools/train"};
  if (const char* runfiles = std::getenv("RUNFILES_DIR")) {
    candidates.push_back(absl::StrCat(runfiles, "/admin_trainer/tools/train"));
  }
  candidates.push_back((std::filesystem::path(self).parent_path() / "train").string());
  for (const std::string& candidate : candidates) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

const std::vector<std::string>& Executors() {
  static const auto* executors = new std::vector<std::string>{"local", "slurm", "print"};
  return *executors;
}

// Rebuilds the result files of `sweep_dir`, warning about cells of earlier grid versions.
absl::Status WriteResults(const std::string& sweep_dir, const sweep::TableOptions& tables) {
  ASSIGN_OR_RETURN(const int earlier, sweep::WriteSweepResults(sweep_dir, tables));
  if (earlier > 0) {
    std::cerr << "sweep: warning: " << earlier << " cell(s) in " << sweep_dir
              << " belong to an earlier version of the grid: left out of the tables and "
                 "figures, listed apart in results.md\n";
  }
  std::cout << "results: " << sweep_dir << "/results.md, report.html\n";
  return absl::OkStatus();
}

// The executor that runs the cells: local or slurm.
absl::StatusOr<std::unique_ptr<sweep::Executor>> MakeExecutor(const po::variables_map& flag,
                                                              const std::string& executor_name,
                                                              const std::string& train_binary,
                                                              int jobs,
                                                              const std::vector<std::string>& gpus,
                                                              const sweep::SweepPlan& plan) {
  if (executor_name == "local") {
    sweep::LocalExecutorOptions local;
    local.train_binary = train_binary;
    local.jobs = jobs;
    local.gpus = gpus;
    local.max_retries = flag["max_retries"].as<int>();
    local.overview_interval_s = flag["overview_interval"].as<double>();
    return std::make_unique<sweep::LocalExecutor>(local);
  }
  sweep::SlurmExecutorOptions slurm;
  slurm.train_binary = train_binary;
  slurm.sweep_dir = plan.sweep_dir;
  slurm.job_name = absl::StrCat("sweep-", plan.grid.name);
  slurm.working_dir = std::filesystem::absolute(core::ResolveUserPath(".")).string();
  slurm.partition = flag["slurm_partition"].as<std::string>();
  slurm.time = flag["slurm_time"].as<std::string>();
  ASSIGN_OR_RETURN(slurm.gpus_per_task,
                   sweep::SlurmGpusPerTask(flag.count("slurm_gpus_per_task")
                                               ? std::optional<int>(
                                                     flag["slurm_gpus_per_task"].as<int>())
                                               : std::nullopt,
                                           plan.runs));
  slurm.cpus_per_task = flag["slurm_cpus_per_task"].as<int>();
  if (flag.count("slurm_option")) {
    slurm.extra_options = flag["slurm_option"].as<std::vector<std::string>>();
  }
  slurm.wait = flag.count("wait") > 0;
  slurm.poll_interval_s = flag["poll_interval"].as<double>();
  if (slurm.cpus_per_task < 1 || slurm.poll_interval_s <= 0) {
    return absl::InvalidArgumentError("--slurm_cpus_per_task must be >= 1 and --poll_interval > 0");
  }
  return std::make_unique<sweep::SlurmExecutor>(slurm);
}

}  // namespace

int main(int argc, char** argv) {
  core::CommandLine command_line("sweep", "bazel run //:sweep -- --grid=FILE [flags]");
  AddFlags(command_line);
  absl::StatusOr<po::variables_map> values = command_line.Parse(argc, argv);
  if (!values.ok()) return command_line.Fail(values.status());
  if (command_line.answered()) return EXIT_SUCCESS;
  const po::variables_map& flag = *values;
  if (const absl::Status known =
          core::CheckChoice("executor", flag["executor"].as<std::string>(), Executors());
      !known.ok()) {
    return command_line.Fail(known);
  }

  sweep::TableOptions tables;
  tables.pivot.rows = SplitList(flag["rows"].as<std::string>());
  tables.pivot.columns = SplitList(flag["columns"].as<std::string>());
  tables.pivot.value = flag["value"].as<std::string>();
  tables.report.group_by = flag["group_by"].as<std::string>();
  tables.report.color_by = flag["color_by"].as<std::string>();
  tables.report.curves_per_run = flag.count("curves_per_run") > 0;
  tables.report.sensitivity_axis = flag["sensitivity"].as<std::string>();
  if (flag.count("plot")) {
    for (const std::string& text : flag["plot"].as<std::vector<std::string>>()) {
      absl::StatusOr<sweep::AxisPlotSpec> spec = sweep::ParseAxisPlotSpec(text);
      if (!spec.ok()) return command_line.Fail(spec.status());
      tables.report.plots.push_back(*std::move(spec));
    }
  }

  if (flag.count("collect") && !flag["sweep_dir"].as<std::string>().empty()) {
    const std::string dir = core::ResolveUserPath(flag["sweep_dir"].as<std::string>());
    if (const absl::Status status = WriteResults(dir, tables); !status.ok()) {
      return command_line.Fail(status);
    }
    return EXIT_SUCCESS;
  }
  if (!flag.count("grid")) {
    return command_line.Fail(
        absl::InvalidArgumentError("--grid=FILE is required (or --collect --sweep_dir=DIR)"));
  }

  const std::string executor_name = flag["executor"].as<std::string>();
  const std::vector<std::string> gpus = SplitList(flag["gpus"].as<std::string>());
  int jobs = flag["jobs"].as<int>();
  if (!gpus.empty() && flag["jobs"].defaulted()) jobs = static_cast<int>(gpus.size());
  if (jobs < 1 || flag["max_retries"].as<int>() < 0 || flag["threads"].as<int>() < 0) {
    return command_line.Fail(
        absl::InvalidArgumentError("--jobs must be >= 1, --max_retries and --threads >= 0"));
  }
  sweep::SweepOptions options;
  options.grid_path = flag["grid"].as<std::string>();
  if (flag.count("set")) options.overrides = flag["set"].as<std::vector<std::string>>();
  if (flag.count("only")) options.only = flag["only"].as<std::vector<std::string>>();
  options.sweep_dir = flag["sweep_dir"].as<std::string>();
  options.threads_per_run = flag["threads"].as<int>();
  if (options.threads_per_run == 0 && executor_name == "slurm") {
    options.threads_per_run = flag["slurm_cpus_per_task"].as<int>();
  } else if (options.threads_per_run == 0 && gpus.empty()) {
    options.threads_per_run =
        std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / jobs);
  }
  absl::StatusOr<sweep::SweepPlan> plan = sweep::PlanSweep(options);
  if (!plan.ok()) return command_line.Fail(plan.status());
  if (const absl::Status checked = sweep::CheckTableOptions(tables, plan->grid); !checked.ok()) {
    return command_line.Fail(checked);
  }
  if (flag.count("collect")) {
    if (const absl::Status status = WriteResults(plan->sweep_dir, tables); !status.ok()) {
      return command_line.Fail(status);
    }
    return EXIT_SUCCESS;
  }

  const std::string train_binary = FindTrainBinary(flag["train_binary"].as<std::string>(), argv[0]);
  if (train_binary.empty()) {
    return command_line.Fail(absl::InvalidArgumentError(
        "cannot find the train binary next to this one; pass --train_binary"));
  }
  if (executor_name == "print") {
    sweep::PrintExecutor printer(train_binary, std::cout);
    const absl::StatusOr<sweep::ExecutionSummary> printed = printer.Execute(sweep::SelectedRuns(*plan));
    return printed.ok() ? EXIT_SUCCESS : command_line.Fail(printed.status());
  }
  absl::StatusOr<std::unique_ptr<sweep::Executor>> executor =
      MakeExecutor(flag, executor_name, train_binary, jobs, gpus, *plan);
  if (!executor.ok()) return command_line.Fail(executor.status());

  std::cerr << "sweep: " << sweep::SelectedRuns(*plan).size() << " of " << plan->cells.size()
            << " cells in " << plan->sweep_dir << "\n";
  const absl::StatusOr<sweep::ExecutionSummary> summary = sweep::RunSweep(*plan, **executor);
  if (!summary.ok()) return command_line.Fail(summary.status());
  // Written whatever happened, so an interrupted sweep shows where it stands.
  if (const absl::Status status = WriteResults(plan->sweep_dir, tables); !status.ok()) {
    return command_line.Fail(status);
  }
  if (summary->stop_signal != 0) return 128 + summary->stop_signal;
  return summary->failed > 0 ? kExitError : EXIT_SUCCESS;
}
