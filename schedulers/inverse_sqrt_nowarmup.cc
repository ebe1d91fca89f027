// `inverse_sqrt_nowarmup`: T-Fixup's schedule, inverse-square-root decay without warmup
// (layer6ai-labs/T-Fixup fairseq/optim/lr_scheduler/inverse_sqrt_nowarmup_schedule.py;
// docs/formulas.md §6.5):
//
//   lr(n) = lr * sqrt(D / (D + n)),   D = --decay_period (so lr / 2 at n = 3 D)
#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"
#include "plugins/lr_schedule.h"
#include "schedulers/warmup_decay.h"

namespace plugins {
namespace {

class InverseSqrtNoWarmupSchedule : public LrSchedule {
 public:
  InverseSqrtNoWarmupSchedule(double lr, int64_t decay_period)
      : lr_(lr), decay_period_(static_cast<double>(decay_period)) {}

  double LearningRate(int64_t n) const override {
    return lr_ * std::sqrt(decay_period_ / (decay_period_ + static_cast<double>(n)));
  }

 private:
  double lr_;
  double decay_period_;
};

REGISTER_LR_SCHEDULE(
    "inverse_sqrt_nowarmup", "lr*sqrt(D/(D+n)) from the first update, no warmup (T-Fixup).",
    (OptionSpecs{OptionSpec::Int("decay_period", 4000,
                                 "D, in updates, > 0: after D updates lr is lr/sqrt(2)")}),
    [](const OptionValues& options,
       const LrScheduleContext& context) -> absl::StatusOr<std::unique_ptr<LrSchedule>> {
      RETURN_IF_ERROR(CheckLr("inverse_sqrt_nowarmup", context.lr));
      const int64_t decay_period = options.GetInt("decay_period");
      if (decay_period <= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("lr_scheduler 'inverse_sqrt_nowarmup': --decay_period = ", decay_period,
                         " must be > 0"));
      }
      return std::make_unique<InverseSqrtNoWarmupSchedule>(context.lr, decay_period);
    });

}  // namespace
}  // namespace plugins
