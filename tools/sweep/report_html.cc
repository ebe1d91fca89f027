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
#include "tools/sweep/lr_sensitivity.h"
#include "tools/sweep/seed_summary.h"

namespace tools::sweep {

using tools::plot::LinePlot;
using tools::plot::LineSeries;
using tools::plot::PanelFigure;
using tools::plot::RenderPanelFigure;
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

absl::Status CheckAxis(const std::string& axis, const std::vector<std::string>& axes,
                       const char* flag) {
  return axis.empty() ? absl::OkStatus() : CheckAxisNames({axis}, axes, flag);
}

// The runs drawn as one line: a setting's.
struct Setting {
  std::string label;
  std::vector<const RunRecord*> runs;
};

// The settings of the runs in `group`, in order of first appearance: one per value of
// color_by, or per combination of every axis but group_by and seed.
std::vector<Setting> SettingsOf(const std::vector<RunRecord>& records, const std::string& group,
                                const std::vector<std::string>& axes,
                                const ReportOptions& options) {
  std::vector<std::string> line_axes;
  for (const std::string& axis : axes) {
    const bool by_colour = options.color_by.empty() ? axis != options.group_by && axis != "seed"
                                                    : axis == options.color_by;
    if (by_colour) line_axes.push_back(axis);
  }
  std::vector<Setting> settings;
  for (const RunRecord& record : records) {
    if (AxisValue(record, options.group_by) != group) continue;
    std::vector<std::string> parts;
    for (const std::string& axis : line_axes) {
      parts.push_back(absl::StrCat(axis, "=", AxisValue(record, axis)));
    }
    const std::string label = absl::StrJoin(parts, ", ");
    auto setting = std::find_if(settings.begin(), settings.end(),
                                [&](const Setting& s) { return s.label == label; });
    if (setting == settings.end()) setting = settings.insert(settings.end(), {label, {}});
    setting->runs.push_back(&record);
  }
  return settings;
}

// One panel of curve figures: which curve of a run, and which value of its points.
struct CurvePanel {
  const char* title;
  const char* y_label;
  bool validation;
  double (*value)(const CurvePoint&);
  bool log_y;
};

double Loss(const CurvePoint& point) { return point.loss; }
double LearningRate(const CurvePoint& point) { return point.lr; }
double GradNorm(const CurvePoint& point) { return point.grad_norm; }

LinePlot CurvePlot(const CurvePanel& panel, const std::vector<Setting>& settings,
                   bool curves_per_run) {
  LinePlot plot;
  plot.title = panel.title;
  plot.x_label = "update";
  plot.y_label = panel.y_label;
  plot.log_y = panel.log_y;
  plot.width = 480;
  plot.height = 340;
  for (size_t i = 0; i < settings.size(); ++i) {
    const Setting& setting = settings[i];
    const std::string color = SeriesColor(static_cast<int>(i));
    std::vector<std::pair<double, double>> points;
    int diverged = 0;
    for (const RunRecord* run : setting.runs) {
      if (run->state == "diverged") ++diverged;
      LineSeries own;
      own.label = run->name;
      own.color = color;
      own.style = SeriesStyle::kMarkers;
      own.in_legend = false;
      for (const CurvePoint& point : panel.validation ? run->valid_curve : run->train_curve) {
        points.emplace_back(static_cast<double>(point.update), panel.value(point));
        own.x.push_back(static_cast<double>(point.update));
        own.y.push_back(panel.value(point));
      }
      if (curves_per_run) plot.series.push_back(own);
    }
    std::string label = setting.label;
    if (diverged > 0) absl::StrAppend(&label, " (", diverged, "/", setting.runs.size(), " diverged)");
    LineSeries mean = MeanWithBand(label, color, points);
    if (diverged == static_cast<int>(setting.runs.size())) mean.style = SeriesStyle::kDashedLine;
    plot.series.push_back(mean);
  }
  return plot;
}

std::string CurveFigure(const std::string& title, const std::vector<CurvePanel>& panels,
                        const std::vector<Setting>& settings, const ReportOptions& options,
                        bool share_y) {
  PanelFigure figure;
  figure.title = title;
  figure.columns = static_cast<int>(panels.size());
  figure.share_y = share_y;
  for (const CurvePanel& panel : panels) {
    figure.panels.push_back(CurvePlot(panel, settings, options.curves_per_run));
  }
  return RenderPanelFigure(figure);
}

}  // namespace

absl::StatusOr<std::vector<CurveFigures>> RenderCurveFigures(const std::vector<RunRecord>& records,
                                                             const ReportOptions& options) {
  const std::vector<std::string> axes = AxisNames(records);
  RETURN_IF_ERROR(CheckAxis(options.group_by, axes, "group_by"));
  RETURN_IF_ERROR(CheckAxis(options.color_by, axes, "color_by"));
  std::vector<std::string> groups;
  for (const RunRecord& record : records) {
    const std::string group = AxisValue(record, options.group_by);
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  static const std::vector<CurvePanel> kLoss = {
      {"training loss", "loss (log scale)", false, Loss, true},
      {"validation loss", "loss (log scale)", true, Loss, true}};
  static const std::vector<CurvePanel> kOptimization = {
      {"learning rate", "learning rate", false, LearningRate, false},
      {"gradient norm (before clipping)", "gradient norm (log scale)", false, GradNorm, true}};
  std::vector<CurveFigures> figures;
  for (const std::string& group : groups) {
    const std::vector<Setting> settings = SettingsOf(records, group, axes, options);
    const std::string where =
        options.group_by.empty() ? options.title
                                 : absl::StrCat(options.group_by, " = ", group, ", ", options.title);
    figures.push_back(
        {options.group_by.empty() ? "" : group,
         CurveFigure(absl::StrCat("loss (", where, "; mean over runs, band: min-max)"), kLoss,
                     settings, options, /*share_y=*/true),
         CurveFigure(absl::StrCat("optimization (", where, ")"), kOptimization, settings, options,
                     /*share_y=*/false)});
  }
  return figures;
}

absl::StatusOr<std::string> RenderReportHtml(const std::vector<RunRecord>& records,
                                             const PivotTable& pivot,
                                             const ReportOptions& options) {
  ASSIGN_OR_RETURN(const std::vector<CurveFigures> figures, RenderCurveFigures(records, options));
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
      " cells: ", Escape(absl::StrJoin(states, ", ", absl::PairFormatter(" "))),
      ". Hover a point for its values.</p>\n<h2>", Escape(pivot.value), "</h2>\n",
      PivotHtml(pivot));
  if (!options.sensitivity_axis.empty()) {
    ASSIGN_OR_RETURN(const SensitivityTable sensitivity,
                     ComputeLrSensitivity(records, options.sensitivity_axis));
    std::vector<std::vector<std::string>> rows = SensitivityRows(sensitivity);
    const std::vector<std::string> header = rows.front();
    rows.erase(rows.begin());
    absl::StrAppend(&html, "<h2>Learning-rate sensitivity over ", Escape(sensitivity.rate_axis),
                    "</h2>\n<p>", Escape(kSensitivityExplanation), "</p>\n",
                    HtmlTable(header, rows));
  }
  for (const AxisPlotSpec& plot : options.plots) {
    ASSIGN_OR_RETURN(const std::string svg, RenderAxisPlot(records, plot, options.title));
    absl::StrAppend(&html, "<h2>", Escape(plot.y), " against ", Escape(plot.x), "</h2>\n", svg);
  }
  absl::StrAppend(&html, "<h2>Curves</h2>\n<p>One line per ",
                  Escape(options.color_by.empty() ? "setting" : options.color_by),
                  ": the mean over its runs, with the band from their minimum to their maximum. "
                  "Dashed: every run diverged.</p>\n");
  for (const CurveFigures& figure : figures) {
    if (!options.group_by.empty()) {
      absl::StrAppend(&html, "<h3>", Escape(options.group_by), " = ", Escape(figure.group),
                      "</h3>\n");
    }
    absl::StrAppend(&html, "<div class=\"charts\">\n", figure.loss_svg, "\n",
                    figure.optimization_svg, "\n</div>\n");
  }
  absl::StrAppend(&html, "<h2>Cells</h2>\n", RecordsHtml(records, axes), "</body></html>\n");
  return html;
}

}  // namespace tools::sweep
