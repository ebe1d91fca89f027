// The SVG writer: ticks, what each figure draws, escaping, log axes, blank cells.
#include "tools/plot/svg_plot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace tools::plot {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

int Count(const std::string& text, const std::string& what) {
  int count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

TEST(NiceTicksTest, StepsOfOneTwoOrFive) {
  EXPECT_THAT(NiceTicks(0, 10, 5), ElementsAre(0, 2, 4, 6, 8, 10));
  EXPECT_THAT(NiceTicks(0, 500, 6), ElementsAre(0, 100, 200, 300, 400, 500));
  EXPECT_THAT(
      NiceTicks(-0.3, 0.3, 6),
      ElementsAre(DoubleNear(-0.3, 1e-12), DoubleNear(-0.2, 1e-12), DoubleNear(-0.1, 1e-12), 0,
                  DoubleNear(0.1, 1e-12), DoubleNear(0.2, 1e-12), DoubleNear(0.3, 1e-12)));
}

TEST(LinePlotTest, DrawsEverySeriesWithItsLegend) {
  LinePlot plot;
  plot.title = "a < b & c";
  LineSeries data;
  data.label = "post";
  data.x = {1, 2, 4};
  data.y = {10, 19, 41};
  LineSeries fit;
  fit.label = "fit";
  fit.x = {1, 4};
  fit.y = {9.5, 40.5};
  fit.style = SeriesStyle::kDashedLine;
  fit.color = "red";
  plot.series = {data, fit};
  const std::string svg = RenderLinePlot(plot);
  EXPECT_THAT(svg, StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, HasSubstr("</svg>"));
  EXPECT_THAT(svg, HasSubstr("a &lt; b &amp; c"));
  EXPECT_EQ(Count(svg, "<polyline"), 2);
  // Markers for the data only, not for the dashed fit (and one in the data's legend entry),
  // each with its values on hover.
  EXPECT_EQ(Count(svg, "<circle"), 4);
  EXPECT_THAT(svg, HasSubstr("<title>post: 4, 41</title>"));
  EXPECT_EQ(Count(svg, "stroke-dasharray"), 2);  // The fit's line and its legend entry.
  EXPECT_THAT(svg, HasSubstr("stroke=\"red\""));
  EXPECT_THAT(svg, HasSubstr(SeriesColor(0)));
  EXPECT_THAT(svg, HasSubstr(">post</text>"));
  EXPECT_THAT(svg, HasSubstr(">fit</text>"));
}

TEST(LinePlotTest, LogAxesLeaveOutNonPositiveValuesAndTickDecades) {
  LinePlot plot;
  plot.log_x = true;
  LineSeries data;
  data.label = "d";
  data.x = {0, 1, 10, 100};
  data.y = {5, 1, 2, 3};
  plot.series = {data};
  const std::string svg = RenderLinePlot(plot);
  EXPECT_EQ(Count(svg, "<circle"), 3 + 1);  // the legend's
  EXPECT_THAT(svg, HasSubstr(">100</text>"));
  EXPECT_THAT(svg, HasSubstr(">10</text>"));
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
}

// The y value of the SVG's tick labels (text anchored at the end, left of the y axis).
std::vector<std::string> YTickLabels(const std::string& svg) {
  std::vector<std::string> labels;
  const std::string marker = "text-anchor=\"end\">";
  for (size_t at = svg.find(marker); at != std::string::npos; at = svg.find(marker, at + 1)) {
    const size_t start = at + marker.size();
    labels.push_back(svg.substr(start, svg.find('<', start) - start));
  }
  return labels;
}

TEST(LinePlotTest, AReadableNumberOfTicksWithinADecadeOnALogAxis) {
  LinePlot plot;
  plot.log_y = true;
  LineSeries loss;
  loss.label = "loss";
  loss.x = {1, 2, 3};
  loss.y = {7.2, 5.1, 4.3};
  plot.series = {loss};
  EXPECT_GE(YTickLabels(RenderLinePlot(plot)).size(), 4u);
}

TEST(LinePlotTest, LongLegendsWrapBelowWithoutSqueezingThePlot) {
  LinePlot plot;
  plot.width = 400;
  for (int i = 0; i < 16; ++i) {
    LineSeries s;
    s.label = absl::StrCat("setting=postln-radam-nowarmup, seed=", i);
    s.x = {1, 2};
    s.y = {1, 2};
    plot.series.push_back(s);
  }
  const std::string svg = RenderLinePlot(plot);
  // The frame of the plot spans the width less its margins, whatever the legend.
  EXPECT_THAT(svg, HasSubstr("width=\"314.0\" height="));
  // Sixteen rows of 18 px below the 480 px plot.
  EXPECT_THAT(svg, HasSubstr("viewBox=\"0 0 400 "));
  const size_t height_at = svg.find("height=\"") + 8;
  EXPECT_GE(std::stoi(svg.substr(height_at)), 480 + 16 * 18);
}

TEST(PanelFigureTest, PanelsShareTheirYAxisAndOneLegendWithBands) {
  PanelFigure figure;
  figure.title = "final loss vs lr";
  for (const double scale : {1.0, 10.0}) {
    LinePlot panel;
    panel.title = absl::StrCat("depth ", scale);
    LineSeries mean;
    mean.label = "postln";
    mean.x = {1e-3, 1e-2};
    mean.y = {scale, 2 * scale};
    mean.band_low = {0.5 * scale, 1.5 * scale};
    mean.band_high = {1.5 * scale, 2.5 * scale};
    LineSeries seeds;
    seeds.label = "postln seeds";
    seeds.in_legend = false;
    seeds.style = SeriesStyle::kMarkers;
    seeds.x = {1e-3, 1e-3};
    seeds.y = {0.5 * scale, 1.5 * scale};
    panel.series = {mean, seeds};
    figure.panels.push_back(panel);
  }
  const std::string svg = RenderPanelFigure(figure);
  EXPECT_THAT(svg, HasSubstr(">depth 1</text>"));
  EXPECT_THAT(svg, HasSubstr(">depth 10</text>"));
  EXPECT_EQ(Count(svg, "<polygon"), 2);
  EXPECT_EQ(Count(svg, ">postln</text>"), 1);  // one legend entry for both panels
  EXPECT_EQ(Count(svg, "seeds</text>"), 0);
  EXPECT_THAT(svg, HasSubstr("<title>postln: 0.001, 10 [5, 15]</title>"));
  // Both panels tick the same y values, up to the larger panel's 25.
  const std::vector<std::string> ticks = YTickLabels(svg);
  ASSERT_EQ(ticks.size() % 2, 0u);
  const std::vector<std::string> first(ticks.begin(), ticks.begin() + ticks.size() / 2);
  const std::vector<std::string> second(ticks.begin() + ticks.size() / 2, ticks.end());
  EXPECT_EQ(first, second);
  EXPECT_THAT(first, ::testing::Contains("25"));
}

// A panel without data (a depth whose cells have not run) does not stretch the shared axis.
TEST(PanelFigureTest, AnEmptyPanelLeavesTheSharedAxisToTheOthers) {
  PanelFigure figure;
  LinePlot losses;
  losses.y_from_zero = false;
  LineSeries line;
  line.label = "postln";
  line.x = {1e-3, 1e-2};
  line.y = {6.2, 7.3};
  losses.series = {line};
  figure.panels = {losses, LinePlot()};
  const std::vector<std::string> ticks = YTickLabels(RenderPanelFigure(figure));
  ASSERT_FALSE(ticks.empty());
  EXPECT_THAT(ticks, Not(::testing::Contains("0")));
  EXPECT_THAT(ticks, ::testing::Contains("7"));
}

TEST(HeatmapTest, OneCellPerFiniteValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Heatmap heatmap;
  heatmap.values = {{1.0, nan}, {0.25, 0.75}};
  heatmap.row_labels = {"x_1", "x_2"};
  heatmap.column_labels = {"a_0", "a_1"};
  const std::string svg = RenderHeatmap(heatmap);
  EXPECT_EQ(Count(svg, "<title>"), 3);
  // The largest value is dark red, the smallest white.
  EXPECT_THAT(svg, HasSubstr("fill=\"rgb(165,0,38)\"><title>1</title>"));
  EXPECT_THAT(svg, HasSubstr("fill=\"rgb(255,255,255)\"><title>0.25</title>"));
  EXPECT_THAT(svg, HasSubstr(">0.75</text>"));
  EXPECT_THAT(svg, HasSubstr(">x_2</text>"));
  EXPECT_THAT(svg, HasSubstr(">a_1</text>"));
}

TEST(HeatmapTest, TicksAreThinnedAtAnyDepthAndTheColourBarIsLabelled) {
  Heatmap heatmap;
  for (int i = 0; i < 37; ++i) {
    heatmap.row_labels.push_back(absl::StrCat("x_", i));
    heatmap.column_labels.push_back(absl::StrCat("a_", i));
    heatmap.values.push_back(std::vector<double>(37, i / 36.0));
  }
  heatmap.value_label = "beta_ij";
  const std::string svg = RenderHeatmap(heatmap);
  // The shown column labels lie at least a label's width (4 characters) apart.
  std::vector<double> xs;
  for (int i = 0; i < 37; ++i) {
    const std::string label = absl::StrCat(">a_", i, "</text>");
    const size_t at = svg.find(label);
    if (at == std::string::npos) continue;
    const size_t x = svg.rfind("x=\"", at) + 3;
    xs.push_back(std::stod(svg.substr(x)));
  }
  ASSERT_GE(xs.size(), 4u);
  EXPECT_LT(xs.size(), 37u);
  for (size_t i = 1; i < xs.size(); ++i) EXPECT_GE(xs[i] - xs[i - 1], 4 * 6.5);
  // The colour bar: round ticks between the ends, and what it measures.
  EXPECT_THAT(svg, HasSubstr(">0.4</text>"));
  EXPECT_THAT(svg, HasSubstr(">0.6</text>"));
  EXPECT_THAT(svg, HasSubstr(">beta_ij</text>"));
}

TEST(BarChartTest, OneBarPerValue) {
  BarChart chart;
  chart.labels = {"w", "b", "g"};
  chart.values = {0.5, 0, 1};
  const std::string svg = RenderBarChart(chart);
  EXPECT_EQ(Count(svg, "<title>"), 3);
  EXPECT_THAT(svg, HasSubstr("<title>0.5</title>"));
  EXPECT_THAT(svg, HasSubstr(">g</text>"));
}

}  // namespace
}  // namespace tools::plot
