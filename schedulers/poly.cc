// `poly`: polynomial decay from --lr to --min_lr at --max_updates
// (Transformer-Clinic radam_fairseq/poly_schedule.py, whose --poly-pow is --power here),
// optionally after a linear warmup as in fairseq's polynomial_decay; docs/formulas.md §6.4.
//
//   n <  W:           lr(n) = warmup_init_lr + n * (lr - warmup_init_lr) / W
//   W <= n < max:     lr(n) = min_lr + (lr - min_lr) * (1 - (n - W) / (max - W))^power
//   n >= max:         lr(n) = min_lr
#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"
#include "plugins/lr_schedule.h"
#include "schedulers/warmup_decay.h"

namespace plugins {
namespace {

REGISTER_LR_SCHEDULE(
    "poly", "Optional linear warmup, then (1 - progress)^power decay to --min_lr at --max_updates.",
    (OptionSpecs{
        WarmupUpdatesOption(0),
        WarmupInitLrOption(WarmupStart::kZero),
        MinLrOption(),
        OptionSpec::Double("power", 2, "exponent of the decay, > 0 (1 is linear)"),
    }),
    [](const OptionValues& options,
       const LrScheduleContext& context) -> absl::StatusOr<std::unique_ptr<LrSchedule>> {
      const double power = options.GetDouble("power");
      if (!(power > 0)) {
        return absl::InvalidArgumentError(
            absl::StrCat("lr_scheduler 'poly': --power = ", power, " must be > 0"));
      }
      return MakeWarmupDecaySchedule(
          "poly", options, context, WarmupStart::kZero,
          [power](double progress) { return std::pow(1 - progress, power); });
    });

}  // namespace
}  // namespace plugins
