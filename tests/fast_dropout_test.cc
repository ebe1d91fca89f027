#include "core/model/fast_dropout.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cmath>

namespace core {
namespace {

constexpr double kP = 0.1;

at::Tensor MaskOf(const at::Tensor& x, uint64_t key, double p = kP) {
  at::Tensor out = at::empty_like(x);
  internal::ApplyDropoutMask(x, out, key, internal::DropoutThreshold(p),
                             static_cast<float>(1 / (1 - p)));
  return out.ne(0);
}

TEST(FastDropoutTest, KeepsOneMinusPAndScalesWhatItKeeps) {
  const int64_t n = 1 << 20;
  const at::Tensor y = Dropout(at::ones({n}), kP, /*training=*/true);
  const double kept = y.ne(0).to(at::kDouble).mean().item<double>();
  // Five standard deviations of a binomial proportion.
  EXPECT_NEAR(kept, 1 - kP, 5 * std::sqrt(kP * (1 - kP) / n));
  const at::Tensor values = y.masked_select(y.ne(0));
  EXPECT_TRUE(at::allclose(values, at::full_like(values, 1 / (1 - kP))));
}

TEST(FastDropoutTest, NeighboursAndKeysAreIndependent) {
  const int64_t n = 1 << 20;
  const at::Tensor x = at::ones({n});
  const at::Tensor a = MaskOf(x, 1).to(at::kDouble);
  const at::Tensor b = MaskOf(x, 2).to(at::kDouble);
  const double tolerance = 5 * std::sqrt(0.25 / n);
  // Elements 2j and 2j+1 share a hash (its two lanes); 2j+1 and 2j+2 do not.
  EXPECT_NEAR((a.slice(0, 0, n - 1) * a.slice(0, 1, n)).mean().item<double>(),
              (1 - kP) * (1 - kP), tolerance);
  EXPECT_NEAR((a * b).mean().item<double>(), (1 - kP) * (1 - kP), tolerance);
  EXPECT_TRUE(at::equal(MaskOf(x, 1), MaskOf(x, 1)));
}

TEST(FastDropoutTest, TheMaskDependsOnlyOnKeyAndIndex) {
  // Odd length: the last element has a lane of its own.
  const at::Tensor x = at::rand({100001}) + 0.5;
  const at::Tensor mask = MaskOf(x, 7);
  // The vectorized float loop, the 16-bit and double loops, and any thread count agree.
  EXPECT_TRUE(at::equal(MaskOf(x.to(at::kBFloat16), 7), mask));
  EXPECT_TRUE(at::equal(MaskOf(x.to(at::kDouble), 7), mask));
  const int threads = at::get_num_threads();
  at::set_num_threads(2);
  EXPECT_TRUE(at::equal(MaskOf(x, 7), mask));
  at::set_num_threads(threads);
  // A prefix of a longer tensor has the prefix's mask.
  EXPECT_TRUE(at::equal(MaskOf(x.slice(0, 0, 1000).contiguous(), 7), mask.slice(0, 0, 1000)));
}

TEST(FastDropoutTest, GradientPassesWhereTheForwardPassKept) {
  const at::Tensor x = (at::rand({3, 333}) + 0.5).requires_grad_();
  const at::Tensor y = Dropout(x, kP, true);
  (y * 2).sum().backward();
  const at::Tensor expected = y.ne(0).to(at::kFloat) * (2 / (1 - kP));
  EXPECT_TRUE(at::allclose(x.grad(), expected));
}

TEST(FastDropoutTest, TheDefaultGeneratorOrAKeyScopeDecidesTheMasks) {
  const at::Tensor x = at::ones({4097});
  at::manual_seed(5);
  const at::Tensor first = Dropout(x, kP, true);
  const at::Tensor second = Dropout(x, kP, true);
  EXPECT_FALSE(at::equal(first, second));
  at::manual_seed(5);
  EXPECT_TRUE(at::equal(Dropout(x, kP, true), first));  // a restored generator replays
  at::Tensor scoped;
  {
    DropoutKeyScope keys(42);
    scoped = Dropout(x, kP, true);
    {
      DropoutKeyScope inner(43);
      EXPECT_FALSE(at::equal(Dropout(x, kP, true), scoped));
    }
    EXPECT_FALSE(at::equal(Dropout(x, kP, true), scoped));  // the outer stream went on
  }
  DropoutKeyScope again(42);
  EXPECT_TRUE(at::equal(Dropout(x, kP, true), scoped));
}

TEST(FastDropoutTest, EdgeProbabilitiesAndEvalMode) {
  const at::Tensor x = at::rand({10});
  EXPECT_TRUE(at::equal(Dropout(x, 0.5, /*training=*/false), x));
  EXPECT_TRUE(at::equal(Dropout(x, 0.0, true), x));
  EXPECT_TRUE(at::equal(Dropout(x, 1.0, true), at::zeros_like(x)));
  EXPECT_THROW(Dropout(x, 1.5, true), c10::Error);
}

}  // namespace
}  // namespace core
