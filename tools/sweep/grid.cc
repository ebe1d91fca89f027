#include "tools/sweep/grid.h"

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/util/status_macros.h"

namespace tools::sweep {
namespace {

namespace po = boost::program_options;

constexpr absl::string_view kZipPrefix = "zip.";

// Where each `section.key` of an INI file is, and its first malformed line: Boost's parser
// gives neither, and every error must name its line.
struct LineIndex {
  std::map<std::string, int> line_of;
  int first_malformed_line = 0;
};

LineIndex IndexLines(const std::string& text) {
  LineIndex index;
  std::istringstream in(text);
  std::string section, line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view content = line;
    content = content.substr(0, content.find('#'));
    content = absl::StripAsciiWhitespace(content);
    if (content.empty()) continue;
    if (content.front() == '[' && content.back() == ']') {
      section = std::string(content.substr(1, content.size() - 2));
      continue;
    }
    const size_t equals = content.find('=');
    if (equals == absl::string_view::npos) {
      if (index.first_malformed_line == 0) index.first_malformed_line = number;
      continue;
    }
    const std::string key(absl::StripAsciiWhitespace(content.substr(0, equals)));
    index.line_of.emplace(section.empty() ? key : absl::StrCat(section, ".", key), number);
  }
  return index;
}

// Adds `key = values` to the zipped axis `name`, creating it at the end of `axes`.
absl::Status AddZippedKey(const std::string& name, const std::string& key,
                          std::vector<std::string> values, const std::string& origin,
                          std::vector<Axis>& axes) {
  auto axis = std::find_if(axes.begin(), axes.end(),
                           [&](const Axis& candidate) { return candidate.name == name; });
  if (axis == axes.end()) {
    axes.push_back(Axis{name});
    axis = axes.end() - 1;
    axis->zipped = true;
  }
  if (key == "label") {
    axis->labels = std::move(values);
  } else {
    axis->keys.push_back(key);
    axis->values.push_back(std::move(values));
    axis->origins.push_back(origin);
  }
  return absl::OkStatus();
}

// Checks that every key of a zipped axis, and its label, has as many values as the first.
absl::Status FinishZippedAxis(Axis& axis, const std::string& path) {
  if (axis.keys.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": [zip.", axis.name, "] sets no trainer flag (only a label)"));
  }
  const size_t length = axis.values[0].size();
  for (size_t k = 1; k < axis.keys.size(); ++k) {
    if (axis.values[k].size() != length) {
      return absl::InvalidArgumentError(absl::StrCat(
          axis.origins[k], ": [zip.", axis.name, "] ", axis.keys[k], " has ", axis.values[k].size(),
          " values but ", axis.keys[0], " (", axis.origins[0], ") has ", length,
          ": zipped keys change together, so they need as many values"));
    }
  }
  if (!axis.labels.empty() && axis.labels.size() != length) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": [zip.", axis.name, "] label has ",
                                                   axis.labels.size(), " values but ", axis.keys[0],
                                                   " has ", length));
  }
  return absl::OkStatus();
}

// The axis and key index that set `key`, or {nullptr, 0}.
std::pair<Axis*, size_t> FindAxisKey(Grid& grid, absl::string_view key) {
  for (Axis& axis : grid.axes) {
    for (size_t k = 0; k < axis.keys.size(); ++k) {
      if (axis.keys[k] == key) return {&axis, k};
    }
  }
  return {nullptr, 0};
}

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitGridValues(absl::string_view text) {
  std::vector<std::string> values;
  std::string current;
  bool quoted = false, was_quoted = false;
  auto finish = [&]() -> absl::Status {
    std::string value = was_quoted ? current : std::string(absl::StripAsciiWhitespace(current));
    if (value.empty() && !was_quoted) {
      return absl::InvalidArgumentError(absl::StrCat("empty value in '", text, "'"));
    }
    values.push_back(std::move(value));
    current.clear();
    was_quoted = false;
    return absl::OkStatus();
  };
  for (const char c : text) {
    if (c == '"') {
      if (!quoted && !absl::StripAsciiWhitespace(current).empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("a quote inside a value in '", text, "': quote whole values"));
      }
      if (!quoted) current.clear();
      quoted = !quoted;
      was_quoted = true;
    } else if (c == ',' && !quoted) {
      RETURN_IF_ERROR(finish());
    } else if (!(was_quoted && !quoted)) {
      current += c;
    } else if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat("text after a quoted value in '", text, "'"));
    }
  }
  if (quoted) return absl::InvalidArgumentError(absl::StrCat("unterminated quote in '", text, "'"));
  RETURN_IF_ERROR(finish());
  return values;
}

absl::StatusOr<Grid> ReadGridFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open grid file ", path));
  std::stringstream text;
  text << in.rdbuf();
  const LineIndex lines = IndexLines(text.str());
  auto origin = [&](const std::string& name) {
    auto line = lines.line_of.find(name);
    return line == lines.line_of.end() ? path : absl::StrCat(path, ":", line->second);
  };

  po::parsed_options parsed(nullptr);
  try {
    std::istringstream stream(text.str());
    parsed = po::parse_config_file(stream, po::options_description(), /*allow_unregistered=*/true);
  } catch (const po::error& error) {
    return absl::InvalidArgumentError(absl::StrCat(
        lines.first_malformed_line ? absl::StrCat(path, ":", lines.first_malformed_line) : path,
        ": ", error.what(),
        " (expected `key = value` lines under [sweep], [train], [axes] "
        "or [zip.NAME] sections)"));
  }

  Grid grid;
  grid.path = path;
  grid.name = std::filesystem::path(path).stem().string();
  std::set<std::string> seen_keys;
  for (const po::option& option : parsed.options) {
    const std::string& name = option.string_key;
    const std::string where = origin(name);
    const std::string value = option.value.empty() ? "" : option.value[0];
    const size_t dot = name.rfind('.');
    const std::string section = dot == std::string::npos ? "" : name.substr(0, dot);
    const std::string key = name.substr(dot == std::string::npos ? 0 : dot + 1);
    if (section == "sweep" && key == "name") {
      grid.name = value;
      continue;
    }
    if (section != "train" && section != "axes" && !absl::StartsWith(section, kZipPrefix)) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": '", key, "' in ",
          section.empty() ? "no section" : absl::StrCat("[", section, "]"),
          ": trainer flags go under [train], [axes] or [zip.NAME]; [sweep] takes only name"));
    }
    if (key != "label" && !seen_keys.insert(key).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": '", key, "' is set twice in the grid"));
    }
    if (section == "train") {
      // One value, commas included; a quoted one reads as in [axes].
      if (!absl::StartsWith(value, "\"")) {
        grid.base.push_back({key, value, where});
        continue;
      }
      absl::StatusOr<std::vector<std::string>> unquoted = SplitGridValues(value);
      if (!unquoted.ok())
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", unquoted.status().message()));
      if (unquoted->size() != 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": '", key, "' in [train] takes one value; values to sweep go under [axes]"));
      }
      grid.base.push_back({key, unquoted->front(), where});
      continue;
    }
    absl::StatusOr<std::vector<std::string>> values = SplitGridValues(value);
    if (!values.ok())
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", values.status().message()));
    if (section == "axes") {
      grid.axes.push_back(Axis{key, {key}, {*values}, {where}});
    } else if (absl::Status status = AddZippedKey(section.substr(kZipPrefix.size()), key,
                                                  *std::move(values), where, grid.axes);
               !status.ok()) {
      return status;
    }
  }
  for (Axis& axis : grid.axes) {
    if (!axis.zipped) continue;
    RETURN_IF_ERROR(FinishZippedAxis(axis, path));
  }
  return grid;
}

absl::Status ApplyOverride(absl::string_view assignment, Grid& grid) {
  const std::string origin = absl::StrCat("--set ", assignment);
  const size_t equals = assignment.find('=');
  if (equals == absl::string_view::npos || equals == 0) {
    return absl::InvalidArgumentError(absl::StrCat(origin, ": expected --set key=v1,v2,..."));
  }
  const std::string key(assignment.substr(0, equals));
  absl::StatusOr<std::vector<std::string>> values = SplitGridValues(assignment.substr(equals + 1));
  if (!values.ok())
    return absl::InvalidArgumentError(absl::StrCat(origin, ": ", values.status().message()));

  if (auto [axis, k] = FindAxisKey(grid, key); axis != nullptr) {
    if (axis->zipped && values->size() != axis->values[k].size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": ", key, " is zipped in [zip.", axis->name, "] with ",
                       absl::StrJoin(axis->keys, ", "), " (", axis->values[k].size(),
                       " values): give as many values, or edit the grid file"));
    }
    axis->values[k] = *values;
    axis->origins[k] = origin;
    return absl::OkStatus();
  }
  grid.base.erase(std::remove_if(grid.base.begin(), grid.base.end(),
                                 [&](const GridValue& base) { return base.key == key; }),
                  grid.base.end());
  if (values->size() == 1) {
    grid.base.push_back({key, values->front(), origin});
  } else {
    grid.axes.push_back(Axis{key, {key}, {*values}, {origin}});
  }
  return absl::OkStatus();
}

size_t CellCount(const Grid& grid) {
  size_t count = 1;
  for (const Axis& axis : grid.axes) count *= axis.size();
  return count;
}

}  // namespace tools::sweep
