// `inverse_sqrt`: fairseq's warmup then inverse-square-root decay
// (fairseq/optim/lr_scheduler/inverse_square_root_schedule.py), as used by every
// Post-LN / Pre-LN / Admin run of the paper (docs/formulas.md §6.2).
//
//   n <  W: lr(n) = warmup_init_lr + n * (lr - warmup_init_lr) / W
//   n >= W: lr(n) = lr * sqrt(W) / sqrt(n)
#include <cmath>
#include <memory>
#include <utility>

#include "plugins/lr_schedule.h"
#include "schedulers/warmup_decay.h"

namespace plugins {
namespace {

class InverseSqrtSchedule : public LrSchedule {
 public:
  InverseSqrtSchedule(double lr, LinearWarmup warmup) : lr_(lr), warmup_(std::move(warmup)) {}

  double LearningRate(int64_t n) const override {
    if (warmup_.Covers(n)) return warmup_.LearningRate(n);
    // With no warmup fairseq's decay factor is lr * sqrt(0) = 0 for n >= 1; keeping
    // lr until the first update and decaying as lr / sqrt(n) after is what users mean.
    if (warmup_.updates() == 0) return n == 0 ? lr_ : lr_ / std::sqrt(static_cast<double>(n));
    return lr_ * std::sqrt(static_cast<double>(warmup_.updates()) / static_cast<double>(n));
  }

 private:
  double lr_;
  LinearWarmup warmup_;
};

REGISTER_LR_SCHEDULE(
    "inverse_sqrt", "Linear warmup to --lr, then lr*sqrt(W/n) (fairseq inverse_sqrt).",
    (OptionSpecs{WarmupUpdatesOption(4000), WarmupInitLrOption(WarmupStart::kZero)}),
    [](const OptionValues& options,
       const LrScheduleContext& context) -> absl::StatusOr<std::unique_ptr<LrSchedule>> {
      absl::StatusOr<LinearWarmup> warmup =
          ReadWarmup("inverse_sqrt", options, context.lr, WarmupStart::kZero);
      if (!warmup.ok()) return warmup.status();
      return std::make_unique<InverseSqrtSchedule>(context.lr, *std::move(warmup));
    });

}  // namespace
}  // namespace plugins
