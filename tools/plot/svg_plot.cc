#include "tools/plot/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace tools::plot {
namespace {

constexpr char kFont[] = "font-family=\"sans-serif\"";

std::string Escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Text(double x, double y, const std::string& text, const std::string& attributes) {
  return absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" %s %s>%s</text>\n", x, y, kFont, attributes,
                         Escape(text));
}

std::string Line(double x1, double y1, double x2, double y2, const std::string& attributes) {
  return absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", x1, y1, x2,
                         y2, attributes);
}

std::string Header(int width, int height, const std::string& title) {
  return absl::StrCat(
      absl::StrFormat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                      "viewBox=\"0 0 %d %d\">\n",
                      width, height, width, height),
      absl::StrFormat("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height),
      Text(width / 2.0, 22, title, "font-size=\"15\" text-anchor=\"middle\""));
}

// A tick label: short, without trailing zeros.
std::string TickLabel(double value) {
  if (value != 0 && (std::abs(value) >= 1e5 || std::abs(value) < 1e-4)) {
    return absl::StrFormat("%.0e", value);
  }
  return absl::StrFormat("%.6g", value);
}

// One axis: data range to pixels, linear or log10, and its ticks.
class Axis {
 public:
  Axis(double low, double high, bool log, double pixel_low, double pixel_high)
      : log_(log), pixel_low_(pixel_low), pixel_high_(pixel_high) {
    low_ = Transform(low);
    high_ = Transform(high);
    if (!(high_ > low_)) {  // One value (or none): a unit-wide range around it.
      low_ -= 0.5;
      high_ += 0.5;
    }
  }

  double Pixel(double value) const {
    return pixel_low_ + (Transform(value) - low_) / (high_ - low_) * (pixel_high_ - pixel_low_);
  }

  std::vector<double> Ticks() const {
    if (!log_) return NiceTicks(low_, high_, 6);
    std::vector<double> ticks;
    for (const bool all_multiples : {true, false}) {
      ticks.clear();
      for (int k = static_cast<int>(std::floor(low_)); k <= static_cast<int>(std::ceil(high_));
           ++k) {
        for (const double m : {1.0, 2.0, 5.0}) {
          if (m != 1 && !all_multiples) continue;
          const double value = m * std::pow(10.0, k);
          const double t = std::log10(value);
          if (t >= low_ - 1e-9 && t <= high_ + 1e-9) ticks.push_back(value);
        }
      }
      if (ticks.size() <= 10) break;
    }
    // A range of about a decade or less holds too few of 1, 2, 5 × 10^k to read values
    // from: linear ticks instead.
    if (ticks.size() < 4) {
      ticks.clear();
      for (const double value : NiceTicks(std::pow(10.0, low_), std::pow(10.0, high_), 6)) {
        if (value > 0) ticks.push_back(value);
      }
    }
    return ticks;
  }

 private:
  double Transform(double value) const { return log_ ? std::log10(value) : value; }

  bool log_;
  double low_;
  double high_;
  double pixel_low_;
  double pixel_high_;
};

// The range of `values` usable on an axis (positive only when logarithmic).
std::pair<double, double> Range(const std::vector<const std::vector<double>*>& values, bool log) {
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const std::vector<double>* list : values) {
    for (const double v : *list) {
      if (!std::isfinite(v) || (log && v <= 0)) continue;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  if (low > high) return {log ? 1.0 : 0.0, log ? 10.0 : 1.0};
  return {low, high};
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool Usable(double x, double y, const LinePlot& plot) {
  return std::isfinite(x) && std::isfinite(y) && (!plot.log_x || x > 0) && (!plot.log_y || y > 0);
}

// Whether any series of `plot` has a point its axes can show.
bool HasData(const LinePlot& plot) {
  for (const LineSeries& s : plot.series) {
    for (size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k) {
      if (Usable(s.x[k], s.y[k], plot)) return true;
    }
  }
  return false;
}

// The plot's y range: its y_min/y_max where set, else the data's (bands included); a linear
// axis of positive data starts at zero (unless y_from_zero is false) and ends on ticks.
std::pair<double, double> YRange(const LinePlot& plot) {
  std::vector<const std::vector<double>*> ys;
  for (const LineSeries& s : plot.series) {
    for (const std::vector<double>* values : {&s.y, &s.band_low, &s.band_high}) {
      ys.push_back(values);
    }
  }
  auto [low, high] = Range(ys, plot.log_y);
  if (!plot.log_y) {
    if (low > 0 && plot.y_from_zero) low = 0;
    const std::vector<double> ticks = NiceTicks(low, high, 6);
    if (ticks.size() > 1) {
      // Widen to the ticks just outside the data.
      const double step = ticks[1] - ticks[0];
      if (ticks.front() > low) low = ticks.front() - step;
      high = std::max(high, ticks.back() < high ? ticks.back() + step : ticks.back());
    }
  }
  return {std::isnan(plot.y_min) ? low : plot.y_min, std::isnan(plot.y_max) ? high : plot.y_max};
}

std::string DashAttribute(SeriesStyle style) {
  return style == SeriesStyle::kDashedLine ? " stroke-dasharray=\"6,4\"" : "";
}

// What hovering a marker shows.
std::string HoverText(const LineSeries& s, size_t k) {
  std::string text = absl::StrCat(s.label, ": ", TickLabel(s.x[k]), ", ",
                                   absl::StrFormat("%.4g", s.y[k]));
  if (k < s.band_low.size() && k < s.band_high.size()) {
    absl::StrAppend(&text, absl::StrFormat(" [%.4g, %.4g]", s.band_low[k], s.band_high[k]));
  }
  return Escape(text);
}

// The axes, grid lines, labels, bands, lines and markers of `plot` in a plot.width ×
// plot.height box at the origin, with y spanning `y_range`.
std::string PlotArea(const LinePlot& plot, std::pair<double, double> y_range) {
  constexpr double kLeft = 70, kRight = 16, kBottom = 50;
  const double top = plot.title.empty() ? 12 : 30;
  const double right = plot.width - kRight;
  const double bottom = plot.height - kBottom;
  std::vector<const std::vector<double>*> xs;
  for (const LineSeries& s : plot.series) xs.push_back(&s.x);
  const auto [x_low, x_high] = Range(xs, plot.log_x);
  const Axis x_axis(x_low, x_high, plot.log_x, kLeft, right);
  const Axis y_axis(y_range.first, y_range.second, plot.log_y, bottom, top);

  std::string svg = Text(plot.width / 2.0, 20, plot.title, "font-size=\"13\" text-anchor=\"middle\"");
  for (const double t : x_axis.Ticks()) {
    const double px = x_axis.Pixel(t);
    absl::StrAppend(&svg, Line(px, top, px, bottom, "stroke=\"#e5e5e5\""),
                    Text(px, bottom + 16, TickLabel(t), "font-size=\"11\" text-anchor=\"middle\""));
  }
  for (const double t : y_axis.Ticks()) {
    const double py = y_axis.Pixel(t);
    absl::StrAppend(&svg, Line(kLeft, py, right, py, "stroke=\"#e5e5e5\""),
                    Text(kLeft - 6, py + 4, TickLabel(t), "font-size=\"11\" text-anchor=\"end\""));
  }
  absl::StrAppend(
      &svg,
      absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                      "stroke=\"black\"/>\n",
                      kLeft, top, right - kLeft, bottom - top),
      Text((kLeft + right) / 2, plot.height - 14, plot.x_label,
           "font-size=\"13\" text-anchor=\"middle\""),
      Text(16, (top + bottom) / 2, plot.y_label,
           absl::StrFormat("font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 16 "
                           "%.1f)\"",
                           (top + bottom) / 2)));
  // A value outside a fixed y range is drawn at the frame's edge.
  const auto y_pixel = [&](double value) {
    return std::clamp(y_axis.Pixel(value), top, bottom);
  };
  for (size_t i = 0; i < plot.series.size(); ++i) {
    const LineSeries& s = plot.series[i];
    const std::string color = s.color.empty() ? SeriesColor(static_cast<int>(i)) : s.color;
    const size_t n = std::min(s.x.size(), s.y.size());
    if (s.band_low.size() >= n && s.band_high.size() >= n && n > 0) {
      std::vector<std::string> upper, lower;
      for (size_t k = 0; k < n; ++k) {
        if (!Usable(s.x[k], s.band_low[k], plot) || !Usable(s.x[k], s.band_high[k], plot)) continue;
        upper.push_back(absl::StrFormat("%.1f,%.1f", x_axis.Pixel(s.x[k]),
                                        y_pixel(s.band_high[k])));
        lower.insert(lower.begin(), absl::StrFormat("%.1f,%.1f", x_axis.Pixel(s.x[k]),
                                                    y_pixel(s.band_low[k])));
      }
      upper.insert(upper.end(), lower.begin(), lower.end());
      absl::StrAppend(&svg, absl::StrFormat("<polygon points=\"%s\" fill=\"%s\" "
                                            "fill-opacity=\"0.18\" stroke=\"none\"/>\n",
                                            absl::StrJoin(upper, " "), color));
    }
    std::vector<std::pair<double, double>> points;
    std::vector<size_t> indices;
    for (size_t k = 0; k < n; ++k) {
      if (!Usable(s.x[k], s.y[k], plot)) continue;
      points.emplace_back(x_axis.Pixel(s.x[k]), y_pixel(s.y[k]));
      indices.push_back(k);
    }
    if (s.style != SeriesStyle::kMarkers && points.size() > 1) {
      std::vector<std::string> text;
      for (const auto& [px, py] : points) text.push_back(absl::StrFormat("%.1f,%.1f", px, py));
      absl::StrAppend(&svg, absl::StrFormat("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                                            "stroke-width=\"2\"%s><title>%s</title></polyline>\n",
                                            absl::StrJoin(text, " "), color,
                                            DashAttribute(s.style), Escape(s.label)));
    }
    if (s.style != SeriesStyle::kDashedLine) {
      // Long curves get small markers: they are there to hover, not to hide the line.
      const double radius = points.size() > 30 ? 2.0 : 3.5;
      for (size_t p = 0; p < points.size(); ++p) {
        absl::StrAppend(&svg, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
                                              "fill=\"%s\"><title>%s</title></circle>\n",
                                              points[p].first, points[p].second, radius, color,
                                              HoverText(s, indices[p])));
      }
    }
  }
  return svg;
}

struct LegendEntry {
  std::string label;
  std::string color;
  SeriesStyle style;
};

// One entry per label, in order of first appearance.
std::vector<LegendEntry> LegendEntries(const std::vector<LinePlot>& plots) {
  std::vector<LegendEntry> entries;
  for (const LinePlot& plot : plots) {
    for (size_t i = 0; i < plot.series.size(); ++i) {
      const LineSeries& s = plot.series[i];
      if (!s.in_legend || s.label.empty()) continue;
      if (std::any_of(entries.begin(), entries.end(),
                      [&](const LegendEntry& e) { return e.label == s.label; })) {
        continue;
      }
      entries.push_back(
          {s.label, s.color.empty() ? SeriesColor(static_cast<int>(i)) : s.color, s.style});
    }
  }
  return entries;
}

// The legend below the plots, from y = `top`, wrapped into rows of `width`; its height.
std::pair<std::string, double> Legend(const std::vector<LegendEntry>& entries, double width,
                                      double top) {
  constexpr double kRow = 18, kMargin = 70;
  std::string svg;
  double x = kMargin, y = top + 4;
  for (const LegendEntry& entry : entries) {
    // About 7 px a character at 12 px.
    const double entry_width = 40 + 7.0 * static_cast<double>(entry.label.size()) + 16;
    if (x > kMargin && x + entry_width > width) {
      x = kMargin;
      y += kRow;
    }
    absl::StrAppend(
        &svg,
        Line(x, y + 8, x + 28, y + 8,
             absl::StrFormat("stroke=\"%s\" stroke-width=\"2\"%s", entry.color,
                             DashAttribute(entry.style))),
        entry.style == SeriesStyle::kDashedLine
            ? ""
            : absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", x + 14,
                              y + 8, entry.color),
        Text(x + 34, y + 12, entry.label, "font-size=\"12\""));
    x += entry_width;
  }
  return {svg, entries.empty() ? 0.0 : y + kRow + 6 - top};
}

// White (0) to dark red (1).
std::string HeatColor(double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const auto channel = [fraction](double white, double dark) {
    return static_cast<int>(std::lround(white + (dark - white) * fraction));
  };
  return absl::StrFormat("rgb(%d,%d,%d)", channel(255, 165), channel(255, 0), channel(255, 38));
}

}  // namespace

std::string SeriesColor(int index) {
  // Okabe-Ito's eight, then four of Paul Tol's muted palette: twelve settings stay apart.
  static const char* const kPalette[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                         "#e69f00", "#56b4e9", "#000000", "#f0e442",
                                         "#882255", "#44aa99", "#999933", "#332288"};
  constexpr int kSize = sizeof(kPalette) / sizeof(kPalette[0]);
  return kPalette[((index % kSize) + kSize) % kSize];
}

std::vector<double> NiceTicks(double low, double high, int count) {
  if (!(high > low) || count < 1) return {low};
  const double rough = (high - low) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= rough) break;
  }
  std::vector<double> ticks;
  // Integer multiples of the step: no drift from repeated additions.
  const int64_t first = static_cast<int64_t>(std::ceil(low / step - 1e-9));
  const int64_t last = static_cast<int64_t>(std::floor(high / step + 1e-9));
  for (int64_t k = first; k <= last; ++k) ticks.push_back(static_cast<double>(k) * step);
  return ticks;
}

std::string RenderLinePlot(const LinePlot& plot) {
  PanelFigure figure;
  figure.title = plot.title;
  figure.panels = {plot};
  figure.panels[0].title.clear();  // the figure's title, once
  figure.columns = 1;
  return RenderPanelFigure(figure);
}

std::string RenderPanelFigure(const PanelFigure& figure) {
  const int columns = std::max(1, std::min<int>(figure.columns, figure.panels.size()));
  const int rows = static_cast<int>((figure.panels.size() + columns - 1) / columns);
  int panel_width = 0, panel_height = 0;
  for (const LinePlot& panel : figure.panels) {
    panel_width = std::max(panel_width, panel.width);
    panel_height = std::max(panel_height, panel.height);
  }
  const double top = figure.title.empty() ? 8 : 30;
  // Wide enough for the title (about 8 px a character at 15 px).
  const double width = std::max(static_cast<double>(panel_width) * columns,
                                8.0 * static_cast<double>(figure.title.size()) + 40);
  const double panels_bottom = top + static_cast<double>(panel_height) * rows;
  const auto [legend, legend_height] = Legend(LegendEntries(figure.panels), width, panels_bottom);
  std::string svg = Header(static_cast<int>(width),
                           static_cast<int>(std::ceil(panels_bottom + legend_height)),
                           figure.title);
  // Panels without data (cells not run yet) have a placeholder range: they follow the others.
  std::pair<double, double> shared_y = {kNaN, kNaN};
  if (figure.share_y) {
    for (const LinePlot& panel : figure.panels) {
      if (!HasData(panel)) continue;
      const auto [low, high] = YRange(panel);
      shared_y = {std::isnan(shared_y.first) ? low : std::min(shared_y.first, low),
                  std::isnan(shared_y.second) ? high : std::max(shared_y.second, high)};
    }
  }
  for (size_t i = 0; i < figure.panels.size(); ++i) {
    const double x = static_cast<double>(panel_width) * static_cast<double>(i % columns);
    const double y = top + static_cast<double>(panel_height) * static_cast<double>(i / columns);
    absl::StrAppend(&svg, absl::StrFormat("<g transform=\"translate(%.1f,%.1f)\">\n", x, y),
                    PlotArea(figure.panels[i], std::isnan(shared_y.first)
                                                   ? YRange(figure.panels[i])
                                                   : shared_y),
                    "</g>\n");
  }
  absl::StrAppend(&svg, legend, "</svg>\n");
  return svg;
}

std::string RenderHeatmap(const Heatmap& heatmap) {
  const size_t rows = heatmap.values.size();
  const size_t columns = heatmap.column_labels.size();
  const double cell = std::clamp(560.0 / std::max<size_t>({rows, columns, 1}), 6.0, 44.0);
  constexpr double kLeft = 80, kTop = 40;
  const double right = kLeft + cell * static_cast<double>(columns);
  const double bottom = kTop + cell * static_cast<double>(rows);
  const int width = static_cast<int>(right + 110);
  const int height = static_cast<int>(bottom + 60);

  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const std::vector<double>& row : heatmap.values) {
    for (const double v : row) {
      if (!std::isfinite(v)) continue;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  if (low > high) low = high = 0;
  const auto fraction = [&](double v) { return high > low ? (v - low) / (high - low) : 0.0; };
  const bool annotate = heatmap.annotate && cell >= 24;
  // Tick labels never overlap: every k-th one, k enough for the longest label (about 6.5 px a
  // character at 11 px) across the columns and for the text height down the rows.
  size_t longest = 1;
  for (const std::string& label : heatmap.column_labels) longest = std::max(longest, label.size());
  const size_t column_every =
      static_cast<size_t>(std::ceil((6.5 * static_cast<double>(longest) + 4) / cell));
  const size_t row_every = static_cast<size_t>(std::ceil(13 / cell));
  std::string svg = Header(width, height, heatmap.title);
  for (size_t r = 0; r < rows; ++r) {
    const double y = kTop + cell * static_cast<double>(r);
    if (r % row_every == 0 && r < heatmap.row_labels.size()) {
      absl::StrAppend(&svg, Text(kLeft - 6, y + cell / 2 + 4, heatmap.row_labels[r],
                                 "font-size=\"11\" text-anchor=\"end\""));
    }
    for (size_t c = 0; c < std::min(columns, heatmap.values[r].size()); ++c) {
      const double v = heatmap.values[r][c];
      if (!std::isfinite(v)) continue;
      const double x = kLeft + cell * static_cast<double>(c);
      absl::StrAppend(
          &svg,
          absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                          "height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>\n",
                          x, y, cell, cell, HeatColor(fraction(v)), absl::StrFormat("%.4g", v)));
      if (annotate) {
        absl::StrAppend(&svg,
                        Text(x + cell / 2, y + cell / 2 + 3, absl::StrFormat("%.2f", v),
                             absl::StrFormat("font-size=\"9\" text-anchor=\"middle\" fill=\"%s\"",
                                             fraction(v) > 0.6 ? "white" : "black")));
      }
    }
  }
  for (size_t c = 0; c < columns; c += column_every) {
    absl::StrAppend(&svg,
                    Text(kLeft + cell * (static_cast<double>(c) + 0.5), bottom + 14,
                         heatmap.column_labels[c], "font-size=\"11\" text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg,
                  Text((kLeft + right) / 2, bottom + 40, heatmap.x_label,
                       "font-size=\"13\" text-anchor=\"middle\""),
                  Text(16, (kTop + bottom) / 2, heatmap.y_label,
                       absl::StrFormat("font-size=\"13\" text-anchor=\"middle\" "
                                       "transform=\"rotate(-90 16 %.1f)\"",
                                       (kTop + bottom) / 2)));
  // The colour bar: ten steps from the smallest to the largest value, ticked at round values,
  // with what the colours stand for beside it.
  constexpr int kSteps = 10;
  const double bar_height = (bottom - kTop) / kSteps;
  for (int s = 0; s < kSteps; ++s) {
    absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" "
                                          "height=\"%.1f\" fill=\"%s\"/>\n",
                                          right + 20, kTop + bar_height * s, bar_height + 0.5,
                                          HeatColor(1.0 - (s + 0.5) / kSteps)));
  }
  std::vector<double> ticks = {low, high};
  if (high > low) ticks = NiceTicks(low, high, 5);
  for (const double t : ticks) {
    const double y = bottom - (high > low ? (t - low) / (high - low) : 0) * (bottom - kTop);
    absl::StrAppend(&svg, Line(right + 36, y, right + 40, y, "stroke=\"black\""),
                    Text(right + 43, y + 4, TickLabel(t), "font-size=\"11\""));
  }
  absl::StrAppend(&svg,
                  Text(right + 92, (kTop + bottom) / 2, heatmap.value_label,
                       absl::StrFormat("font-size=\"12\" text-anchor=\"middle\" "
                                       "transform=\"rotate(90 %.1f %.1f)\"",
                                       right + 92, (kTop + bottom) / 2)),
                  "</svg>\n");
  return svg;
}

std::string RenderBarChart(const BarChart& chart) {
  constexpr double kLeft = 330, kTop = 40, kBar = 14, kWidth = 420;
  const double bottom = kTop + kBar * static_cast<double>(chart.labels.size());
  const int width = static_cast<int>(kLeft + kWidth + 30);
  const int height = static_cast<int>(bottom + 55);
  const auto [low, high] = Range({&chart.values}, chart.log_scale);
  const Axis axis(chart.log_scale ? low : std::min(0.0, low), high, chart.log_scale, kLeft,
                  kLeft + kWidth);
  const double base = chart.log_scale ? kLeft : axis.Pixel(0);

  std::string svg = Header(width, height, chart.title);
  for (const double t : axis.Ticks()) {
    const double px = axis.Pixel(t);
    absl::StrAppend(&svg, Line(px, kTop, px, bottom, "stroke=\"#e5e5e5\""),
                    Text(px, bottom + 16, TickLabel(t), "font-size=\"11\" text-anchor=\"middle\""));
  }
  for (size_t i = 0; i < chart.labels.size() && i < chart.values.size(); ++i) {
    const double y = kTop + kBar * static_cast<double>(i);
    const double v = chart.values[i];
    absl::StrAppend(&svg, Text(kLeft - 6, y + kBar - 3, chart.labels[i],
                               "font-size=\"10\" text-anchor=\"end\""));
    if (!std::isfinite(v) || (chart.log_scale && v <= 0)) continue;
    const double end = axis.Pixel(v);
    absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                                          "height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>\n",
                                          std::min(base, end), y + 1, std::abs(end - base),
                                          kBar - 2, SeriesColor(0), absl::StrFormat("%.4g", v)));
  }
  absl::StrAppend(&svg,
                  Text(kLeft + kWidth / 2, height - 14, chart.value_label,
                       "font-size=\"13\" text-anchor=\"middle\""),
                  "</svg>\n");
  return svg;
}

}  // namespace tools::plot
