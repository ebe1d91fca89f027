// The cells of a grid: one trainer run each, in a deterministic order, named readably.
//
//   absl::StatusOr<std::vector<Cell>> cells = ResolveCells(grid);
//   // cells->at(0).name == "arch-postln.encoder_layers-6.seed-1.3f9a0c1e"
//   // cells->at(0).flags: the [train] flags, then each axis's, as `train` takes them
//
// ResolveCells runs every cell's flags through the trainer's own parser, so a grid naming
// an unknown flag, a bad value or an unknown plugin is rejected before anything runs, with
// the grid line that set it.
#ifndef TOOLS_SWEEP_CELL_H_
#define TOOLS_SWEEP_CELL_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/sweep/grid.h"

namespace tools::sweep {

struct Cell {
  // 0-based position in the grid's order.
  size_t index = 0;
  // (axis name, value label) per axis, in the grid's axis order.
  std::vector<std::pair<std::string, std::string>> axes;
  // Trainer flags (key, value): the [train] ones, then the axes'. No --run_dir.
  std::vector<std::pair<std::string, std::string>> flags;
  // The first 8 hex digits of the SHA-256 of the cell's resolved trainer configuration
  // (every flag with its default filled in), without where it runs (run_dir, device, threads).
  std::string hash;
  // The run directory's name: axis-label pairs joined by '.', then the hash.
  std::string name;
};

// The cartesian product of the axes, last axis fastest, with flags, but no hash or name.
std::vector<Cell> ExpandGrid(const Grid& grid);

// ExpandGrid, then each cell checked by the trainer's flag parser, hashed and named.
// InvalidArgument names the grid line (or --set) at fault.
absl::StatusOr<std::vector<Cell>> ResolveCells(const Grid& grid);

// Which of `cells` (of `grid`) the filters select: each filter "AXIS=LABEL[,LABEL...]" keeps
// the cells whose value on AXIS is one of the labels; a cell must pass every filter (sweep
// --only: a slice of a grid, sharing its run directories). InvalidArgument names an unknown
// axis or label.
absl::StatusOr<std::vector<bool>> SelectCells(const Grid& grid, const std::vector<Cell>& cells,
                                              const std::vector<std::string>& filters);

// `text` with every character outside [A-Za-z0-9._+-] replaced by '_' (directory names).
std::string SanitizeForPath(const std::string& text);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_CELL_H_
