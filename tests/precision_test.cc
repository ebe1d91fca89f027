// --precision: parsing, the device check (CPU flag lines; fp16 only on CUDA) and the autocast
// scope: matrix products in bf16 inside it, fp32 outside and after it, fp32 gradients for
// fp32 weights, and Admin's ω and LayerNorm kept in fp32.
#include "core/train/precision.h"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/residual.h"
#include "plugins/residual_connection.h"

namespace core {
namespace {

using ::testing::HasSubstr;

const c10::Device kCpu(c10::kCPU);

TEST(PrecisionTest, ParsesItsThreeNames) {
  for (const Precision precision : {Precision::kFp32, Precision::kBf16, Precision::kFp16}) {
    EXPECT_EQ(*ParsePrecision(PrecisionName(precision)), precision);
  }
  EXPECT_STREQ(PrecisionName(Precision::kFp16), "fp16");
  EXPECT_THAT(std::string(ParsePrecision("fp8").status().message()),
              HasSubstr("--precision = 'fp8' is not a precision (fp32, bf16, fp16)"));
  EXPECT_THAT(std::string(ParsePrecision("bf61").status().message()),
              HasSubstr("did you mean 'bf16'?"));
}

TEST(PrecisionTest, Fp16NeedsCuda) {
  const std::string with = "flags\t\t: fpu sse avx512f avx512_bf16 amx_bf16";
  const absl::Status cpu = CheckPrecision(Precision::kFp16, kCpu, with);
  EXPECT_TRUE(absl::IsInvalidArgument(cpu));
  EXPECT_THAT(std::string(cpu.message()),
              HasSubstr("--precision=fp16 needs --device=cuda (not cpu): LibTorch's CPU "
                        "autocast has no fp16"));
  EXPECT_TRUE(CheckPrecision(Precision::kFp16, c10::Device(c10::kCUDA, 0), "").ok());
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
  // On CUDA no CPU flag is asked for.
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

// Admin's LN(x⊙ω + f(x)) inside autocast: the branch's matrix product is 16-bit, but ω, the
// sum and LayerNorm run in fp32 and their gradients are fp32 (the same lists make it so for
// fp16 on CUDA, which this machine cannot run).
TEST(PrecisionTest, AdminOmegaAndLayerNormStayFp32) {
  absl::StatusOr<std::unique_ptr<plugins::ResidualArrangement>> admin =
      plugins::CreateResidual("admin", {});
  ASSERT_TRUE(admin.ok()) << admin.status();
  plugins::ResidualSite site;
  site.embed_dim = 8;
  const std::shared_ptr<plugins::ResidualConnection> connection = (*admin)->Connect(site);
  at::manual_seed(3);
  const at::Tensor x = at::randn({2, 3, 8});
  const at::Tensor weight = at::randn({8, 8}).set_requires_grad(true);
  at::Tensor output;
  {
    const MixedPrecisionScope bf16(Precision::kBf16, kCpu);
    const at::Tensor branch = at::linear(x, weight);
    ASSERT_EQ(branch.scalar_type(), at::kBFloat16);
    output = connection->Combine(x, branch);
  }
  EXPECT_EQ(output.scalar_type(), at::kFloat);
  output.sum().backward();
  ASSERT_TRUE(connection->shortcut_scale().grad().defined());
  EXPECT_EQ(connection->shortcut_scale().scalar_type(), at::kFloat);
  EXPECT_EQ(connection->shortcut_scale().grad().scalar_type(), at::kFloat);
  for (const at::Tensor& parameter : connection->layer_norm->parameters()) {
    EXPECT_EQ(parameter.grad().scalar_type(), at::kFloat);
  }
}

}  // namespace
}  // namespace core
