// The SVG writer: ticks, what each figure draws, escaping, log axes, blank cells.
#include "tools/plot/svg_plot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

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
  // Markers for the data only, not for the dashed fit.
  EXPECT_EQ(Count(svg, "<circle"), 3);
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
  EXPECT_EQ(Count(svg, "<circle"), 3);
  EXPECT_THAT(svg, HasSubstr(">100</text>"));
  EXPECT_THAT(svg, HasSubstr(">10</text>"));
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
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
