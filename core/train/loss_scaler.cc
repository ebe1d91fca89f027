#include "core/train/loss_scaler.h"

#include <ATen/ATen.h>

namespace core {

LossScaler::LossScaler(LossScalerOptions options, bool enabled)
    : options_(options), enabled_(enabled), scale_(enabled ? options.init_scale : 1.0) {}

at::Tensor LossScaler::Scale(const at::Tensor& loss) const {
  return enabled_ ? loss * scale_ : loss;
}

bool LossScaler::Unscale(const std::vector<at::Tensor>& parameters) const {
  if (!enabled_) return true;
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> non_finite;
  for (const at::Tensor& parameter : parameters) {
    at::Tensor gradient = parameter.grad();
    if (!gradient.defined()) continue;
    gradient.mul_(1.0 / scale_);
    non_finite.push_back(gradient.isfinite().logical_not().any());
  }
  return non_finite.empty() || !at::stack(non_finite).any().item<bool>();
}

void LossScaler::Update(bool found_inf) {
  if (!enabled_) return;
  if (found_inf) {
    scale_ *= options_.backoff_factor;
    growth_tracker_ = 0;
  } else if (++growth_tracker_ >= options_.growth_interval) {
    scale_ *= options_.growth_factor;
    growth_tracker_ = 0;
  }
}

void LossScaler::Restore(double scale, int64_t growth_tracker) {
  if (!enabled_ || !(scale > 0)) return;
  scale_ = scale;
  growth_tracker_ = growth_tracker;
}

}  // namespace core
