// --report=output_change: the depth scan of the output change, its fits and figures
// (output_change.svg: every mode with its better fit; output_change_logx.svg: on a log-x axis,
// the modes the logarithm fits better).
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/util/status_macros.h"
#include "tools/analyze/least_squares.h"
#include "tools/analyze/output_change.h"
#include "tools/analyze/report_common.h"
#include "tools/plot/svg_plot.h"

namespace tools::analyze {

using tools::plot::LinePlot;
using tools::plot::LineSeries;
using tools::plot::RenderLinePlot;
using tools::plot::SeriesColor;
using tools::plot::SeriesStyle;

namespace {

struct ScanRow {
  std::string mode;
  int64_t layers = 0;
  std::vector<double> values;  // one per seed
  double mean = 0;
  double std = 0;
  // The quantity is heavy-tailed over seeds: the median is what the figure and the fits use.
  double median = 0;
  double seconds = 0;
};

struct ModeFit {
  std::string mode;
  LineFit linear;
  LineFit logarithmic;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Builds the model of (depth, seed) into the experiment, ready to be measured.
using ModelMaker = std::function<absl::Status(core::Experiment&, int64_t depth, int64_t seed)>;

absl::StatusOr<ScanRow> MeasureRow(const ReportContext& context, core::Experiment& experiment,
                                   const core::BatchTensors& batch, const std::string& mode,
                                   int64_t depth, const ModelMaker& make_model) {
  const auto start = std::chrono::steady_clock::now();
  ScanRow row;
  row.mode = mode;
  row.layers = depth;
  for (int64_t s = 0; s < context.flags.seeds; ++s) {
    const int64_t seed = context.config.seed + s;
    RETURN_IF_ERROR(make_model(experiment, depth, seed));
    OutputChangeOptions options;
    options.delta = context.flags.delta;
    options.epsilon = context.flags.epsilon;
    options.seed = static_cast<uint64_t>(seed);
    options.label_smoothing = context.config.label_smoothing;
    row.values.push_back(MeasureOutputChange(*experiment.model, batch, options));
  }
  for (const double v : row.values) row.mean += v / row.values.size();
  for (const double v : row.values) row.std += (v - row.mean) * (v - row.mean) / row.values.size();
  row.std = std::sqrt(row.std);
  std::vector<double> sorted = row.values;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  row.median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  row.seconds = Seconds(start);
  std::printf("%-10s %7d %9d %14.6g %14.6g %12.4g %12.4g %8.1f\n", mode.c_str(),
              static_cast<int>(depth), static_cast<int>(2 * depth), row.median, row.mean, row.std,
              row.median / batch.source.ne(experiment.model_options.pad_id).sum().item<double>(),
              row.seconds);
  std::fflush(stdout);
  return row;
}

// Fresh models of one mode at any depth, on the batch of the base seed.
ModelMaker FreshModels(const core::TrainConfig& mode_config) {
  return [mode_config](core::Experiment& experiment, int64_t depth, int64_t seed) {
    experiment.model_options.encoder_layers = depth;
    at::manual_seed(static_cast<uint64_t>(seed));
    experiment.model = core::Transformer(experiment.model_options);
    experiment.model->to(experiment.device);
    return core::InitializeModel(experiment, mode_config, "");
  };
}

std::vector<ModeFit> Fit(const std::vector<ScanRow>& rows, const std::vector<std::string>& modes) {
  std::vector<ModeFit> fits;
  for (const std::string& mode : modes) {
    std::vector<double> x, y;
    for (const ScanRow& row : rows) {
      if (row.mode != mode) continue;
      x.push_back(static_cast<double>(row.layers));
      y.push_back(row.median);
    }
    absl::StatusOr<LineFit> linear = FitLine(x, y);
    absl::StatusOr<LineFit> logarithmic = FitLogarithm(x, y);
    if (x.size() < 3 || !linear.ok() || !logarithmic.ok()) continue;  // Nothing to judge.
    fits.push_back({mode, *linear, *logarithmic});
  }
  return fits;
}

nlohmann::ordered_json FitJson(const LineFit& fit) {
  nlohmann::ordered_json json;
  json["a"] = fit.a;
  json["b"] = fit.b;
  json["r2"] = fit.r2;
  return json;
}

std::string Figure(const std::vector<ScanRow>& rows, const std::vector<std::string>& modes,
                   const std::vector<ModeFit>& fits, const ReportContext& context, bool log_x) {
  LinePlot plot;
  plot.title = absl::StrFormat(
      "Output change of the encoder, d = %d, %s δ, ε = %g", context.config.model.embed_dim,
      context.flags.delta == DeltaKind::kRandomSign ? "random-sign" : "gradient-sign",
      context.flags.epsilon);
  plot.x_label = "encoder layers N (2N sublayers)";
  plot.y_label = absl::StrFormat("|F(x,W) − F(x,W+δ)|², median of %d seeds (band: min-max)",
                                 context.flags.seeds);
  plot.log_x = log_x;
  plot.log_y = context.flags.log_y;
  plot.width = 880;
  for (size_t m = 0; m < modes.size(); ++m) {
    // On a log-x axis, a·ln N + b is a straight line: show the modes it fits better.
    const bool logarithmic = std::any_of(fits.begin(), fits.end(), [&](const ModeFit& fit) {
      return fit.mode == modes[m] && fit.logarithmic.r2 > fit.linear.r2;
    });
    const bool any_logarithmic = std::any_of(fits.begin(), fits.end(), [](const ModeFit& fit) {
      return fit.logarithmic.r2 > fit.linear.r2;
    });
    if (log_x && any_logarithmic && !logarithmic) continue;
    LineSeries data;
    data.label = modes[m];
    data.color = SeriesColor(static_cast<int>(m));
    LineSeries seeds;
    seeds.label = absl::StrCat(modes[m], " (one seed)");
    seeds.color = data.color;
    seeds.style = SeriesStyle::kMarkers;
    seeds.in_legend = false;
    for (const ScanRow& row : rows) {
      if (row.mode != modes[m]) continue;
      data.x.push_back(static_cast<double>(row.layers));
      data.y.push_back(row.median);
      data.band_low.push_back(*std::min_element(row.values.begin(), row.values.end()));
      data.band_high.push_back(*std::max_element(row.values.begin(), row.values.end()));
      for (const double value : row.values) {
        seeds.x.push_back(static_cast<double>(row.layers));
        seeds.y.push_back(value);
      }
    }
    plot.series.push_back(data);
    plot.series.push_back(seeds);
    for (const ModeFit& fit : fits) {
      if (fit.mode != modes[m] || data.x.empty()) continue;
      const bool linear_wins = fit.linear.r2 >= fit.logarithmic.r2;
      const LineFit& best = linear_wins ? fit.linear : fit.logarithmic;
      LineSeries curve;
      curve.style = SeriesStyle::kDashedLine;
      curve.color = data.color;
      curve.label = absl::StrFormat("%.3g·%s%+.3g, R² %.3f", best.a, linear_wins ? "N" : "ln N",
                                    best.b, best.r2);
      const double low = data.x.front(), high = data.x.back();
      for (int k = 0; k <= 60; ++k) {  // Geometric steps: smooth on either x axis.
        const double n = low * std::pow(high / low, k / 60.0);
        curve.x.push_back(n);
        curve.y.push_back(best.a * (linear_wins ? n : std::log(n)) + best.b);
      }
      plot.series.push_back(curve);
    }
  }
  return RenderLinePlot(plot);
}

}  // namespace

absl::Status RunOutputChangeReport(const ReportContext& context) {
  const auto start = std::chrono::steady_clock::now();
  // Each mode: its configuration and the maker of its models; a checkpoint is one mode.
  std::vector<std::pair<core::TrainConfig, std::string>> mode_configs;
  if (context.flags.checkpoint.empty()) {
    for (const ModeSpec& mode : context.flags.modes) {
      core::TrainConfig config = context.config;
      config.model.encoder_residual = config.model.decoder_residual = mode.residual;
      config.init = mode.init;
      mode_configs.push_back({config, mode.name});
    }
  } else {
    mode_configs.push_back({context.config, "checkpoint"});
  }
  std::vector<int64_t> depths = context.flags.depths;
  if (depths.empty() || !context.flags.checkpoint.empty()) {
    depths = {context.config.model.encoder_layers};
  }
  std::printf("%-10s %7s %9s %14s %14s %12s %12s %8s\n", "mode", "layers", "sublayers",
              "median", "mean", "std(seeds)", "per token", "seconds");
  std::vector<ScanRow> rows;
  std::vector<std::string> modes;
  int64_t sentences = 0, real_tokens = 0;
  for (const auto& [config, mode] : mode_configs) {
    ASSIGN_OR_RETURN(core::Experiment experiment, core::BuildExperiment(config, false));
    const core::BatchTensors batch = FirstTrainingBatch(experiment);
    sentences = batch.source.size(0);
    real_tokens = batch.source.ne(experiment.model_options.pad_id).sum().item<int64_t>();
    const ModelMaker make_model =
        context.flags.checkpoint.empty()
            ? FreshModels(config)
            : ModelMaker([&context](core::Experiment& e, int64_t, int64_t) {
                return LoadCheckpointWeights(context.flags.checkpoint, *e.model, e.device);
              });
    modes.push_back(mode);
    for (const int64_t depth : depths) {
      absl::StatusOr<ScanRow> row = MeasureRow(context, experiment, batch, mode, depth, make_model);
      if (!row.ok()) return row.status();
      rows.push_back(*row);
    }
  }
  const std::vector<ModeFit> fits = Fit(rows, modes);
  for (const ModeFit& fit : fits) {
    std::printf("fit %-10s linear: %.4g·N %+.4g (R² %.4f)   log: %.4g·ln N %+.4g (R² %.4f)\n",
                fit.mode.c_str(), fit.linear.a, fit.linear.b, fit.linear.r2, fit.logarithmic.a,
                fit.logarithmic.b, fit.logarithmic.r2);
  }
  // The first mode against each other one at the largest depth (e.g. Post-LN / Admin).
  nlohmann::ordered_json ratios = nlohmann::ordered_json::array();
  const int64_t deepest = *std::max_element(depths.begin(), depths.end());
  const auto value_at_deepest = [&](const std::string& mode) {
    for (const ScanRow& row : rows) {
      if (row.mode == mode && row.layers == deepest) return row.median;
    }
    return std::nan("");
  };
  for (size_t m = 1; m < modes.size(); ++m) {
    const double ratio = value_at_deepest(modes[0]) / value_at_deepest(modes[m]);
    std::printf("ratio %s / %s at %d layers: %.4g\n", modes[0].c_str(), modes[m].c_str(),
                static_cast<int>(deepest), ratio);
    nlohmann::ordered_json entry;
    entry["numerator"] = modes[0];
    entry["denominator"] = modes[m];
    entry["layers"] = deepest;
    entry["ratio"] = ratio;
    ratios.push_back(std::move(entry));
  }
  const double seconds = Seconds(start);
  std::printf("total %.1f s\n", seconds);

  nlohmann::ordered_json row_json = nlohmann::ordered_json::array();
  for (const ScanRow& row : rows) {
    nlohmann::ordered_json entry;
    entry["mode"] = row.mode;
    entry["layers"] = row.layers;
    entry["sublayers"] = 2 * row.layers;
    entry["mean"] = row.mean;
    entry["std"] = row.std;
    entry["median"] = row.median;
    entry["values"] = row.values;
    entry["seconds"] = row.seconds;
    row_json.push_back(std::move(entry));
  }
  nlohmann::ordered_json fit_json = nlohmann::ordered_json::array();
  for (const ModeFit& fit : fits) {
    nlohmann::ordered_json entry;
    entry["mode"] = fit.mode;
    entry["linear"] = FitJson(fit.linear);
    entry["log"] = FitJson(fit.logarithmic);
    fit_json.push_back(std::move(entry));
  }
  nlohmann::ordered_json json = ReportHeader(context);
  json["delta"] = context.flags.delta == DeltaKind::kRandomSign ? "random_sign" : "grad_sign";
  json["epsilon"] = context.flags.epsilon;
  json["seeds"] = context.flags.seeds;
  json["batch"] = {{"sentences", sentences}, {"real_source_tokens", real_tokens}};
  json["rows"] = std::move(row_json);
  json["fits"] = std::move(fit_json);
  json["ratios"] = std::move(ratios);
  json["seconds"] = seconds;
  RETURN_IF_ERROR(WriteReportJson(context, "output_change.json", json));
  for (const auto& [name, contents] :
       {std::pair{std::string("output_change.svg"), Figure(rows, modes, fits, context, false)},
        std::pair{std::string("output_change_logx.svg"),
                  Figure(rows, modes, fits, context, true)}}) {
    RETURN_IF_ERROR(WriteReportFile(context, name, contents));
  }
  return absl::OkStatus();
}

}  // namespace tools::analyze
