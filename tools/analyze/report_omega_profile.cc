// --report=omega_profile: the shortcut scale ω of every sublayer after initialization (the
// Admin profile on the first training batch) per depth, or of a checkpoint's model.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"
#include "initializers/admin_profile.h"
#include "plugins/residual_connection.h"
#include "tools/analyze/report_common.h"
#include "tools/plot/svg_plot.h"

namespace tools::analyze {

using tools::plot::LinePlot;
using tools::plot::LineSeries;
using tools::plot::RenderLinePlot;

absl::Status RunOmegaProfileReport(const ReportContext& context) {
  std::vector<int64_t> depths = context.flags.depths;
  if (depths.empty()) depths = {context.config.model.encoder_layers};
  std::printf("%-8s %-7s %9s %9s %9s %9s  %s\n", "layers", "stack", "omega_1", "omega_2",
              "omega_last", "sublayers", "profile");
  LinePlot plot;
  plot.title = "Shortcut scale ω of each sublayer";
  plot.x_label = "sublayer i of the stack";
  plot.y_label = "ω_i (mean over channels)";
  nlohmann::ordered_json profiles = nlohmann::ordered_json::array();
  for (const int64_t depth : depths) {
    ReportContext at_depth = context;
    if (context.flags.checkpoint.empty()) {
      at_depth.config.model.encoder_layers = at_depth.config.model.decoder_layers = depth;
    }
    ASSIGN_OR_RETURN(core::Experiment experiment, LoadAnalysedModel(at_depth));
    plugins::AdminProfile profile;
    for (const core::Sublayer& sublayer : experiment.model->Sublayers()) {
      const at::Tensor omega = sublayer.residual->shortcut_scale();
      if (!omega.defined()) {
        return absl::InvalidArgumentError(
            "the model's residual mode has no shortcut scale: use "
            "--encoder_residual=admin --decoder_residual=admin (or scaled)");
      }
      (sublayer.stack == core::Stack::kEncoder ? profile.encoder : profile.decoder)
          .push_back(omega.mean().item<double>());
    }
    const int64_t encoder_layers = at_depth.config.model.encoder_layers;
    const int64_t decoder_layers = at_depth.config.model.decoder_layers;
    const std::string name =
        absl::StrFormat("profile.%dL-%dL.ratio.init", encoder_layers, decoder_layers);
    const std::string path = context.output_dir + "/" + name;
    RETURN_IF_ERROR(plugins::WriteAdminProfile(path, profile));
    for (const auto& [stack, chain] :
         {std::pair{"encoder", &profile.encoder}, std::pair{"decoder", &profile.decoder}}) {
      absl::PrintF("%-8s %-7s %9.4f %9.4f %9.4f %9d  %s\n",
                   absl::StrFormat("%dL-%dL", encoder_layers, decoder_layers), stack,
                   chain->front(), chain->size() > 1 ? (*chain)[1] : chain->front(), chain->back(),
                   chain->size(), path);
      LineSeries series;
      series.label = absl::StrFormat("%s, %dL-%dL", stack, encoder_layers, decoder_layers);
      for (size_t i = 0; i < chain->size(); ++i) {
        series.x.push_back(static_cast<double>(i + 1));
        series.y.push_back((*chain)[i]);
      }
      plot.series.push_back(series);
    }
    nlohmann::ordered_json entry;
    entry["encoder_layers"] = encoder_layers;
    entry["decoder_layers"] = decoder_layers;
    entry["file"] = name;
    entry["encoder"] = profile.encoder;
    entry["decoder"] = profile.decoder;
    profiles.push_back(std::move(entry));
  }
  RETURN_IF_ERROR(WriteReportFile(context, "omega_profile.svg", RenderLinePlot(plot)));
  nlohmann::ordered_json json = ReportHeader(context);
  json["profiles"] = std::move(profiles);
  return WriteReportJson(context, "omega_profile.json", json);
}

}  // namespace tools::analyze
