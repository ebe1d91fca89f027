// --report=param_stats: shape, mean, std and norm of every parameter.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

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
  ASSIGN_OR_RETURN(core::Experiment experiment, LoadAnalysedModel(context));
  const std::vector<ParameterStats> stats = ComputeParameterStats(*experiment.model);
  std::printf("%-52s %-12s %12s %12s %12s\n", "parameter", "shape", "mean", "std", "norm");
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  BarChart chart;
  chart.title =
      absl::StrFormat("Standard deviation of each parameter (--init=%s%s)", context.config.init,
                      context.flags.checkpoint.empty() ? "" : ", from a checkpoint");
  chart.value_label = "std";
  for (const ParameterStats& s : stats) {
    const std::string shape = absl::StrJoin(s.shape, "x");
    std::printf("%-52s %-12s %12.4g %12.4g %12.4g\n", s.name.c_str(), shape.c_str(), s.mean, s.std,
                s.norm);
    nlohmann::ordered_json entry;
    entry["name"] = s.name;
    entry["shape"] = s.shape;
    entry["elements"] = s.elements;
    entry["mean"] = s.mean;
    entry["std"] = s.std;
    entry["norm"] = s.norm;
    entries.push_back(std::move(entry));
    chart.labels.push_back(s.name);
    chart.values.push_back(s.std);
  }
  RETURN_IF_ERROR(WriteReportFile(context, "param_stats.svg", RenderBarChart(chart)));
  nlohmann::ordered_json json = ReportHeader(context);
  json["parameters"] = std::move(entries);
  return WriteReportJson(context, "param_stats.json", json);
}

}  // namespace tools::analyze
