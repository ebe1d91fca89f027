#include "tools/sweep/report_html.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/util/status_macros.h"
#include "tools/plot/svg_plot.h"

namespace tools::sweep {

using tools::plot::LinePlot;
using tools::plot::LineSeries;
using tools::plot::RenderLinePlot;
using tools::plot::SeriesColor;
using tools::plot::SeriesStyle;

namespace {

std::string Escape(const std::string& text) {
  return absl::StrReplaceAll(text,
                             {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}});
}

std::string HtmlTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  std::string html = "<table>\n<tr>";
  for (const std::string& cell : header) absl::StrAppend(&html, "<th>", Escape(cell), "</th>");
  absl::StrAppend(&html, "</tr>\n");
  for (const auto& row : rows) {
    absl::StrAppend(&html, "<tr>");
    for (const std::string& cell : row) {
      const bool diverged = cell.find("diverged") != std::string::npos;
      absl::StrAppend(&html, diverged ? "<td class=\"diverged\">" : "<td>", Escape(cell), "</td>");
    }
    absl::StrAppend(&html, "</tr>\n");
  }
  return html + "</table>\n";
}

std::string PivotHtml(const PivotTable& pivot) {
  std::vector<std::vector<std::string>> rows = PivotRows(pivot);
  const std::vector<std::string> header = rows.front();
  rows.erase(rows.begin());
  return HtmlTable(header, rows);
}

// The per-cell table: axes, state and the headline metrics.
std::string RecordsHtml(const std::vector<RunRecord>& records,
                        const std::vector<std::string>& axes) {
  std::vector<std::string> header = axes;
  for (const char* column : {"state", "updates", "best valid ppl", "last valid ppl", "valid BLEU",
                             "test BLEU", "wall time (s)", "tokens/s", "exit reason"}) {
    header.push_back(column);
  }
  auto number = [](double value, const char* format) {
    return std::isnan(value) ? std::string() : absl::StrFormat(format, value);
  };
  std::vector<std::vector<std::string>> rows;
  for (const RunRecord& record : records) {
    std::vector<std::string> row;
    for (const std::string& axis : axes) row.push_back(AxisValue(record, axis));
    row.push_back(record.state);
    row.push_back(absl::StrCat(record.updates));
    row.push_back(number(record.best_valid_ppl, "%.2f"));
    row.push_back(number(record.last_valid_ppl, "%.2f"));
    row.push_back(number(record.valid_bleu, "%.2f"));
    row.push_back(number(record.test_bleu, "%.2f"));
    row.push_back(number(record.wall_time, "%.0f"));
    row.push_back(number(record.tokens_per_s, "%.0f"));
    row.push_back(record.exit_reason);
    rows.push_back(row);
  }
  return HtmlTable(header, rows);
}

LineSeries Curve(const RunRecord& record, const std::vector<CurvePoint>& points,
                 const std::string& label, const std::string& color) {
  LineSeries series;
  series.label = record.state == "diverged" ? absl::StrCat(label, " (diverged)") : label;
  series.color = color;
  series.style =
      record.state == "diverged" ? SeriesStyle::kDashedLine : SeriesStyle::kLineWithMarkers;
  for (const CurvePoint& point : points) {
    series.x.push_back(static_cast<double>(point.update));
    series.y.push_back(point.loss);
  }
  return series;
}

absl::Status CheckAxis(const std::string& axis, const std::vector<std::string>& axes,
                       const char* flag) {
  if (axis.empty() || std::find(axes.begin(), axes.end(), axis) != axes.end()) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": '", axis,
                   "' is not an axis of the sweep (axes: ", absl::StrJoin(axes, ", "), ")"));
}

// The colour axis: color_by, or the first axis other than group_by.
std::string ColorAxis(const std::vector<std::string>& axes, const ReportOptions& options) {
  if (!options.color_by.empty()) return options.color_by;
  for (const std::string& axis : axes) {
    if (axis != options.group_by) return axis;
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<LossCharts>> RenderLossCharts(const std::vector<RunRecord>& records,
                                                         const ReportOptions& options) {
  const std::vector<std::string> axes = AxisNames(records);
  RETURN_IF_ERROR(CheckAxis(options.group_by, axes, "group_by"));
  RETURN_IF_ERROR(CheckAxis(options.color_by, axes, "color_by"));
  const std::string color_by = ColorAxis(axes, options);
  // Colours and groups in order of first appearance.
  std::vector<std::string> colour_values, groups;
  for (const RunRecord& record : records) {
    for (auto [list, axis] : {std::pair{&colour_values, color_by}, {&groups, options.group_by}}) {
      const std::string value = AxisValue(record, axis);
      if (std::find(list->begin(), list->end(), value) == list->end()) list->push_back(value);
    }
  }
  std::vector<LossCharts> charts;
  for (const std::string& group : groups) {
    LinePlot train, valid;
    train.title = "training loss";
    valid.title = "validation loss";
    for (LinePlot* plot : {&train, &valid}) {
      plot->x_label = "update";
      plot->y_label = "loss (log scale)";
      plot->log_y = true;
      plot->width = 640;
      plot->height = 400;
    }
    for (const RunRecord& record : records) {
      if (AxisValue(record, options.group_by) != group) continue;
      std::vector<std::string> label_parts;
      for (const auto& [axis, value] : record.axes) {
        if (axis != options.group_by) label_parts.push_back(absl::StrCat(axis, "=", value));
      }
      const std::string label = absl::StrJoin(label_parts, ", ");
      const int colour = static_cast<int>(
          std::find(colour_values.begin(), colour_values.end(), AxisValue(record, color_by)) -
          colour_values.begin());
      train.series.push_back(Curve(record, record.train_curve, label, SeriesColor(colour)));
      valid.series.push_back(Curve(record, record.valid_curve, label, SeriesColor(colour)));
    }
    charts.push_back(
        {options.group_by.empty() ? "" : group, RenderLinePlot(train), RenderLinePlot(valid)});
  }
  return charts;
}

absl::StatusOr<std::string> RenderReportHtml(const std::vector<RunRecord>& records,
                                             const PivotTable& pivot,
                                             const ReportOptions& options) {
  absl::StatusOr<std::vector<LossCharts>> charts = RenderLossCharts(records, options);
  if (!charts.ok()) return charts.status();
  const std::vector<std::string> axes = AxisNames(records);
  std::map<std::string, int> states;
  for (const RunRecord& record : records) ++states[record.state];
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", Escape(options.title),
      "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;"
      "text-align:right}th{background:#eee}td.diverged{color:#b00;font-weight:bold}"
      ".charts{display:flex;flex-wrap:wrap;gap:1em}</style></head><body>\n<h1>",
      Escape(options.title), "</h1>\n<p>", records.size(),
      " cells: ", Escape(absl::StrJoin(states, ", ", absl::PairFormatter(" "))), "</p>\n<h2>",
      Escape(pivot.value), "</h2>\n", PivotHtml(pivot),
      "<h2>Loss curves</h2>\n<p>Colour: ", Escape(ColorAxis(axes, options)),
      ". Dashed: diverged.</p>\n");
  for (const LossCharts& chart : *charts) {
    if (!options.group_by.empty()) {
      absl::StrAppend(&html, "<h3>", Escape(options.group_by), " = ", Escape(chart.group),
                      "</h3>\n");
    }
    absl::StrAppend(&html, "<div class=\"charts\">\n", chart.train_svg, "\n", chart.valid_svg,
                    "\n</div>\n");
  }
  absl::StrAppend(&html, "<h2>Cells</h2>\n", RecordsHtml(records, axes), "</body></html>\n");
  return html;
}

}  // namespace tools::sweep
