// --report=grad_norms: ‖∂L/∂x_i‖ per sublayer, as JSON and a line plot per role.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"
#include "tools/analyze/grad_norms.h"
#include "tools/analyze/report_common.h"
#include "tools/plot/svg_plot.h"

namespace tools::analyze {

using tools::plot::LinePlot;
using tools::plot::LineSeries;
using tools::plot::RenderLinePlot;

absl::Status RunGradNormsReport(const ReportContext& context) {
  ASSIGN_OR_RETURN(core::Experiment experiment, LoadAnalysedModel(context));
  const std::vector<SublayerGradNorm> norms = MeasureGradNorms(
      *experiment.model, FirstTrainingBatch(experiment), context.config.label_smoothing);
  std::printf("%-34s %12s\n", "sublayer output", "grad norm");
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  // One plotted line per (stack, role), in order of first appearance.
  std::vector<std::string> series_names;
  std::map<std::string, LineSeries> series;
  for (const SublayerGradNorm& n : norms) {
    std::printf("%-34s %12.5g\n", n.name.c_str(), n.norm);
    nlohmann::ordered_json entry;
    entry["name"] = n.name;
    entry["stack"] = core::StackName(n.stack);
    entry["layer"] = n.layer;
    entry["role"] = core::SublayerRoleName(n.role);
    entry["norm"] = n.norm;
    entries.push_back(std::move(entry));
    const std::string key =
        absl::StrCat(core::StackName(n.stack), " ", core::SublayerRoleName(n.role));
    if (series.count(key) == 0) {
      series_names.push_back(key);
      series[key].label = key;
    }
    series[key].x.push_back(static_cast<double>(n.layer + 1));
    series[key].y.push_back(n.norm);
  }
  LinePlot plot;
  plot.title =
      absl::StrFormat("Gradient norm at each sublayer output (%s encoder, %s decoder)",
                      context.config.model.encoder_residual, context.config.model.decoder_residual);
  plot.x_label = "layer";
  plot.y_label = "‖∂L/∂x_i‖";
  plot.log_y = true;
  for (const std::string& name : series_names) plot.series.push_back(series[name]);
  RETURN_IF_ERROR(WriteReportFile(context, "grad_norms.svg", RenderLinePlot(plot)));
  nlohmann::ordered_json json = ReportHeader(context);
  json["sublayers"] = std::move(entries);
  return WriteReportJson(context, "grad_norms.json", json);
}

}  // namespace tools::analyze
