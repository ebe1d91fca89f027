// Figure files: the SVG, with PNG and PDF copies drawn by rsvg-convert.
#include "tools/plot/figure_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/plot/svg_plot.h"

namespace tools::plot {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

TEST(FigureFileTest, WritesTheSvgWithPngAndPdfCopies) {
  if (std::system("rsvg-convert --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "rsvg-convert is not installed (tools/setup.sh installs librsvg2-bin)";
  }
  const std::string dir = ::testing::TempDir() + "/figures";
  std::filesystem::create_directories(dir);
  LinePlot plot;
  plot.title = "loss";
  LineSeries series;
  series.label = "postln";
  series.x = {1, 2, 3};
  series.y = {3, 2, 1};
  plot.series = {series};
  const std::string svg = RenderLinePlot(plot);
  ASSERT_TRUE(WriteFigure(dir + "/loss.svg", svg).ok());
  EXPECT_EQ(Read(dir + "/loss.svg"), svg);
  EXPECT_THAT(Read(dir + "/loss.png"), StartsWith("\x89PNG\r\n"));
  EXPECT_THAT(Read(dir + "/loss.pdf"), StartsWith("%PDF-"));
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().extension() == ".partial", false) << entry.path();
  }
  // Twice the SVG's 720 px width.
  const std::string png = Read(dir + "/loss.png");
  const int width = (static_cast<unsigned char>(png[18]) << 8) | static_cast<unsigned char>(png[19]);
  EXPECT_EQ(width, 1440);
}

TEST(FigureFileTest, RefusesANameThatIsNotSvgAndReportsAConverterFailure) {
  EXPECT_THAT(WriteFigure(::testing::TempDir() + "/loss.png", "<svg/>").message(),
              HasSubstr("must end in .svg"));
  if (std::system("rsvg-convert --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "rsvg-convert is not installed (tools/setup.sh installs librsvg2-bin)";
  }
  const absl::Status broken = WriteFigure(::testing::TempDir() + "/broken.svg", "not svg at all");
  EXPECT_THAT(broken.message(), HasSubstr("rsvg-convert --format png"));
  EXPECT_FALSE(std::filesystem::exists(::testing::TempDir() + "/broken.png.partial"));
}

}  // namespace
}  // namespace tools::plot
