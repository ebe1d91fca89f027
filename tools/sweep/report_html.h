// report.html: one self-contained page (no script, no external file; values show on hover)
// with a sweep's pivot table, its metric-against-axis figures and learning-rate sensitivity
// when asked for, the curves of every setting as inline SVG, and the per-cell results.
// Curves come in two figures per value of `group_by`: training and validation loss (sharing
// their y axis), and learning rate and gradient norm. Each setting (its values of every axis
// but group_by and seed, or of `color_by` alone) is one line, the mean over its runs with the
// min-max band; a setting whose runs all diverged is dashed, and the legend counts diverged
// runs. The same figures are also available alone (RenderCurveFigures), for the SVG files the
// sweep writes beside the page.
//
//   ReportOptions options;
//   options.title = "paper_matrix_cpu";
//   options.group_by = "depth";
//   absl::StatusOr<std::string> html = RenderReportHtml(records, pivot, options);
#ifndef TOOLS_SWEEP_REPORT_HTML_H_
#define TOOLS_SWEEP_REPORT_HTML_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/sweep/axis_plot.h"
#include "tools/sweep/results_table.h"
#include "tools/sweep/run_record.h"

namespace tools::sweep {

struct ReportOptions {
  // The page's title and the grid named in figure titles; "": the grid's [sweep] name from
  // <sweep_dir>/grid.ini, else the sweep directory's name.
  std::string title;
  // An axis: one pair of figures per value. Empty: one pair for all cells.
  std::string group_by;
  // An axis: a line per value (the mean over every other axis but group_by). Empty: a line
  // per setting (every axis but group_by and seed).
  std::string color_by;
  // Also draw each run's own curve, thin, beside its setting's mean.
  bool curves_per_run = false;
  // Metric-against-axis figures (tools/sweep/axis_plot.h).
  std::vector<AxisPlotSpec> plots;
  // An axis of learning rates: adds the learning-rate sensitivity table; "": none.
  std::string sensitivity_axis;
};

// One group's curve figures, as standalone SVG documents.
struct CurveFigures {
  // The value of group_by these cells share; "" without group_by.
  std::string group;
  // Training and validation loss, side by side on one y axis.
  std::string loss_svg;
  // Learning rate and gradient norm.
  std::string optimization_svg;
};

// One CurveFigures per value of group_by, in order of first appearance. InvalidArgument
// names an unknown axis.
absl::StatusOr<std::vector<CurveFigures>> RenderCurveFigures(const std::vector<RunRecord>& records,
                                                             const ReportOptions& options);

// InvalidArgument names an unknown axis or metric.
absl::StatusOr<std::string> RenderReportHtml(const std::vector<RunRecord>& records,
                                             const PivotTable& pivot, const ReportOptions& options);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_REPORT_HTML_H_
