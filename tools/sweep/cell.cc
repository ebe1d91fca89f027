#include "tools/sweep/cell.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/train/train_config.h"
#include "core/util/sha256.h"
#include "core/util/status_macros.h"
#include "plugins/closest_match.h"
#include "plugins/plugin_options.h"

namespace tools::sweep {
namespace {

// Flags the sweep sets per run, not part of what a cell is.
const std::set<std::string>& PlacementFlags() {
  static const auto* flags = new std::set<std::string>{"run_dir", "device", "threads"};
  return *flags;
}

// Every key a grid may set: trainer flags and plugin options.
absl::StatusOr<std::vector<std::string>> KnownKeys() {
  std::vector<std::string> keys;
  for (const core::TrainFlagInfo& info : core::TrainFlagInfos()) keys.push_back(info.name);
  absl::StatusOr<std::map<std::string, plugins::DeclaredOption>> options =
      plugins::AllPluginOptions();
  if (!options.ok()) return options.status();
  for (const auto& [name, unused] : *options) keys.push_back(name);
  return keys;
}

// Rejects keys that `train` does not know, and run_dir (the sweep places each run).
absl::Status CheckKeys(const Grid& grid) {
  ASSIGN_OR_RETURN(std::vector<std::string> known, KnownKeys());
  auto check = [&](const std::string& key, const std::string& origin) -> absl::Status {
    if (key == "run_dir") {
      return absl::InvalidArgumentError(absl::StrCat(
          origin, ": run_dir is set by the sweep (one directory per cell under --sweep_dir)"));
    }
    if (std::find(known.begin(), known.end(), key) != known.end()) return absl::OkStatus();
    const std::string hint = plugins::ClosestMatch(key, known);
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": unknown trainer flag '", key, "'",
                     hint.empty() ? "" : absl::StrCat("; did you mean '", hint, "'?"),
                     " (train --help lists the flags, train --list_plugins the plugin options)"));
  };
  for (const GridValue& base : grid.base) {
    RETURN_IF_ERROR(check(base.key, base.origin));
  }
  for (const Axis& axis : grid.axes) {
    for (size_t k = 0; k < axis.keys.size(); ++k) {
      RETURN_IF_ERROR(check(axis.keys[k], axis.origins[k]));
    }
  }
  return absl::OkStatus();
}

// Where the flag that `message` complains about was set: the origin of the first of the
// cell's flags whose --key the message names, else of the first whose quoted value it names
// ("optimizer 'adam': --betas ..." is about --betas).
std::string OriginOfError(const Grid& grid, const Cell& cell, absl::string_view message) {
  std::map<std::string, std::string> origin;
  for (const GridValue& base : grid.base) origin[base.key] = base.origin;
  for (const Axis& axis : grid.axes) {
    for (size_t k = 0; k < axis.keys.size(); ++k) origin[axis.keys[k]] = axis.origins[k];
  }
  for (const auto& [key, value] : cell.flags) {
    if (absl::StrContains(message, absl::StrCat("--", key)) ||
        absl::StrContains(message, absl::StrCat(key, " = "))) {
      return origin[key];
    }
  }
  for (const auto& [key, value] : cell.flags) {
    if (absl::StrContains(message, absl::StrCat("'", value, "'"))) return origin[key];
  }
  return grid.path;
}

std::string AxesText(const Cell& cell) {
  return absl::StrJoin(cell.axes, ", ", absl::PairFormatter("="));
}

}  // namespace

absl::StatusOr<std::vector<bool>> SelectCells(const Grid& grid, const std::vector<Cell>& cells,
                                              const std::vector<std::string>& filters) {
  std::vector<bool> selected(cells.size(), true);
  for (const std::string& filter : filters) {
    const size_t equals = filter.find('=');
    const std::string name = filter.substr(0, equals);
    const auto axis = std::find_if(grid.axes.begin(), grid.axes.end(),
                                   [&](const Axis& a) { return a.name == name; });
    if (equals == std::string::npos || axis == grid.axes.end()) {
      std::vector<std::string> names;
      for (const Axis& a : grid.axes) names.push_back(a.name);
      const std::string hint = plugins::ClosestMatch(name, names);
      return absl::InvalidArgumentError(absl::StrCat(
          "--only=", filter, ": expected AXIS=LABEL[,LABEL...] with an axis of the grid",
          hint.empty() ? "" : absl::StrCat(" (did you mean '", hint, "'?)"), "; axes: ",
          absl::StrJoin(names, ", ")));
    }
    std::vector<std::string> labels;
    for (size_t i = 0; i < axis->size(); ++i) labels.push_back(axis->label(i));
    const std::vector<std::string> wanted = absl::StrSplit(filter.substr(equals + 1), ',');
    for (const std::string& label : wanted) {
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
        return absl::InvalidArgumentError(absl::StrCat("--only=", filter, ": '", label,
                                                       "' is not a value of axis ", name, " (",
                                                       absl::StrJoin(labels, ", "), ")"));
      }
    }
    for (size_t c = 0; c < cells.size(); ++c) {
      for (const auto& [axis_name, label] : cells[c].axes) {
        if (axis_name == name &&
            std::find(wanted.begin(), wanted.end(), label) == wanted.end()) {
          selected[c] = false;
        }
      }
    }
  }
  return selected;
}

std::string SanitizeForPath(const std::string& text) {
  std::string safe = text;
  for (char& c : safe) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '+' &&
        c != '-') {
      c = '_';
    }
  }
  return safe;
}

std::vector<Cell> ExpandGrid(const Grid& grid) {
  std::vector<Cell> cells(CellCount(grid));
  for (size_t index = 0; index < cells.size(); ++index) {
    Cell& cell = cells[index];
    cell.index = index;
    for (const GridValue& base : grid.base) cell.flags.emplace_back(base.key, base.value);
    // Mixed radix, the last axis the fastest digit.
    size_t stride = cells.size();
    for (const Axis& axis : grid.axes) {
      stride /= axis.size();
      const size_t i = (index / stride) % axis.size();
      cell.axes.emplace_back(axis.name, axis.label(i));
      for (size_t k = 0; k < axis.keys.size(); ++k) {
        if (axis.values[k][i] != kUnsetValue)
          cell.flags.emplace_back(axis.keys[k], axis.values[k][i]);
      }
    }
  }
  return cells;
}

absl::StatusOr<std::vector<Cell>> ResolveCells(const Grid& grid) {
  RETURN_IF_ERROR(CheckKeys(grid));
  std::vector<Cell> cells = ExpandGrid(grid);
  std::set<std::string> hashes;
  for (Cell& cell : cells) {
    std::vector<std::string> args;
    for (const auto& [key, value] : cell.flags) args.push_back(absl::StrCat("--", key, "=", value));
    absl::StatusOr<core::ParsedTrainConfig> parsed = core::ParseTrainConfig(args);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(OriginOfError(grid, cell, parsed.status().message()), ": in the cell ",
                       AxesText(cell), ": ", parsed.status().message()));
    }
    std::map<std::string, std::string> identity = parsed->resolved;
    for (const std::string& flag : PlacementFlags()) identity.erase(flag);
    cell.hash = core::Sha256Hex(core::FormatConfigIni(identity)).substr(0, 8);
    if (!hashes.insert(cell.hash).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          grid.path, ": two cells have the same configuration (", AxesText(cell),
          " repeats an earlier one): an axis value that sets a default twice, or a repeated "
          "value"));
    }
    std::vector<std::string> parts;
    for (const auto& [axis, label] : cell.axes) parts.push_back(absl::StrCat(axis, "-", label));
    parts.push_back(cell.hash);
    cell.name = SanitizeForPath(absl::StrJoin(parts, "."));
  }
  return cells;
}

}  // namespace tools::sweep
