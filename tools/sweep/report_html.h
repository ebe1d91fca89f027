// report.html: one self-contained page (no script, no external file) with a sweep's pivot
// table, the training and validation loss curves of every cell as inline SVG, and the
// per-cell results. Curves are grouped into one pair of charts per value of `group_by`
// and coloured by the value of `color_by`; diverged runs are dashed and marked in the
// legend. The same charts are also available alone (RenderLossCharts), for the SVG files
// the sweep writes beside the page.
//
//   ReportOptions options;
//   options.title = "paper_matrix_cpu";
//   options.group_by = "encoder_layers";
//   options.color_by = "arch";
//   absl::StatusOr<std::string> html = RenderReportHtml(records, pivot, options);
#ifndef TOOLS_SWEEP_REPORT_HTML_H_
#define TOOLS_SWEEP_REPORT_HTML_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/sweep/results_table.h"
#include "tools/sweep/run_record.h"

namespace tools::sweep {

struct ReportOptions {
  // The page's title; "": the sweep directory's name.
  std::string title;
  // An axis: one pair of charts per value. Empty: one pair for all cells.
  std::string group_by;
  // An axis: a colour per value. Empty: the first axis other than group_by.
  std::string color_by;
};

// One group's training and validation loss charts, as standalone SVG documents.
struct LossCharts {
  // The value of group_by these cells share; "" without group_by.
  std::string group;
  std::string train_svg;
  std::string valid_svg;
};

// One LossCharts per value of group_by, in order of first appearance. InvalidArgument
// names an unknown axis.
absl::StatusOr<std::vector<LossCharts>> RenderLossCharts(const std::vector<RunRecord>& records,
                                                         const ReportOptions& options);

// InvalidArgument names an unknown axis.
absl::StatusOr<std::string> RenderReportHtml(const std::vector<RunRecord>& records,
                                             const PivotTable& pivot, const ReportOptions& options);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_REPORT_HTML_H_
