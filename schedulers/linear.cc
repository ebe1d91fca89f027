// `linear`: linear warmup, then linear decay from --lr to --min_lr at --max_updates, and
// --min_lr after (Transformer-Clinic radam_fairseq/linear_schedule.py, the schedule of the
// paper's no-warmup RAdam runs; docs/formulas.md §6.3).
//
//   n <  W:           lr(n) = warmup_init_lr + n * (lr - warmup_init_lr) / W
//   W <= n < max:     lr(n) = min_lr + (lr - min_lr) * (1 - (n - W) / (max - W))
//   n >= max:         lr(n) = min_lr   (the original keeps decaying below min_lr)
// As in the original, a negative --warmup_init_lr (the default) means --lr: the paper's
// no-warmup runs (--warmup_updates=1) then start at --lr; pass --warmup_init_lr=0 for a real
// warmup.
#include "plugins/lr_schedule.h"
#include "schedulers/warmup_decay.h"

namespace plugins {
namespace {

REGISTER_LR_SCHEDULE(
    "linear", "Linear warmup, then linear decay to --min_lr at --max_updates (Admin repo).",
    (OptionSpecs{WarmupUpdatesOption(4000), WarmupInitLrOption(WarmupStart::kPeak), MinLrOption()}),
    [](const OptionValues& options, const LrScheduleContext& context) {
      return MakeWarmupDecaySchedule("linear", options, context, WarmupStart::kPeak,
                                     [](double progress) { return 1 - progress; });
    });

}  // namespace
}  // namespace plugins
