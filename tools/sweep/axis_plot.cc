#include "tools/sweep/axis_plot.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/util/status_macros.h"
#include "tools/plot/svg_plot.h"
#include "tools/sweep/results_table.h"
#include "tools/sweep/seed_summary.h"

namespace tools::sweep {
namespace {

using tools::plot::LinePlot;
using tools::plot::LineSeries;
using tools::plot::PanelFigure;
using tools::plot::SeriesColor;
using tools::plot::SeriesStyle;

absl::Status SpecError(const std::string& text, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("--plot=", text, ": ", why));
}

// The coefficient of variation of `values`: spread relative to the mean.
double Variation(const std::vector<double>& values) {
  double mean = 0;
  for (const double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double variance = 0;
  for (const double v : values) variance += (v - mean) * (v - mean);
  return std::sqrt(variance / static_cast<double>(values.size())) / std::abs(mean);
}

// Labels of `axes` in `record`, joined by ", " as "axis=value" (or the value alone for one).
std::string Labels(const RunRecord& record, const std::vector<std::string>& axes) {
  std::vector<std::string> parts;
  for (const std::string& axis : axes) {
    parts.push_back(axes.size() == 1 ? AxisValue(record, axis)
                                     : absl::StrCat(axis, "=", AxisValue(record, axis)));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

absl::StatusOr<AxisPlotSpec> ParseAxisPlotSpec(const std::string& text) {
  AxisPlotSpec spec;
  for (const absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    const std::pair<std::string, std::string> key_value = absl::StrSplit(part, absl::MaxSplits(':', 1));
    const auto& [key, value] = key_value;
    if (value.empty()) return SpecError(text, absl::StrCat("'", part, "' is not key:value"));
    if (key == "x") {
      spec.x = value;
    } else if (key == "y") {
      spec.y = value;
    } else if (key == "color") {
      spec.color = absl::StrSplit(value, '+', absl::SkipEmpty());
    } else if (key == "panel") {
      spec.panel = value;
    } else if (key == "seeds" || key == "logx") {
      if (value != "yes" && value != "no" && !(key == "seeds" && (value == "show" || value == "hide"))) {
        return SpecError(text, absl::StrCat("'", part, "': ", key, " takes yes or no"));
      }
      const bool on = value == "yes" || value == "show";
      if (key == "seeds") spec.seeds = on;
      else spec.log_x = on;
    } else {
      return SpecError(text, absl::StrCat("unknown key '", key,
                                          "' (keys: x, y, color, panel, seeds, logx)"));
    }
  }
  if (spec.x.empty() || spec.y.empty()) return SpecError(text, "x:AXIS and y:METRIC are required");
  return spec;
}

absl::Status CheckAxisPlotSpec(const AxisPlotSpec& spec, const std::vector<std::string>& axes) {
  RETURN_IF_ERROR(CheckMetricName(spec.y, "plot y"));
  RETURN_IF_ERROR(CheckAxisNames({spec.x}, axes, "plot x"));
  RETURN_IF_ERROR(CheckAxisNames(spec.color, axes, "plot color"));
  if (!spec.panel.empty()) RETURN_IF_ERROR(CheckAxisNames({spec.panel}, axes, "plot panel"));
  return absl::OkStatus();
}

bool IsLogSpaced(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (values.size() < 2 || values.front() <= 0) return false;
  if (values.size() == 2) return values[1] / values[0] >= 10;
  std::vector<double> ratios, steps;
  for (size_t i = 1; i < values.size(); ++i) {
    ratios.push_back(values[i] / values[i - 1]);
    steps.push_back(values[i] - values[i - 1]);
  }
  return Variation(ratios) < Variation(steps);
}

absl::StatusOr<std::string> RenderAxisPlot(const std::vector<RunRecord>& records,
                                           const AxisPlotSpec& spec, const std::string& grid) {
  const std::vector<std::string> axes = AxisNames(records);
  RETURN_IF_ERROR(CheckAxisPlotSpec(spec, axes));
  std::vector<std::string> color_axes = spec.color;
  if (color_axes.empty()) {
    for (const std::string& axis : axes) {
      if (axis != spec.x && axis != spec.panel && axis != "seed") color_axes.push_back(axis);
    }
  }
  // Lines and panels in order of first appearance; each line's (x, y) points per panel.
  std::vector<std::string> lines, panels;
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<double, double>>> points;
  std::vector<double> xs;
  for (const RunRecord& record : records) {
    const std::string label = AxisValue(record, spec.x);
    double x = 0;
    if (!absl::SimpleAtod(label, &x)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--plot x: the value '", label, "' of axis '", spec.x,
                       "' is not a number (cell ", record.name, ")"));
    }
    xs.push_back(x);
    const std::string line = Labels(record, color_axes);
    const std::string panel = AxisValue(record, spec.panel);
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
    if (std::find(panels.begin(), panels.end(), panel) == panels.end()) panels.push_back(panel);
    points[{line, panel}].emplace_back(x, CountedMetric(record, spec.y));
  }
  const bool log_x = spec.log_x.value_or(IsLogSpaced(xs));

  PanelFigure figure;
  figure.title = absl::StrCat(spec.y, " vs ", spec.x, " (", grid, "; lines: mean over seeds, ",
                              "band: min-max)");
  figure.columns = std::min<int>(3, static_cast<int>(panels.size()));
  for (const std::string& panel : panels) {
    LinePlot plot;
    plot.title = spec.panel.empty() ? "" : absl::StrCat(spec.panel, " = ", panel);
    plot.x_label = absl::StrCat(spec.x, log_x ? " (log scale)" : "");
    plot.y_label = spec.y;
    plot.log_x = log_x;
    plot.y_from_zero = false;
    plot.width = 460;
    plot.height = 340;
    for (size_t l = 0; l < lines.size(); ++l) {
      const std::vector<std::pair<double, double>>& line_points = points[{lines[l], panel}];
      if (line_points.empty()) continue;
      const std::string color = SeriesColor(static_cast<int>(l));
      plot.series.push_back(MeanWithBand(lines[l], color, line_points));
      if (spec.seeds) {
        LineSeries runs;
        runs.label = absl::StrCat(lines[l], " (one run)");
        runs.color = color;
        runs.style = SeriesStyle::kMarkers;
        runs.in_legend = false;
        for (const auto& [x, y] : line_points) {
          runs.x.push_back(x);
          runs.y.push_back(y);
        }
        plot.series.push_back(runs);
      }
    }
    figure.panels.push_back(plot);
  }
  return tools::plot::RenderPanelFigure(figure);
}

}  // namespace tools::sweep
