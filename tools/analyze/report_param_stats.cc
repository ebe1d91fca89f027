// --report=param_stats: shape, mean, std and norm of every parameter and, for a fresh model,
// the init audit: which parameters --init left as the model's construction made them (a
// weight matrix among them is flagged: the initializer silently skipped it).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/util/status_macros.h"
#include "tools/analyze/param_stats.h"
#include "tools/analyze/report_common.h"
#include "tools/plot/svg_plot.h"

namespace tools::analyze {

using tools::plot::BarChart;
using tools::plot::RenderBarChart;

absl::Status RunParamStatsReport(const ReportContext& context) {
  std::vector<std::string> not_written;
  ASSIGN_OR_RETURN(core::Experiment experiment, LoadAnalysedModel(context, &not_written));
  const bool audited = context.flags.checkpoint.empty();
  const std::set<std::string> untouched(not_written.begin(), not_written.end());
  const std::vector<ParameterStats> stats = ComputeParameterStats(*experiment.model);
  std::printf("%-52s %-12s %12s %12s %12s %s\n", "parameter", "shape", "mean", "std", "norm",
              audited ? "init" : "");
  std::vector<std::string> skipped_matrices;
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  BarChart chart;
  chart.title =
      absl::StrFormat("Standard deviation of each parameter (--init=%s%s)", context.config.init,
                      context.flags.checkpoint.empty() ? "" : ", from a checkpoint");
  chart.value_label = "std";
  for (const ParameterStats& s : stats) {
    const std::string shape = absl::StrJoin(s.shape, "x");
    const bool written = untouched.count(s.name) == 0;
    // Matrices are what an initializer is about; a vector (ReZero's α, an arrangement's
    // LayerNorm) may rightly keep its constructed value.
    if (audited && !written && s.shape.size() >= 2) skipped_matrices.push_back(s.name);
    std::printf("%-52s %-12s %12.4g %12.4g %12.4g %s\n", s.name.c_str(), shape.c_str(), s.mean,
                s.std, s.norm, !audited ? "" : written ? "set" : "NOT SET");
    nlohmann::ordered_json entry;
    entry["name"] = s.name;
    entry["shape"] = s.shape;
    entry["elements"] = s.elements;
    entry["mean"] = s.mean;
    entry["std"] = s.std;
    entry["norm"] = s.norm;
    if (audited) entry["set_by_init"] = untouched.count(s.name) == 0;
    entries.push_back(std::move(entry));
    chart.labels.push_back(s.name);
    chart.values.push_back(s.std);
  }
  RETURN_IF_ERROR(WriteReportFile(context, "param_stats.svg", RenderBarChart(chart)));
  for (const std::string& name : skipped_matrices) {
    std::printf("init audit: --init=%s left the matrix %s as LibTorch constructed it\n",
                context.config.init.c_str(), name.c_str());
  }
  nlohmann::ordered_json json = ReportHeader(context);
  json["parameters"] = std::move(entries);
  if (audited) json["matrices_not_set_by_init"] = skipped_matrices;
  return WriteReportJson(context, "param_stats.json", json);
}

}  // namespace tools::analyze
