// A sweep's results as tables: one row per cell (results.csv, results.jsonl, the full
// table of results.md) and a pivot table chosen by axes (results.md, report.html).
//
//   PivotOptions pivot;
//   pivot.rows = {"arch"};
//   pivot.columns = {"encoder_layers", "optimizer"};
//   pivot.value = "test_bleu";
//   absl::StatusOr<PivotTable> table = BuildPivotTable(records, pivot);
//   std::string markdown = FormatPivotMarkdown(*table);
//
// A pivot cell aggregates every run with its row and column values (the seeds, and any
// axis in neither list): the mean ± standard deviation of the finished runs with their number
// ("21.00 ± 1.41 (n=2)"), "diverged" when all of them diverged, or the runs' state when none
// has finished. capped_final_loss counts diverged runs in its mean (at their initial loss).
#ifndef TOOLS_SWEEP_RESULTS_TABLE_H_
#define TOOLS_SWEEP_RESULTS_TABLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/sweep/run_record.h"

namespace tools::sweep {

// The per-cell metrics a table can show, in column order: updates, initial_loss,
// best_valid_loss, last_valid_loss, capped_final_loss (CappedFinalLoss), best_valid_ppl,
// last_valid_ppl, valid_bleu, test_bleu, wall_time, tokens_per_s.
const std::vector<std::string>& MetricNames();

// `metric`'s value for a run as tables and figures count it: NaN for a run that has not
// finished, for a diverged run (unless the metric defines its value, as capped_final_loss
// does) and for an unknown number. `metric` must be one of MetricNames().
double CountedMetric(const RunRecord& record, const std::string& metric);

// InvalidArgument "--FLAG: 'x' is not a metric (...)" unless `metric` is one of MetricNames().
absl::Status CheckMetricName(const std::string& metric, const std::string& flag);

// InvalidArgument "--FLAG: 'x' is not an axis of the sweep; did you mean 'y'?" for the first
// of `chosen` that is not one of `axes`.
absl::Status CheckAxisNames(const std::vector<std::string>& chosen,
                            const std::vector<std::string>& axes, const std::string& flag);

// The record's label on `axis` ("" when the record has no such axis).
std::string AxisValue(const RunRecord& record, const std::string& axis);

// The record's labels on `axes`, joined by " / " (a table's row or column label).
std::string AxisValues(const RunRecord& record, const std::vector<std::string>& axes);

// The axis names of all records, in order of first appearance.
std::vector<std::string> AxisNames(const std::vector<RunRecord>& records);

// Header: name, the axes, state, exit_reason, the metrics. Unknown numbers are empty.
std::string FormatResultsCsv(const std::vector<RunRecord>& records);
// One JSON object per cell with the same fields; unknown numbers are null.
std::string FormatResultsJsonl(const std::vector<RunRecord>& records);
// The same as a Markdown table.
std::string FormatResultsMarkdown(const std::vector<RunRecord>& records);

struct PivotOptions {
  // Axis names. Empty rows: every axis except the columns and `seed`. Empty columns: the
  // last axis other than `seed`.
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  // One of MetricNames().
  std::string value = "test_bleu";
};

struct PivotTable {
  std::vector<std::string> row_axes;
  std::vector<std::string> column_axes;
  std::string value;
  // Labels: the axis values joined by " / ", in order of first appearance.
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  // cells[row][column]: "27.31 ± 0.12 (n=3)", "diverged", "26.90 (n=1; 1/2 diverged)",
  // "pending", "".
  std::vector<std::vector<std::string>> cells;
};

// InvalidArgument names an unknown axis or metric.
absl::StatusOr<PivotTable> BuildPivotTable(const std::vector<RunRecord>& records,
                                           const PivotOptions& options);
// The table as text rows: a header (corner "rows \\ columns", then the column labels), then
// one row per row label.
std::vector<std::vector<std::string>> PivotRows(const PivotTable& table);
std::string FormatPivotMarkdown(const PivotTable& table);

// Text rows as a Markdown table, the first row its header.
std::string FormatMarkdownTable(const std::vector<std::vector<std::string>>& rows);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_RESULTS_TABLE_H_
