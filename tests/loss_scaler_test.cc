// The fp16 loss scaler's arithmetic on the CPU: scaling the loss scales the gradients, unscaling
// restores them exactly (powers of two), an inf or NaN gradient is reported, the scale backs
// off at once and grows after its interval of good updates, the minimum marks divergence, a
// checkpoint's state is restored, and a disabled scaler changes nothing.
#include "core/train/loss_scaler.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace core {
namespace {

LossScalerOptions SmallOptions() {
  LossScalerOptions options;
  options.init_scale = 1024;
  options.growth_interval = 3;
  options.min_scale = 1;
  return options;
}

// A parameter with the gradient of (scaled) sum(w * x).
at::Tensor ParameterWithGradient(const LossScaler& scaler, const at::Tensor& x) {
  at::Tensor w = at::ones_like(x).set_requires_grad(true);
  scaler.Scale((w * x).sum()).backward();
  return w;
}

TEST(LossScalerTest, ScalesTheLossAndUnscalesTheGradientsExactly) {
  const LossScaler scaler(SmallOptions(), /*enabled=*/true);
  const at::Tensor x = at::tensor({0.5f, -3.0f, 1e-3f});
  const at::Tensor w = ParameterWithGradient(scaler, x);
  EXPECT_TRUE(at::equal(w.grad(), x * 1024));
  EXPECT_TRUE(scaler.Unscale({w, at::zeros({2})}));  // a parameter without a gradient is fine
  EXPECT_TRUE(at::equal(w.grad(), x));
}

TEST(LossScalerTest, ReportsInfAndNanGradients) {
  const LossScaler scaler(SmallOptions(), /*enabled=*/true);
  for (const float bad :
       {std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
    const at::Tensor good = ParameterWithGradient(scaler, at::tensor({1.0f, 2.0f}));
    const at::Tensor overflowed = ParameterWithGradient(scaler, at::tensor({1.0f, bad}));
    EXPECT_FALSE(scaler.Unscale({good, overflowed})) << bad;
  }
}

TEST(LossScalerTest, BacksOffAtOnceAndGrowsAfterItsInterval) {
  LossScaler scaler(SmallOptions(), /*enabled=*/true);
  EXPECT_EQ(scaler.scale(), 1024);
  scaler.Update(/*found_inf=*/false);
  scaler.Update(false);
  EXPECT_EQ(scaler.scale(), 1024);
  EXPECT_EQ(scaler.growth_tracker(), 2);
  scaler.Update(true);  // an overflow: halved, and the count of good updates starts again
  EXPECT_EQ(scaler.scale(), 512);
  EXPECT_EQ(scaler.growth_tracker(), 0);
  for (int i = 0; i < 3; ++i) scaler.Update(false);
  EXPECT_EQ(scaler.scale(), 1024);
  EXPECT_EQ(scaler.growth_tracker(), 0);
  EXPECT_FALSE(scaler.exhausted());
  for (int i = 0; i < 10; ++i) scaler.Update(true);
  EXPECT_EQ(scaler.scale(), 1);
  EXPECT_FALSE(scaler.exhausted());
  scaler.Update(true);
  EXPECT_TRUE(scaler.exhausted());
}

TEST(LossScalerTest, RestoresACheckpointsState) {
  LossScaler scaler(SmallOptions(), /*enabled=*/true);
  scaler.Restore(256, 2);
  EXPECT_EQ(scaler.scale(), 256);
  scaler.Update(false);
  EXPECT_EQ(scaler.scale(), 512);
  // A checkpoint without loss scaling (scale 0) leaves the initial scale.
  LossScaler fresh(SmallOptions(), /*enabled=*/true);
  fresh.Restore(0, 0);
  EXPECT_EQ(fresh.scale(), 1024);
}

TEST(LossScalerTest, DisabledChangesNothing) {
  LossScaler scaler(SmallOptions(), /*enabled=*/false);
  const at::Tensor x = at::tensor({0.5f, std::numeric_limits<float>::infinity()});
  const at::Tensor w = ParameterWithGradient(scaler, x);
  EXPECT_TRUE(at::equal(w.grad(), x));
  EXPECT_TRUE(scaler.Unscale({w}));
  scaler.Update(true);
  scaler.Restore(8, 1);
  EXPECT_EQ(scaler.scale(), 1);
  EXPECT_FALSE(scaler.exhausted());
}

}  // namespace
}  // namespace core
