// A sweep's grid: the trainer flags every cell shares, and the axes whose values vary.
//
// A grid file is INI, read with Boost.Program_options:
//
//   [sweep]
//   name = depth_vs_init          # the default sweep directory: runs/sweeps/<name>
//   [train]                       # trainer flags of every cell (any `train` flag or
//   max_updates = 500             # plugin option)
//   [axes]                        # each key is an axis: the cells are the cartesian
//   encoder_layers = 6, 18        # product of all axes, in file order, the last axis
//   seed = 1, 2                   # varying fastest
//   [zip.arch]                    # a zipped axis: these keys change together
//   label = postln, admin         # optional: names the values in cell names and tables
//   encoder_residual = post, admin
//   init = default, admin
//
// Values are separated by commas; a value that contains commas is quoted:
// `betas = "0.9,0.98", "0.9,0.999"`. The value `-` leaves the flag unset in that cell, for
// options only some plugins take (`[zip.optim] optimizer = sgd, adam` with
// `momentum = 0.9, -`). `--set key=v1,v2` on the command line replaces an
// axis's values, a [train] value, or adds an axis (ApplyOverride).
//
//   absl::StatusOr<Grid> grid = ReadGridFile("sweeps/paper_matrix_cpu.ini");
//   absl::Status status = ApplyOverride("seed=1,2,3", *grid);
#ifndef TOOLS_SWEEP_GRID_H_
#define TOOLS_SWEEP_GRID_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tools::sweep {

// An axis value that leaves its flag unset in the cell.
inline constexpr char kUnsetValue[] = "-";

// A trainer flag's value and where it was given ("grid.ini:12" or "--set lr=...").
struct GridValue {
  std::string key;
  std::string value;
  std::string origin;
};

// One axis: a single key ([axes]) or several keys that change together ([zip.NAME]).
struct Axis {
  // The key for a plain axis; NAME for [zip.NAME].
  std::string name;
  // The trainer flags the axis sets; keys[k] takes values[k][i] at the axis's value i.
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> values;
  // Where each key was given.
  std::vector<std::string> origins;
  // A [zip.NAME] section, even one of a single key.
  bool zipped = false;
  // A zip's `label` values; empty: values are named by the first key's values.
  std::vector<std::string> labels;

  size_t size() const { return values.empty() ? 0 : values[0].size(); }
  // How cell names and tables call value i.
  const std::string& label(size_t i) const { return labels.empty() ? values[0][i] : labels[i]; }
};

struct Grid {
  // The grid file ("" when built in code).
  std::string path;
  // [sweep] name; the file's stem when absent.
  std::string name;
  // [train]: flags shared by every cell.
  std::vector<GridValue> base;
  // In file order; the last varies fastest.
  std::vector<Axis> axes;
};

// Reads and checks the file's structure (sections, duplicate keys, zipped lengths, empty
// values). Trainer flags and plugin names are checked later, per cell (ResolveCells).
// Errors name the file and line.
absl::StatusOr<Grid> ReadGridFile(const std::string& path);

// Splits `v1, "v,2", v3` into values; an error names an unterminated quote or an empty value.
absl::StatusOr<std::vector<std::string>> SplitGridValues(absl::string_view text);

// Applies `--set key=v1,v2`: replaces the values of the axis or zipped key `key` (a zipped
// key keeps its group's length), or of the [train] key (several values make it an axis),
// or adds `key` as a new last axis (one value: a [train] value).
absl::Status ApplyOverride(absl::string_view assignment, Grid& grid);

// The number of cells: the product of the axes' lengths.
size_t CellCount(const Grid& grid);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_GRID_H_
