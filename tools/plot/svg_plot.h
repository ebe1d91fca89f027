// Self-contained SVG figures as text: line plots, heatmaps and horizontal bar charts, with
// axes, ticks, labels and a legend. No dependencies beyond Abseil (and no LibTorch), so any
// tool can draw its results into a file a browser or a Markdown page shows.
//
//   LinePlot plot;
//   plot.title = "Output change";
//   plot.x_label = "encoder layers";
//   plot.log_x = true;
//   LineSeries data;
//   data.label = "post";
//   data.x = {1, 2, 4};
//   data.y = {10, 19, 41};
//   plot.series.push_back(data);
//   absl::Status written = WriteFileAtomically("out.svg", RenderLinePlot(plot));
//
// A series without a colour takes the next colour of the palette (SeriesColor); a fit drawn
// as a dashed line usually reuses its data series' colour. The legend sits below the plot,
// wrapped into rows, so long labels never squeeze the plot; hovering a marker shows its values
// (an SVG <title>, no script). Several plots side by side with one legend and a shared y axis:
// RenderPanelFigure.
#ifndef TOOLS_PLOT_SVG_PLOT_H_
#define TOOLS_PLOT_SVG_PLOT_H_

#include <limits>
#include <string>
#include <vector>

namespace tools::plot {

enum class SeriesStyle {
  // Points joined by a solid line, with a marker at each point.
  kLineWithMarkers,
  // A dashed line without markers (fits, references).
  kDashedLine,
  // Markers only.
  kMarkers,
};

struct LineSeries {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;
  SeriesStyle style = SeriesStyle::kLineWithMarkers;
  // Any SVG colour ("#1f77b4", "red"); empty: the palette's colour for the series' index.
  std::string color;
  // A shaded band from band_low[k] to band_high[k] at x[k] (e.g. the min-max over seeds
  // around their mean); empty: none.
  std::vector<double> band_low;
  std::vector<double> band_high;
  // false: left out of the legend (e.g. individual seeds drawn beside their mean).
  bool in_legend = true;
};

struct LinePlot {
  std::string title;
  std::string x_label;
  std::string y_label;
  // Logarithmic axes: every value on them must be > 0 (others are left out of the plot).
  bool log_x = false;
  bool log_y = false;
  std::vector<LineSeries> series;
  // The plot's size without its legend, which adds rows below as it needs.
  int width = 720;
  int height = 480;
  // Whether a linear y axis of positive data starts at zero (amounts); false: it spans the data
  // (losses, whose differences matter).
  bool y_from_zero = true;
  // The y axis's range; NaN: the data's (panels of a figure share theirs).
  double y_min = std::numeric_limits<double>::quiet_NaN();
  double y_max = std::numeric_limits<double>::quiet_NaN();
};

// Plots side by side, `columns` to a row, each with its own title and axes, above one legend
// (series of the same label share an entry).
struct PanelFigure {
  std::string title;
  std::vector<LinePlot> panels;
  int columns = 3;
  // One y range for every panel, so that values compare across panels at a glance.
  bool share_y = true;
};

// A matrix of values as coloured cells (white = smallest, dark red = largest), with a
// colour bar. Cells whose value is NaN are left blank (e.g. β_{i,j} above the diagonal).
struct Heatmap {
  std::string title;
  std::string x_label;
  std::string y_label;
  // Row-major: values[row][column]; every row has column_labels.size() entries.
  std::vector<std::vector<double>> values;
  std::vector<std::string> row_labels;
  std::vector<std::string> column_labels;
  // Write each cell's value into it (readable for small matrices).
  bool annotate = true;
  // What the colours stand for, written beside the colour bar.
  std::string value_label;
};

// One bar per label, drawn horizontally (long label lists stay readable).
struct BarChart {
  std::string title;
  std::string value_label;
  std::vector<std::string> labels;
  std::vector<double> values;
  bool log_scale = false;
};

// The i-th colour of a fixed, colour-blind-friendly palette of twelve (cycles).
std::string SeriesColor(int index);

// Tick positions covering [low, high] at 1, 2 or 5 × 10^k steps (about `count` of them).
std::vector<double> NiceTicks(double low, double high, int count);

std::string RenderLinePlot(const LinePlot& plot);
std::string RenderPanelFigure(const PanelFigure& figure);
std::string RenderHeatmap(const Heatmap& heatmap);
std::string RenderBarChart(const BarChart& chart);

}  // namespace tools::plot

#endif  // TOOLS_PLOT_SVG_PLOT_H_
