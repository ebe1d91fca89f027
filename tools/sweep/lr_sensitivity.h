// Learning-rate sensitivity, the small-scale stability measure of Wortsman et al. (2023,
// "Small-scale proxies for large-scale Transformer training instabilities"): how far above
// its best final loss a setting ends, on average over the learning rates of a grid. An
// arrangement whose range of working rates collapses scores high; one with a wide basin low.
//
//   LRS = mean over rates r of ( L(r) - min over r of L(r) ),
//   L(r) = the mean over seeds of CappedFinalLoss at rate r
//
// (the loss is capped at the initial loss, so a diverged run counts as no progress rather than
// as an infinite loss). A setting is a combination of the values of every axis other than the
// rate axis and `seed`.
//
//   absl::StatusOr<SensitivityTable> table = ComputeLrSensitivity(records, "lr");
//   std::string markdown = FormatSensitivityMarkdown(*table);
#ifndef TOOLS_SWEEP_LR_SENSITIVITY_H_
#define TOOLS_SWEEP_LR_SENSITIVITY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/sweep/run_record.h"

namespace tools::sweep {

// One sentence on what the table shows, for the reports beside it.
inline constexpr char kSensitivityExplanation[] =
    "LR sensitivity (Wortsman et al. 2023): the mean over the rates of how far a setting's final "
    "validation loss (mean over seeds, capped at the initial loss; a diverged run counts as its "
    "initial loss) ends above its best; lower is more stable.";

struct SensitivityRow {
  // The setting's axis values, joined by " / ".
  std::string setting;
  // LRS over the rates that have a value; NaN when none has.
  double sensitivity = kUnknown;
  // The lowest L(r), and the label of its rate.
  double best_loss = kUnknown;
  std::string best_rate;
  // Rates with a value, of the rates the setting has.
  int rates = 0;
  int rates_total = 0;
  // Runs behind the values (finished or diverged), of the setting's runs.
  int runs = 0;
  int runs_total = 0;
};

struct SensitivityTable {
  std::string rate_axis;
  std::vector<std::string> setting_axes;
  std::vector<SensitivityRow> rows;
};

// One row per setting, in order of first appearance. InvalidArgument names a rate axis the
// records lack.
absl::StatusOr<SensitivityTable> ComputeLrSensitivity(const std::vector<RunRecord>& records,
                                                      const std::string& rate_axis);

// Columns: the setting, LRS, best final loss, best rate, rates, runs.
std::vector<std::vector<std::string>> SensitivityRows(const SensitivityTable& table);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_LR_SENSITIVITY_H_
