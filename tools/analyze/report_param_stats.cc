// --report=param_stats: shape, mean, std and norm of every parameter.
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/analyze/param_stats.h"
#include "tools/analyze/report_common.h"
#include "tools/plot/svg_plot.h"

namespace analysis {

absl::Status RunParamStatsReport(const ReportContext& context) {
  absl::StatusOr<core::Experiment> experiment = LoadAnalysedModel(context);
  if (!experiment.ok()) return experiment.status();
  const std::vector<ParameterStats> stats = ComputeParameterStats(*experiment->model);
  std::printf("%-52s %-12s %12s %12s %12s\n", "parameter", "shape", "mean", "std", "norm");
  std::vector<std::string> entries;
  core::BarChart chart;
  chart.title =
      absl::StrFormat("Standard deviation of each parameter (--init=%s%s)", context.config.init,
                      context.flags.checkpoint.empty() ? "" : ", from a checkpoint");
  chart.value_label = "std";
  for (const ParameterStats& s : stats) {
    const std::string shape = absl::StrJoin(s.shape, "x");
    std::printf("%-52s %-12s %12.4g %12.4g %12.4g\n", s.name.c_str(), shape.c_str(), s.mean, s.std,
                s.norm);
    entries.push_back(JsonObject()
                          .Add("name", s.name)
                          .AddJson("shape", JsonIntegers(s.shape))
                          .Add("elements", s.elements)
                          .Add("mean", s.mean)
                          .Add("std", s.std)
                          .Add("norm", s.norm)
                          .str());
    chart.labels.push_back(s.name);
    chart.values.push_back(s.std);
  }
  if (absl::Status status =
          WriteReportFile(context, "param_stats.svg", core::RenderBarChart(chart));
      !status.ok()) {
    return status;
  }
  return WriteReportFile(
      context, "param_stats.json",
      ReportHeader(context).AddJson("parameters", JsonArray(entries)).str() + "\n");
}

}  // namespace analysis
