// A metric against a numeric axis of the grid, such as the final loss against the learning
// rate: one line per setting (the mean over seeds, with the min-max band), one panel per value
// of another axis (depth), sharing one y axis. The x axis is logarithmic when the axis's values
// are log-spaced. Chosen on the command line as
//
//   --plot=x:lr,y:capped_final_loss,color:arch,panel:depth[,seeds:show][,logx:yes|no]
//
//   absl::StatusOr<AxisPlotSpec> spec = ParseAxisPlotSpec("x:lr,y:capped_final_loss,panel:depth");
//   absl::StatusOr<std::string> svg = RenderAxisPlot(records, *spec, "lr_sensitivity_cpu");
#ifndef TOOLS_SWEEP_AXIS_PLOT_H_
#define TOOLS_SWEEP_AXIS_PLOT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/sweep/run_record.h"

namespace tools::sweep {

struct AxisPlotSpec {
  // A grid axis whose value labels are all numbers.
  std::string x;
  // One of MetricNames().
  std::string y;
  // Axes whose combined values get a line each; empty: every axis but x, panel and seed.
  std::vector<std::string> color;
  // An axis with a panel per value; "": one panel.
  std::string panel;
  // Draw each run as a point beside the lines.
  bool seeds = false;
  // A logarithmic x axis; unset: when the axis's values are log-spaced.
  std::optional<bool> log_x;

  // The figure's file name stem: "<y>_vs_<x>".
  std::string Name() const { return y + "_vs_" + x; }
};

// Parses "key:value" pairs separated by commas (keys x, y, color, panel, seeds, logx; several
// color axes joined by '+'). InvalidArgument names the part at fault; the axes and the metric
// are checked against the records by RenderAxisPlot.
absl::StatusOr<AxisPlotSpec> ParseAxisPlotSpec(const std::string& text);

// InvalidArgument unless the spec's axes are among `axes` and its y is a metric.
absl::Status CheckAxisPlotSpec(const AxisPlotSpec& spec, const std::vector<std::string>& axes);

// Whether positive, sorted, distinct `values` are closer to a geometric than to an arithmetic
// progression (1e-4, 3e-4, 1e-3, ...).
bool IsLogSpaced(std::vector<double> values);

// The figure as a standalone SVG document titled "<y> vs <x> (<grid>)". Runs without a value
// (unfinished; diverged unless the metric defines one) are left out. InvalidArgument names an
// unknown axis or metric, or an x value that is not a number.
absl::StatusOr<std::string> RenderAxisPlot(const std::vector<RunRecord>& records,
                                           const AxisPlotSpec& spec, const std::string& grid);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_AXIS_PLOT_H_
