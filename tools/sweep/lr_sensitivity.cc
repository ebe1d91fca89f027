#include "tools/sweep/lr_sensitivity.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/sweep/results_table.h"

namespace tools::sweep {
namespace {

// First-appearance order of a list of labels.
void AddOnce(std::vector<std::string>& list, const std::string& label) {
  if (std::find(list.begin(), list.end(), label) == list.end()) list.push_back(label);
}

}  // namespace

absl::StatusOr<SensitivityTable> ComputeLrSensitivity(const std::vector<RunRecord>& records,
                                                      const std::string& rate_axis) {
  const std::vector<std::string> axes = AxisNames(records);
  if (std::find(axes.begin(), axes.end(), rate_axis) == axes.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--sensitivity: '", rate_axis, "' is not an axis of the sweep (axes: ",
                     absl::StrJoin(axes, ", "), ")"));
  }
  SensitivityTable table;
  table.rate_axis = rate_axis;
  for (const std::string& axis : axes) {
    if (axis != rate_axis && axis != "seed") table.setting_axes.push_back(axis);
  }
  std::vector<std::string> settings;
  // setting -> rate -> the capped final losses of its runs, and its rates in order.
  std::map<std::string, std::map<std::string, std::vector<double>>> losses;
  std::map<std::string, std::vector<std::string>> rates;
  std::map<std::string, int> runs_total;
  for (const RunRecord& record : records) {
    const std::string setting = AxisValues(record, table.setting_axes);
    const std::string rate = AxisValue(record, rate_axis);
    AddOnce(settings, setting);
    AddOnce(rates[setting], rate);
    ++runs_total[setting];
    std::vector<double>& values = losses[setting][rate];
    if (const double loss = CappedFinalLoss(record); !std::isnan(loss)) values.push_back(loss);
  }
  for (const std::string& setting : settings) {
    SensitivityRow row;
    row.setting = setting;
    row.rates_total = static_cast<int>(rates[setting].size());
    row.runs_total = runs_total[setting];
    std::vector<std::pair<std::string, double>> means;
    for (const std::string& rate : rates[setting]) {
      const std::vector<double>& values = losses[setting][rate];
      if (values.empty()) continue;
      double sum = 0;
      for (const double v : values) sum += v;
      means.emplace_back(rate, sum / static_cast<double>(values.size()));
      row.runs += static_cast<int>(values.size());
    }
    row.rates = static_cast<int>(means.size());
    if (!means.empty()) {
      const auto best = std::min_element(means.begin(), means.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      });
      row.best_loss = best->second;
      row.best_rate = best->first;
      double excess = 0;
      for (const auto& [rate, mean] : means) excess += mean - row.best_loss;
      row.sensitivity = excess / static_cast<double>(means.size());
    }
    table.rows.push_back(row);
  }
  return table;
}

std::vector<std::vector<std::string>> SensitivityRows(const SensitivityTable& table) {
  std::vector<std::vector<std::string>> rows = {
      {table.setting_axes.empty() ? "setting" : absl::StrJoin(table.setting_axes, " / "),
       "LR sensitivity", "best final loss", absl::StrCat("best ", table.rate_axis),
       absl::StrCat(table.rate_axis, " values"), "runs"}};
  const auto number = [](double value) {
    return std::isnan(value) ? std::string("-") : absl::StrFormat("%.3f", value);
  };
  for (const SensitivityRow& row : table.rows) {
    rows.push_back({row.setting, number(row.sensitivity), number(row.best_loss), row.best_rate,
                    absl::StrCat(row.rates, "/", row.rates_total),
                    absl::StrCat(row.runs, "/", row.runs_total)});
  }
  return rows;
}

}  // namespace tools::sweep
