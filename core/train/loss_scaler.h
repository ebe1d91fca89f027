// Dynamic loss scaling for --precision=fp16, as PyTorch's GradScaler: the loss is multiplied
// by a large scale before backward so that small fp16 gradients do not flush to zero; the
// gradients are divided by it again before clipping; an update whose gradients hold an inf or
// NaN (they overflowed at this scale) is skipped and the scale halved; after `growth_interval`
// good updates in a row the scale doubles. Plain tensor arithmetic, the same on every device.
// Disabled (fp32, bf16), the scale is 1 and nothing is ever skipped.
//
//   LossScaler scaler(LossScalerOptions{}, /*enabled=*/precision == Precision::kFp16);
//   scaler.Scale(loss).backward();
//   const bool finite = scaler.Unscale(parameters);   // before clip_grad_norm_
//   if (finite) optimizer.step();
//   scaler.Update(/*found_inf=*/!finite);
//   if (scaler.exhausted()) ...                        // overflows at any scale: diverged
#ifndef CORE_TRAIN_LOSS_SCALER_H_
#define CORE_TRAIN_LOSS_SCALER_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace core {

struct LossScalerOptions {
  // The scale of the first update (GradScaler's 2^16).
  double init_scale = 65536.0;
  // Multiplies the scale after growth_interval updates in a row with finite gradients.
  double growth_factor = 2.0;
  // Multiplies the scale at an update with inf/NaN gradients (which is skipped).
  double backoff_factor = 0.5;
  int64_t growth_interval = 2000;
  // Below this the gradients overflow whatever the scale (fairseq's min_loss_scale): the run
  // has diverged.
  double min_scale = 1e-4;
};

class LossScaler {
 public:
  LossScaler(LossScalerOptions options, bool enabled);

  bool enabled() const { return enabled_; }
  double scale() const { return scale_; }
  // Finite updates in a row since the scale last changed.
  int64_t growth_tracker() const { return growth_tracker_; }
  // Whether the scale fell below min_scale.
  bool exhausted() const { return enabled_ && scale_ < options_.min_scale; }

  // `loss` times the scale (the loss itself when disabled).
  at::Tensor Scale(const at::Tensor& loss) const;
  // Divides every defined gradient of `parameters` by the scale; whether all are finite (one
  // host sync). Always true when disabled.
  bool Unscale(const std::vector<at::Tensor>& parameters) const;
  // After each update: back off on `found_inf`, grow after growth_interval finite updates.
  void Update(bool found_inf);
  // A checkpoint's scale and tracker (ignored when disabled or when `scale` is not positive:
  // a checkpoint without loss scaling starts at init_scale).
  void Restore(double scale, int64_t growth_tracker);

 private:
  LossScalerOptions options_;
  bool enabled_;
  double scale_;
  int64_t growth_tracker_ = 0;
};

}  // namespace core

#endif  // CORE_TRAIN_LOSS_SCALER_H_
