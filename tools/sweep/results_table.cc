#include "tools/sweep/results_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/util/json_io.h"
#include "core/util/status_macros.h"
#include "plugins/closest_match.h"

namespace tools::sweep {
namespace {

// The per-cell metrics in column order: MetricNames() and Metric() both read this one table.
struct MetricColumn {
  const char* name;
  double (*value)(const RunRecord&);
  // Whether a diverged run has a value (it counts in means) or only a state.
  bool defined_when_diverged = false;
};

const std::vector<MetricColumn>& MetricColumns() {
  static const auto* columns = new std::vector<MetricColumn>{
      {"updates", [](const RunRecord& r) { return static_cast<double>(r.updates); }},
      {"initial_loss", [](const RunRecord& r) { return r.initial_loss; }},
      {"best_valid_loss", [](const RunRecord& r) { return r.best_valid_loss; }},
      {"last_valid_loss", [](const RunRecord& r) { return r.last_valid_loss; }},
      {"capped_final_loss", CappedFinalLoss, /*defined_when_diverged=*/true},
      {"best_valid_ppl", [](const RunRecord& r) { return r.best_valid_ppl; }},
      {"last_valid_ppl", [](const RunRecord& r) { return r.last_valid_ppl; }},
      {"valid_bleu", [](const RunRecord& r) { return r.valid_bleu; }},
      {"test_bleu", [](const RunRecord& r) { return r.test_bleu; }},
      {"wall_time", [](const RunRecord& r) { return r.wall_time; }},
      {"tokens_per_s", [](const RunRecord& r) { return r.tokens_per_s; }},
  };
  return *columns;
}

// `name` is one of MetricNames(): the callers check --value before they get here.
const MetricColumn& Column(const std::string& name) {
  for (const MetricColumn& column : MetricColumns()) {
    if (name == column.name) return column;
  }
  throw std::out_of_range("unknown metric " + name);
}

double Metric(const RunRecord& record, const std::string& name) {
  return Column(name).value(record);
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "";
  return value == std::floor(value) && std::fabs(value) < 1e15 ? absl::StrFormat("%.0f", value)
                                                               : absl::StrFormat("%.4g", value);
}

// The table's text cells: name, axes, state, exit_reason, metrics.
std::vector<std::string> Header(const std::vector<std::string>& axes) {
  std::vector<std::string> header = {"name"};
  header.insert(header.end(), axes.begin(), axes.end());
  header.push_back("state");
  header.push_back("exit_reason");
  header.insert(header.end(), MetricNames().begin(), MetricNames().end());
  return header;
}

std::vector<std::string> Row(const RunRecord& record, const std::vector<std::string>& axes) {
  std::vector<std::string> row = {record.name};
  for (const std::string& axis : axes) row.push_back(AxisValue(record, axis));
  row.push_back(record.state);
  row.push_back(record.exit_reason);
  for (const std::string& metric : MetricNames())
    row.push_back(FormatNumber(Metric(record, metric)));
  return row;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

std::string MarkdownRow(const std::vector<std::string>& cells) {
  return absl::StrCat(
      "| ",
      absl::StrJoin(cells, " | ",
                    [](std::string* out, const std::string& cell) {
                      absl::StrAppend(out, absl::StrReplaceAll(cell, {{"|", "\\|"}}));
                    }),
      " |\n");
}

std::string MarkdownTable(const std::vector<std::string>& header,
                          const std::vector<std::vector<std::string>>& rows) {
  std::string text = MarkdownRow(header);
  absl::StrAppend(&text, "|");
  for (size_t i = 0; i < header.size(); ++i) absl::StrAppend(&text, "---|");
  absl::StrAppend(&text, "\n");
  for (const auto& row : rows) absl::StrAppend(&text, MarkdownRow(row));
  return text;
}

// What a pivot cell shows for the runs that fall into it.
std::string Aggregate(const std::vector<const RunRecord*>& runs, const std::string& value) {
  if (runs.empty()) return "";
  std::vector<double> values;
  int diverged = 0;
  std::map<std::string, int> states;
  for (const RunRecord* run : runs) {
    if (const double counted = CountedMetric(*run, value); !std::isnan(counted)) {
      values.push_back(counted);
    } else if (run->state == "diverged") {
      ++diverged;
    } else {
      ++states[run->state];
    }
  }
  if (values.empty()) {
    if (diverged > 0 && states.empty()) return "diverged";
    if (diverged > 0) return absl::StrFormat("%d/%d diverged", diverged, runs.size());
    return std::max_element(states.begin(), states.end(),
                            [](const auto& a, const auto& b) { return a.second < b.second; })
        ->first;
  }
  double mean = 0;
  for (const double v : values) mean += v;
  mean /= values.size();
  std::string text = absl::StrFormat("%.2f", mean);
  if (values.size() > 1) {
    double variance = 0;
    for (const double v : values) variance += (v - mean) * (v - mean);
    absl::StrAppend(&text, absl::StrFormat(" ± %.2f", std::sqrt(variance / (values.size() - 1))));
  }
  // The number of runs behind the mean, then those left out of it.
  std::vector<std::string> notes = {absl::StrCat("n=", values.size())};
  const int unfinished = static_cast<int>(runs.size() - values.size()) - diverged;
  if (diverged > 0) notes.push_back(absl::StrFormat("%d/%d diverged", diverged, runs.size()));
  if (unfinished > 0) notes.push_back(absl::StrFormat("%d/%d unfinished", unfinished, runs.size()));
  absl::StrAppend(&text, " (", absl::StrJoin(notes, "; "), ")");
  return text;
}


}  // namespace

double CountedMetric(const RunRecord& record, const std::string& metric) {
  const MetricColumn& column = Column(metric);
  const bool counted =
      record.state == "done" || (record.state == "diverged" && column.defined_when_diverged);
  return counted ? column.value(record) : kUnknown;
}

absl::Status CheckMetricName(const std::string& metric, const std::string& flag) {
  const std::vector<std::string>& metrics = MetricNames();
  if (std::find(metrics.begin(), metrics.end(), metric) != metrics.end()) return absl::OkStatus();
  const std::string hint = plugins::ClosestMatch(metric, metrics);
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": '", metric, "' is not a metric",
                   hint.empty() ? "" : absl::StrCat("; did you mean '", hint, "'?"), " (",
                   absl::StrJoin(metrics, ", "), ")"));
}

absl::Status CheckAxisNames(const std::vector<std::string>& chosen,
                            const std::vector<std::string>& axes, const std::string& flag) {
  for (const std::string& axis : chosen) {
    if (std::find(axes.begin(), axes.end(), axis) == axes.end()) {
      const std::string hint = plugins::ClosestMatch(axis, axes);
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, ": '", axis, "' is not an axis of the sweep",
                       hint.empty() ? "" : absl::StrCat("; did you mean '", hint, "'?"),
                       " (axes: ", absl::StrJoin(axes, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

const std::vector<std::string>& MetricNames() {
  static const auto* names = [] {
    auto* names = new std::vector<std::string>;
    for (const MetricColumn& column : MetricColumns()) names->push_back(column.name);
    return names;
  }();
  return *names;
}

std::string AxisValue(const RunRecord& record, const std::string& axis) {
  for (const auto& [name, label] : record.axes) {
    if (name == axis) return label;
  }
  return "";
}

std::string AxisValues(const RunRecord& record, const std::vector<std::string>& axes) {
  std::vector<std::string> labels;
  for (const std::string& axis : axes) labels.push_back(AxisValue(record, axis));
  return absl::StrJoin(labels, " / ");
}

std::vector<std::string> AxisNames(const std::vector<RunRecord>& records) {
  std::vector<std::string> names;
  for (const RunRecord& record : records) {
    for (const auto& [axis, label] : record.axes) {
      if (std::find(names.begin(), names.end(), axis) == names.end()) names.push_back(axis);
    }
  }
  return names;
}

std::string FormatResultsCsv(const std::vector<RunRecord>& records) {
  const std::vector<std::string> axes = AxisNames(records);
  std::string csv = absl::StrCat(absl::StrJoin(Header(axes), ","), "\n");
  for (const RunRecord& record : records) {
    std::vector<std::string> fields;
    for (const std::string& field : Row(record, axes)) fields.push_back(CsvField(field));
    absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\n");
  }
  return csv;
}

std::string FormatResultsJsonl(const std::vector<RunRecord>& records) {
  const std::vector<std::string> axes = AxisNames(records);
  std::string jsonl;
  for (const RunRecord& record : records) {
    nlohmann::ordered_json line;
    line["name"] = record.name;
    for (const std::string& axis : axes) line[axis] = AxisValue(record, axis);
    line["state"] = record.state;
    line["exit_reason"] = record.exit_reason;
    line["updates"] = record.updates;
    // An unknown metric (NaN) is written as null.
    for (const std::string& metric : MetricNames()) {
      if (metric != "updates") line[metric] = Metric(record, metric);
    }
    absl::StrAppend(&jsonl, core::DumpJson(line), "\n");
  }
  return jsonl;
}

std::string FormatResultsMarkdown(const std::vector<RunRecord>& records) {
  const std::vector<std::string> axes = AxisNames(records);
  std::vector<std::vector<std::string>> rows;
  for (const RunRecord& record : records) rows.push_back(Row(record, axes));
  return MarkdownTable(Header(axes), rows);
}

absl::StatusOr<PivotTable> BuildPivotTable(const std::vector<RunRecord>& records,
                                           const PivotOptions& options) {
  RETURN_IF_ERROR(CheckMetricName(options.value, "value"));
  const std::vector<std::string> axes = AxisNames(records);
  RETURN_IF_ERROR(CheckAxisNames(options.rows, axes, "rows"));
  RETURN_IF_ERROR(CheckAxisNames(options.columns, axes, "columns"));
  PivotTable table;
  table.value = options.value;
  table.column_axes = options.columns;
  if (table.column_axes.empty()) {
    for (auto axis = axes.rbegin(); axis != axes.rend(); ++axis) {
      if (*axis != "seed") {
        table.column_axes = {*axis};
        break;
      }
    }
  }
  table.row_axes = options.rows;
  if (table.row_axes.empty()) {
    for (const std::string& axis : axes) {
      if (axis != "seed" && std::find(table.column_axes.begin(), table.column_axes.end(), axis) ==
                                table.column_axes.end()) {
        table.row_axes.push_back(axis);
      }
    }
  }
  std::map<std::pair<std::string, std::string>, std::vector<const RunRecord*>> groups;
  for (const RunRecord& record : records) {
    const std::string row = AxisValues(record, table.row_axes),
                      column = AxisValues(record, table.column_axes);
    if (std::find(table.row_labels.begin(), table.row_labels.end(), row) ==
        table.row_labels.end()) {
      table.row_labels.push_back(row);
    }
    if (std::find(table.column_labels.begin(), table.column_labels.end(), column) ==
        table.column_labels.end()) {
      table.column_labels.push_back(column);
    }
    groups[{row, column}].push_back(&record);
  }
  for (const std::string& row : table.row_labels) {
    std::vector<std::string> cells;
    for (const std::string& column : table.column_labels) {
      cells.push_back(Aggregate(groups[{row, column}], table.value));
    }
    table.cells.push_back(cells);
  }
  return table;
}

std::vector<std::vector<std::string>> PivotRows(const PivotTable& table) {
  std::vector<std::string> header = {
      absl::StrCat(table.row_axes.empty() ? "(all)" : absl::StrJoin(table.row_axes, " / "), " \\ ",
                   table.column_axes.empty() ? "(all)" : absl::StrJoin(table.column_axes, " / "))};
  header.insert(header.end(), table.column_labels.begin(), table.column_labels.end());
  std::vector<std::vector<std::string>> rows = {header};
  for (size_t r = 0; r < table.row_labels.size(); ++r) {
    std::vector<std::string> row = {table.row_labels[r]};
    row.insert(row.end(), table.cells[r].begin(), table.cells[r].end());
    rows.push_back(row);
  }
  return rows;
}

std::string FormatPivotMarkdown(const PivotTable& table) {
  return FormatMarkdownTable(PivotRows(table));
}

std::string FormatMarkdownTable(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return "";
  return MarkdownTable(rows.front(),
                       std::vector<std::vector<std::string>>(rows.begin() + 1, rows.end()));
}

}  // namespace tools::sweep
