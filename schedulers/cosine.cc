// `cosine`: linear warmup, then half a cosine from --lr down to --min_lr at --max_updates,
// and --min_lr after (the single-cycle case of fairseq's cosine schedule, SGDR without
// restarts).
//
//   n <  W:           lr(n) = warmup_init_lr + n * (lr - warmup_init_lr) / W
//   W <= n < max:     lr(n) = min_lr + (lr - min_lr) * (1 + cos(pi * (n - W) / (max - W))) / 2
//   n >= max:         lr(n) = min_lr
#include <cmath>

#include "plugins/lr_schedule.h"
#include "schedulers/warmup_decay.h"

namespace plugins {
namespace {

REGISTER_LR_SCHEDULE("cosine", "Linear warmup, then cosine decay to --min_lr at --max_updates.",
                     (OptionSpecs{WarmupUpdatesOption(0), WarmupInitLrOption(WarmupStart::kZero),
                                  MinLrOption()}),
                     [](const OptionValues& options, const LrScheduleContext& context) {
                       return MakeWarmupDecaySchedule(
                           "cosine", options, context, WarmupStart::kZero,
                           [](double progress) { return (1 + std::cos(M_PI * progress)) / 2; });
                     });

}  // namespace
}  // namespace plugins
