#include "schedulers/warmup_decay.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"

namespace plugins {
namespace {

absl::Status Invalid(absl::string_view schedule, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("lr_scheduler '", schedule, "': ", problem));
}

}  // namespace

OptionSpec WarmupUpdatesOption(int64_t default_value) {
  return OptionSpec::Int("warmup_updates", default_value,
                         "W: updates of linear warmup from --warmup_init_lr to --lr");
}

OptionSpec WarmupInitLrOption(WarmupStart negative_means) {
  return OptionSpec::Double("warmup_init_lr", -1,
                            negative_means == WarmupStart::kZero
                                ? "learning rate of the first warmup update; < 0 means 0 (fairseq)"
                                : "learning rate of the first warmup update; < 0 means --lr "
                                  "(Transformer-Clinic)");
}

OptionSpec MinLrOption() {
  return OptionSpec::Double("min_lr", 0,
                            "learning rate reached at --max_updates and kept after it");
}

absl::Status CheckLr(absl::string_view schedule, double lr) {
  if (lr >= 0) return absl::OkStatus();
  return Invalid(schedule, absl::StrCat("--lr = ", lr, " must be >= 0"));
}

double LinearWarmup::LearningRate(int64_t num_updates) const {
  return init_lr_ + num_updates * (lr_ - init_lr_) / updates_;
}

absl::StatusOr<LinearWarmup> ReadWarmup(absl::string_view schedule, const OptionValues& options,
                                        double lr, WarmupStart negative_means) {
  RETURN_IF_ERROR(CheckLr(schedule, lr));
  const int64_t warmup_updates = options.GetInt("warmup_updates");
  if (warmup_updates < 0) {
    return Invalid(schedule, absl::StrCat("--warmup_updates = ", warmup_updates, " must be >= 0"));
  }
  double init_lr = options.GetDouble("warmup_init_lr");
  if (init_lr < 0) init_lr = negative_means == WarmupStart::kZero ? 0 : lr;
  return LinearWarmup(lr, warmup_updates, init_lr);
}

WarmupDecaySchedule::WarmupDecaySchedule(LinearWarmup warmup, double lr, double min_lr,
                                         int64_t max_updates, Shape shape)
    : warmup_(warmup),
      lr_(lr),
      min_lr_(min_lr),
      max_updates_(max_updates),
      shape_(std::move(shape)) {}

double WarmupDecaySchedule::LearningRate(int64_t num_updates) const {
  if (warmup_.Covers(num_updates)) return warmup_.LearningRate(num_updates);
  // Checked first: with warmup_updates = max_updates the decay has no length.
  if (num_updates >= max_updates_) return min_lr_;
  const double progress = static_cast<double>(num_updates - warmup_.updates()) /
                          static_cast<double>(max_updates_ - warmup_.updates());
  return min_lr_ + (lr_ - min_lr_) * shape_(progress);
}

absl::StatusOr<std::unique_ptr<LrSchedule>> MakeWarmupDecaySchedule(
    absl::string_view schedule, const OptionValues& options, const LrScheduleContext& context,
    WarmupStart negative_means, WarmupDecaySchedule::Shape shape) {
  ASSIGN_OR_RETURN(LinearWarmup warmup, ReadWarmup(schedule, options, context.lr, negative_means));
  const double min_lr = options.GetDouble("min_lr");
  if (!(min_lr >= 0 && min_lr <= context.lr)) {
    return Invalid(schedule,
                   absl::StrCat("--min_lr = ", min_lr, " must be in [0, --lr = ", context.lr, "]"));
  }
  if (context.max_updates <= 0) {
    return Invalid(schedule, absl::StrCat("decays until --max_updates, which must be > 0 (is ",
                                          context.max_updates, ")"));
  }
  if (warmup.updates() > context.max_updates) {
    return Invalid(schedule, absl::StrCat("--warmup_updates = ", warmup.updates(),
                                          " must be <= --max_updates = ", context.max_updates));
  }
  return std::make_unique<WarmupDecaySchedule>(warmup, context.lr, min_lr, context.max_updates,
                                               std::move(shape));
}

}  // namespace plugins
