// Grid files and cells (tools/sweep/grid.h, tools/sweep/cell.h): parsing, the cartesian and
// zipped expansion, seeds, --set overrides, cell names, and the rejection of bad grids with
// the line at fault.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tools/sweep/cell.h"
#include "tools/sweep/grid.h"

namespace tools::sweep {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string WriteGrid(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << contents;
  return path;
}

Grid ReadOrDie(const std::string& name, const std::string& contents) {
  absl::StatusOr<Grid> grid = ReadGridFile(WriteGrid(name, contents));
  EXPECT_TRUE(grid.ok()) << grid.status();
  return grid.ok() ? *grid : Grid{};
}

// The value of `key` among a cell's flags ("" when absent).
std::string FlagOf(const Cell& cell, const std::string& key) {
  for (const auto& [flag, value] : cell.flags) {
    if (flag == key) return value;
  }
  return "";
}

constexpr char kMatrix[] = R"(# depth x arch x seed
[sweep]
name = matrix
[train]
max_updates = 100   # every cell
betas = 0.9,0.98
[axes]
encoder_layers = 6, 18
[zip.arch]
label = postln, admin
encoder_residual = post, admin
init = default, admin
[axes]
seed = 1, 2, 3
)";

TEST(GridTest, ReadsSectionsInFileOrder) {
  const Grid grid = ReadOrDie("matrix.ini", kMatrix);
  EXPECT_EQ(grid.name, "matrix");
  ASSERT_EQ(grid.base.size(), 2);
  EXPECT_EQ(grid.base[0].key, "max_updates");
  EXPECT_EQ(grid.base[0].value, "100");
  EXPECT_THAT(grid.base[0].origin, HasSubstr("matrix.ini:5"));
  // A [train] value is one value, commas included; quoted or not.
  EXPECT_EQ(grid.base[1].value, "0.9,0.98");
  EXPECT_EQ(ReadOrDie("quoted.ini", "[train]\nbetas = \"0.9,0.98\"\n").base[0].value, "0.9,0.98");
  ASSERT_EQ(grid.axes.size(), 3);
  EXPECT_EQ(grid.axes[0].name, "encoder_layers");
  EXPECT_FALSE(grid.axes[0].zipped);
  EXPECT_EQ(grid.axes[1].name, "arch");
  EXPECT_TRUE(grid.axes[1].zipped);
  EXPECT_THAT(grid.axes[1].keys, ElementsAre("encoder_residual", "init"));
  EXPECT_EQ(grid.axes[1].label(1), "admin");
  EXPECT_EQ(grid.axes[2].name, "seed");
  EXPECT_EQ(CellCount(grid), 2 * 2 * 3);
}

TEST(GridTest, ExpandsTheCartesianProductLastAxisFastest) {
  const std::vector<Cell> cells = ExpandGrid(ReadOrDie("matrix.ini", kMatrix));
  ASSERT_EQ(cells.size(), 12);
  EXPECT_THAT(cells[0].axes,
              ElementsAre(Pair("encoder_layers", "6"), Pair("arch", "postln"), Pair("seed", "1")));
  EXPECT_THAT(cells[1].axes,
              ElementsAre(Pair("encoder_layers", "6"), Pair("arch", "postln"), Pair("seed", "2")));
  EXPECT_THAT(cells[3].axes,
              ElementsAre(Pair("encoder_layers", "6"), Pair("arch", "admin"), Pair("seed", "1")));
  EXPECT_THAT(cells[11].axes,
              ElementsAre(Pair("encoder_layers", "18"), Pair("arch", "admin"), Pair("seed", "3")));
  // Zipped keys change together; base flags come first.
  EXPECT_EQ(FlagOf(cells[3], "encoder_residual"), "admin");
  EXPECT_EQ(FlagOf(cells[3], "init"), "admin");
  EXPECT_EQ(FlagOf(cells[0], "encoder_residual"), "post");
  EXPECT_EQ(FlagOf(cells[0], "init"), "default");
  EXPECT_EQ(cells[5].flags.front().first, "max_updates");
  for (size_t i = 0; i < cells.size(); ++i) EXPECT_EQ(cells[i].index, i);
}

TEST(GridTest, ZipWithoutLabelIsNamedByItsFirstKey) {
  const Grid grid =
      ReadOrDie("zip.ini", "[zip.schedule]\nlr = 1e-3, 5e-4\nwarmup_updates = 10, 20\n");
  ASSERT_EQ(grid.axes.size(), 1);
  EXPECT_EQ(grid.axes[0].label(1), "5e-4");
  const std::vector<Cell> cells = ExpandGrid(grid);
  ASSERT_EQ(cells.size(), 2);
  EXPECT_EQ(FlagOf(cells[1], "warmup_updates"), "20");
}

TEST(GridTest, DashLeavesAFlagUnset) {
  const std::vector<Cell> cells =
      ExpandGrid(ReadOrDie("dash.ini", "[zip.optim]\noptimizer = sgd, adam\nmomentum = 0.9, -\n"));
  ASSERT_EQ(cells.size(), 2);
  EXPECT_EQ(FlagOf(cells[0], "momentum"), "0.9");
  EXPECT_EQ(cells[1].flags.size(), 1);
  EXPECT_EQ(FlagOf(cells[1], "optimizer"), "adam");
}

TEST(GridTest, SplitsQuotedValues) {
  absl::StatusOr<std::vector<std::string>> values =
      SplitGridValues(R"("0.9,0.98" , "0.9,0.999",plain)");
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_THAT(*values, ElementsAre("0.9,0.98", "0.9,0.999", "plain"));
  EXPECT_THAT(SplitGridValues("a,,b").status().message(), HasSubstr("empty value"));
  EXPECT_THAT(SplitGridValues("\"a,b").status().message(), HasSubstr("unterminated quote"));
  EXPECT_THAT(SplitGridValues("x\"a\"").status().message(), HasSubstr("quote inside a value"));
}

TEST(GridTest, OverridesReplaceAxesAndBaseValuesOrAddAxes) {
  Grid grid = ReadOrDie("matrix.ini", kMatrix);
  ASSERT_TRUE(ApplyOverride("seed=7", grid).ok());
  ASSERT_TRUE(ApplyOverride("max_updates=10,20", grid).ok());  // base -> new axis
  ASSERT_TRUE(ApplyOverride("lr=0.002", grid).ok());           // new base value
  ASSERT_TRUE(ApplyOverride("init=tfixup,admin", grid).ok());  // zipped, same length
  EXPECT_EQ(CellCount(grid), 2 * 2 * 1 * 2);
  const std::vector<Cell> cells = ExpandGrid(grid);
  EXPECT_EQ(FlagOf(cells[0], "seed"), "7");
  EXPECT_EQ(FlagOf(cells[0], "init"), "tfixup");
  EXPECT_EQ(FlagOf(cells[0], "lr"), "0.002");
  EXPECT_EQ(FlagOf(cells[1], "max_updates"), "20");
  EXPECT_EQ(grid.axes.back().origins[0], "--set max_updates=10,20");

  EXPECT_THAT(ApplyOverride("init=admin", grid).message(),
              HasSubstr("init is zipped in [zip.arch] with encoder_residual, init"));
  EXPECT_THAT(ApplyOverride("seed", grid).message(), HasSubstr("expected --set key=v1,v2"));
}

// The trainer's parser checks every cell; these need the plugins linked.
constexpr char kTiny[] = R"([train]
max_updates = 5
[axes]
optimizer = adam, radam
seed = 1, 2
)";

TEST(CellTest, NamesCellsReadablyAndUniquely) {
  absl::StatusOr<std::vector<Cell>> cells = ResolveCells(ReadOrDie("tiny.ini", kTiny));
  ASSERT_TRUE(cells.ok()) << cells.status();
  ASSERT_EQ(cells->size(), 4);
  std::set<std::string> names;
  for (const Cell& cell : *cells) {
    EXPECT_EQ(cell.hash.size(), 8);
    EXPECT_EQ(cell.name.substr(cell.name.size() - 9), "." + cell.hash);
    names.insert(cell.name);
  }
  EXPECT_EQ(names.size(), 4);
  EXPECT_THAT((*cells)[1].name, ::testing::StartsWith("optimizer-adam.seed-2."));
}

TEST(CellTest, HashDependsOnTheResolvedConfigurationNotOnHowItIsWritten) {
  absl::StatusOr<std::vector<Cell>> a =
      ResolveCells(ReadOrDie("a.ini", "[train]\nmax_updates = 5\n[axes]\nseed = 1\n"));
  // The same configuration: the default dropout spelled out, values written differently.
  absl::StatusOr<std::vector<Cell>> b = ResolveCells(
      ReadOrDie("b.ini", "[train]\nmax_updates = 05\ndropout = 0.1\n[axes]\nseed = 1\n"));
  absl::StatusOr<std::vector<Cell>> c =
      ResolveCells(ReadOrDie("c.ini", "[train]\nmax_updates = 6\n[axes]\nseed = 1\n"));
  // Where a run executes is not part of it.
  absl::StatusOr<std::vector<Cell>> d =
      ResolveCells(ReadOrDie("d.ini", "[train]\nmax_updates = 5\nthreads = 2\n[axes]\nseed = 1\n"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
  EXPECT_EQ((*a)[0].hash, (*b)[0].hash);
  EXPECT_NE((*a)[0].hash, (*c)[0].hash);
  EXPECT_EQ((*a)[0].hash, (*d)[0].hash);
}

TEST(CellTest, OnlySelectsASliceByAxisLabels) {
  const Grid grid = ReadOrDie("matrix.ini", kMatrix);
  absl::StatusOr<std::vector<Cell>> cells = ResolveCells(grid);
  ASSERT_TRUE(cells.ok()) << cells.status();
  ASSERT_EQ(cells->size(), 12u);
  absl::StatusOr<std::vector<bool>> selected =
      SelectCells(grid, *cells, {"arch=admin", "seed=1,3"});
  ASSERT_TRUE(selected.ok()) << selected.status();
  std::vector<std::string> names;
  for (size_t i = 0; i < cells->size(); ++i) {
    if ((*selected)[i]) names.push_back((*cells)[i].name.substr(0, (*cells)[i].name.rfind('.')));
  }
  EXPECT_THAT(names, ElementsAre("encoder_layers-6.arch-admin.seed-1",
                                 "encoder_layers-6.arch-admin.seed-3",
                                 "encoder_layers-18.arch-admin.seed-1",
                                 "encoder_layers-18.arch-admin.seed-3"));
  EXPECT_THAT(SelectCells(grid, *cells, {"archh=admin"}).status().message(),
              HasSubstr("(did you mean 'arch'?)"));
  EXPECT_THAT(SelectCells(grid, *cells, {"arch=preln"}).status().message(),
              HasSubstr("'preln' is not a value of axis arch (postln, admin)"));
}

TEST(CellTest, SanitizesNamesForDirectories) {
  EXPECT_EQ(SanitizeForPath("betas-0.9,0.98/x y"), "betas-0.9_0.98_x_y");
}

struct BadGrid {
  std::string contents;
  std::string message;
};

class BadGridTest : public ::testing::TestWithParam<BadGrid> {};

TEST_P(BadGridTest, IsRejectedWithTheLineAtFault) {
  const std::string path = WriteGrid("bad.ini", GetParam().contents);
  absl::StatusOr<Grid> grid = ReadGridFile(path);
  absl::Status status = grid.status();
  if (grid.ok()) status = ResolveCells(*grid).status();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr(path + GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Grids, BadGridTest,
    ::testing::Values(
        BadGrid{"[train]\nmax_updates = 5\n[axes]\nleraning_rate = 1, 2\n",
                ":4: unknown trainer flag 'leraning_rate'"},
        BadGrid{"[axes]\noptimizer = adam, radm\n",
                ":2: in the cell optimizer=radm: --optimizer: unknown optimizer 'radm'; "
                "did you mean 'radam'?"},
        BadGrid{"[train]\nmax_updates = 5\n\n[axes]\nencoder_layers = 2, x\n",
                ":5: in the cell encoder_layers=x: --encoder_layers"},
        BadGrid{"[train]\nlr = -1\n", ":2: in the cell : --lr must be > 0"},
        // A value the optimizer's own check refuses, found before any cell runs.
        BadGrid{"[train]\noptimizer = adam\n[axes]\nbetas = \"0.9,0.98\", \"0.9\"\n",
                ":4: in the cell betas=0.9: optimizer 'adam': --betas"},
        BadGrid{"[axes]\nseed 1, 2\n",
                ":2: the options configuration file contains an invalid line"},
        BadGrid{"[zip.arch]\nencoder_residual = post, pre\ninit = default\n",
                ":3: [zip.arch] init has 1 values but encoder_residual"},
        BadGrid{"[train]\nseed = 1\n[axes]\nseed = 1, 2\n", ":4: 'seed' is set twice"},
        BadGrid{"[train]\nrun_dir = x\n", ":2: run_dir is set by the sweep"},
        BadGrid{"[train]\nbetas = \"0.9\", \"0.98\"\n", ":2: 'betas' in [train] takes one value"},
        BadGrid{"[train]\nbetas = \"0.9,0.98\n", ":2: unterminated quote"},
        BadGrid{"[model]\nembed_dim = 64\n", ":2: 'embed_dim' in [model]"},
        BadGrid{"[axes]\nseed = 1, 1\n", ": two cells have the same configuration"}));

}  // namespace
}  // namespace tools::sweep
