// `inverse_sqrt`: fairseq's warmup then inverse-square-root decay, as used by every
// Post-LN / Pre-LN / Admin run of the paper (paper.md §6).
//
//   n <  W: lr(n) = warmup_init_lr + n * (lr - warmup_init_lr) / W
//   n >= W: lr(n) = lr * sqrt(W) / sqrt(n)
#include <cmath>
#include <memory>

#include "absl/strings/str_cat.h"
#include "plugins/lr_schedule.h"

namespace plugins {
namespace {

class InverseSqrtSchedule : public LrSchedule {
 public:
  InverseSqrtSchedule(double lr, int64_t warmup_updates, double warmup_init_lr)
      : lr_(lr), warmup_updates_(warmup_updates) {
    // fairseq: a negative warmup_init_lr means 0 with warmup, and lr without it.
    warmup_init_lr_ = warmup_init_lr >= 0 ? warmup_init_lr : (warmup_updates > 0 ? 0 : lr);
  }

  double LearningRate(int64_t n) const override {
    if (n < warmup_updates_) {
      return warmup_init_lr_ + n * (lr_ - warmup_init_lr_) / warmup_updates_;
    }
    // With no warmup fairseq's decay factor is lr * sqrt(0) = 0 for n >= 1; keeping
    // lr until the first update and decaying as lr / sqrt(n) after is what users mean.
    if (warmup_updates_ == 0) return n == 0 ? lr_ : lr_ / std::sqrt(static_cast<double>(n));
    return lr_ * std::sqrt(static_cast<double>(warmup_updates_) / static_cast<double>(n));
  }

 private:
  double lr_;
  int64_t warmup_updates_;
  double warmup_init_lr_;
};

REGISTER_LR_SCHEDULE(
    "inverse_sqrt", "Linear warmup to --lr, then lr*sqrt(W/n) (fairseq inverse_sqrt).",
    (OptionSpecs{
        OptionSpec::Int("warmup_updates", 4000, "W: updates of linear warmup"),
        OptionSpec::Double("warmup_init_lr", -1,
                           "learning rate of the first update; < 0 means 0 (fairseq default)"),
    }),
    [](const OptionValues& options,
       const LrScheduleContext& context) -> absl::StatusOr<std::unique_ptr<LrSchedule>> {
      const int64_t warmup = options.GetInt("warmup_updates");
      if (warmup < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("lr_scheduler 'inverse_sqrt': warmup_updates = ", warmup,
                         " must be >= 0"));
      }
      return std::make_unique<InverseSqrtSchedule>(context.lr, warmup,
                                                   options.GetDouble("warmup_init_lr"));
    });

}  // namespace
}  // namespace plugins
