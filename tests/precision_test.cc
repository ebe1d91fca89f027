// --precision: parsing, the CPU check (on given flag lines) and the autocast scope: matrix
// products in bf16 inside it, fp32 outside and after it, fp32 gradients for fp32 weights.
#include "core/train/precision.h"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace core {
namespace {

using ::testing::HasSubstr;

const c10::Device kCpu(c10::kCPU);

TEST(PrecisionTest, ParsesItsTwoNames) {
  EXPECT_EQ(*ParsePrecision("fp32"), Precision::kFp32);
  EXPECT_EQ(*ParsePrecision("bf16"), Precision::kBf16);
  EXPECT_THAT(std::string(ParsePrecision("fp16").status().message()),
              HasSubstr("--precision = 'fp16' is not a precision (fp32, bf16)"));
}

TEST(PrecisionTest, Bf16OnACpuNeedsItsFlag) {
  const std::string with = "flags\t\t: fpu sse avx512f avx512_bf16 avx512_vnni";
  const std::string amx = "flags\t\t: fpu avx512f amx_bf16 amx_tile";
  const std::string without = "flags\t\t: fpu sse avx2 avx512f avx512_vnni";
  EXPECT_TRUE(CheckPrecision(Precision::kBf16, kCpu, with).ok());
  EXPECT_TRUE(CheckPrecision(Precision::kBf16, kCpu, amx).ok());
  EXPECT_THAT(std::string(CheckPrecision(Precision::kBf16, kCpu, without).message()),
              HasSubstr("needs a CPU with AVX512-BF16 or AMX"));
  EXPECT_TRUE(CheckPrecision(Precision::kFp32, kCpu, without).ok());
  EXPECT_TRUE(CheckPrecision(Precision::kBf16, c10::Device(c10::kCUDA, 0), without).ok());
}

TEST(PrecisionTest, ScopeRunsMatrixProductsInBf16AndRestoresFp32) {
  at::manual_seed(1);
  const at::Tensor x = at::randn({4, 8});
  const at::Tensor weight = at::randn({3, 8}).set_requires_grad(true);
  {
    const MixedPrecisionScope fp32(Precision::kFp32, kCpu);
    EXPECT_EQ(at::linear(x, weight).scalar_type(), at::kFloat);
  }
  at::Tensor output;
  {
    const MixedPrecisionScope bf16(Precision::kBf16, kCpu);
    {
      const MixedPrecisionScope nested(Precision::kBf16, kCpu);
      EXPECT_EQ(at::linear(x, weight).scalar_type(), at::kBFloat16);
    }
    output = at::linear(x, weight);  // still inside the outer scope
    EXPECT_EQ(output.scalar_type(), at::kBFloat16);
    // What autocast keeps in fp32 stays fp32.
    EXPECT_EQ(at::log_softmax(output, -1, at::kFloat).scalar_type(), at::kFloat);
  }
  EXPECT_EQ(at::linear(x, weight).scalar_type(), at::kFloat);
  output.to(at::kFloat).sum().backward();
  ASSERT_TRUE(weight.grad().defined());
  EXPECT_EQ(weight.grad().scalar_type(), at::kFloat);
  // The bf16 product is close to the fp32 one: the same weights, 8 mantissa bits.
  const at::Tensor expected = at::linear(x, weight).detach();
  EXPECT_TRUE(at::allclose(output.to(at::kFloat), expected, /*rtol=*/2e-2, /*atol=*/5e-2));
}

}  // namespace
}  // namespace core
