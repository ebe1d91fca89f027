// What the learning-rate schedules share: fairseq's linear warmup, the specs of the warmup
// and decay options (so every schedule declares them with one type and one meaning), and a
// schedule that warms up and then decays from --lr to --min_lr at --max_updates.
//
//   // schedulers/linear.cc
//   REGISTER_LR_SCHEDULE("linear", "...",
//       (OptionSpecs{WarmupUpdatesOption(4000), WarmupInitLrOption(WarmupStart::kPeak),
//                    MinLrOption()}),
//       [](const OptionValues& options, const LrScheduleContext& context) {
//         return MakeWarmupDecaySchedule("linear", options, context, WarmupStart::kPeak,
//                                        [](double progress) { return 1 - progress; });
//       });
#ifndef SCHEDULERS_WARMUP_DECAY_H_
#define SCHEDULERS_WARMUP_DECAY_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "plugins/lr_schedule.h"

namespace plugins {

// What a negative --warmup_init_lr (the default) stands for. Without warmup it is never used.
enum class WarmupStart {
  kZero,  // fairseq's inverse_sqrt: warm up from 0
  kPeak,  // Transformer-Clinic's linear: from --lr, so any warmup is flat
};

// --warmup_updates (int) with a schedule-specific default.
OptionSpec WarmupUpdatesOption(int64_t default_value);
// --warmup_init_lr (double, default -1 as in fairseq), whose help says what -1 means.
OptionSpec WarmupInitLrOption(WarmupStart negative_means);
// --min_lr (double, default 0): where a decay ends.
OptionSpec MinLrOption();

// InvalidArgument naming `schedule` unless --lr (the peak) is >= 0.
absl::Status CheckLr(absl::string_view schedule, double lr);

// fairseq's linear warmup: lr(n) = warmup_init_lr + n * (lr - warmup_init_lr) / W for the
// first W updates (n = 0 .. W-1).
class LinearWarmup {
 public:
  LinearWarmup(double lr, int64_t warmup_updates, double warmup_init_lr)
      : lr_(lr), updates_(warmup_updates), init_lr_(warmup_init_lr) {}

  int64_t updates() const { return updates_; }
  bool Covers(int64_t num_updates) const { return num_updates < updates_; }
  // The warmup's learning rate; only for Covers(num_updates).
  double LearningRate(int64_t num_updates) const;

 private:
  double lr_;
  int64_t updates_;
  double init_lr_;
};

// Reads --warmup_updates and --warmup_init_lr (a negative one as `negative_means`);
// InvalidArgument naming `schedule` when warmup_updates < 0 or `lr` < 0.
absl::StatusOr<LinearWarmup> ReadWarmup(absl::string_view schedule, const OptionValues& options,
                                        double lr, WarmupStart negative_means);

// Linear warmup over W updates, then lr(n) = min_lr + (lr - min_lr) * shape(progress) with
// progress = (n - W) / (max_updates - W), then min_lr from update max_updates on. `shape`
// maps [0, 1) into [0, 1] with shape(0) = 1, so the decay never goes below min_lr.
class WarmupDecaySchedule : public LrSchedule {
 public:
  using Shape = std::function<double(double progress)>;

  WarmupDecaySchedule(LinearWarmup warmup, double lr, double min_lr, int64_t max_updates,
                      Shape shape);

  double LearningRate(int64_t num_updates) const override;

 private:
  LinearWarmup warmup_;
  double lr_;
  double min_lr_;
  int64_t max_updates_;
  Shape shape_;
};

// Builds a WarmupDecaySchedule for `schedule` from --warmup_updates, --warmup_init_lr,
// --min_lr and the context. InvalidArgument, naming the schedule, the option and the value,
// unless 0 <= min_lr <= lr, max_updates > 0 and warmup_updates <= max_updates.
absl::StatusOr<std::unique_ptr<LrSchedule>> MakeWarmupDecaySchedule(
    absl::string_view schedule, const OptionValues& options, const LrScheduleContext& context,
    WarmupStart negative_means, WarmupDecaySchedule::Shape shape);

}  // namespace plugins

#endif  // SCHEDULERS_WARMUP_DECAY_H_
