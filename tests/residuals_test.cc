// The built-in residual arrangements (residuals/) against their formulas on a tiny sublayer:
// each connection's branch input and output, the traits its arrangement states, and the
// gradient that reaches Admin's trainable ω.
#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "plugins/residual.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kDim = 6;

std::unique_ptr<ResidualArrangement> Arrangement(const std::string& name,
                                                 const OptionMap& options = {}) {
  absl::StatusOr<std::unique_ptr<ResidualArrangement>> arrangement = CreateResidual(name, options);
  EXPECT_TRUE(arrangement.ok()) << arrangement.status();
  return *std::move(arrangement);
}

std::shared_ptr<ResidualConnection> Connection(const std::string& name,
                                               const OptionMap& options = {}) {
  ResidualSite site;
  site.embed_dim = kDim;
  return Arrangement(name, options)->Connect(site);
}

// LayerNorm over the last dimension with unit gain and zero bias, written out.
at::Tensor Normalize(const at::Tensor& x) {
  const at::Tensor mean = x.mean(-1, /*keepdim=*/true);
  const at::Tensor variance = (x - mean).pow(2).mean(-1, /*keepdim=*/true);
  return (x - mean) / (variance + 1e-5).sqrt();
}

struct Inputs {
  at::Tensor x = at::randn({2, 3, kDim}, at::kDouble);
  at::Tensor branch = at::randn({2, 3, kDim}, at::kDouble);
};

Inputs MakeInputs() {
  at::manual_seed(7);
  return Inputs();
}

void ExpectClose(const at::Tensor& actual, const at::Tensor& expected) {
  EXPECT_TRUE(at::allclose(actual, expected, 1e-5, 1e-6))
      << "max difference " << (actual - expected).abs().max().item<double>();
}

TEST(ResidualsTest, PostNormalizesTheSum) {
  const auto connection = Connection("post");
  connection->to(at::kDouble);
  const Inputs in = MakeInputs();
  EXPECT_TRUE(connection->BranchInput(in.x).is_same(in.x));
  ExpectClose(connection->Combine(in.x, in.branch), Normalize(in.x + in.branch));
  EXPECT_TRUE(connection->NormalizesSum());
  EXPECT_FALSE(Arrangement("post")->traits().final_layer_norm);
}

TEST(ResidualsTest, PreNormalizesTheBranchInputAndClosesTheStack) {
  const auto connection = Connection("pre");
  connection->to(at::kDouble);
  const Inputs in = MakeInputs();
  ExpectClose(connection->BranchInput(in.x), Normalize(in.x));
  ExpectClose(connection->Combine(in.x, in.branch), in.x + in.branch);
  EXPECT_FALSE(connection->NormalizesSum());
  EXPECT_TRUE(Arrangement("pre")->traits().final_layer_norm);
}

TEST(ResidualsTest, NoneAddsWithoutAnyNorm) {
  const auto connection = Connection("none");
  const Inputs in = MakeInputs();
  ExpectClose(connection->Combine(in.x, in.branch), in.x + in.branch);
  EXPECT_FALSE(connection->layer_norm);
  EXPECT_TRUE(connection->parameters().empty());
  EXPECT_FALSE(Arrangement("none")->traits().has_layer_norm);
}

TEST(ResidualsTest, AdminScalesTheShortcutByATrainableOmega) {
  const auto connection = Connection("admin");
  connection->to(at::kDouble);
  const Inputs in = MakeInputs();
  // ω starts at 1: exactly Post-LN.
  ExpectClose(connection->Combine(in.x, in.branch), Normalize(in.x + in.branch));
  const at::Tensor omega = at::linspace(0.5, 3.0, kDim, at::kDouble);
  {
    at::NoGradGuard no_grad;
    connection->shortcut_scale().copy_(omega);
  }
  const at::Tensor output = connection->Combine(in.x, in.branch);
  ExpectClose(output, Normalize(in.x * omega + in.branch));

  // dL/dω for L = Σ w ⊙ output against the same sum written out with autograd on a copy.
  const at::Tensor weights = at::randn({2, 3, kDim}, at::kDouble);
  (output * weights).sum().backward();
  const at::Tensor omega_copy = omega.clone().set_requires_grad(true);
  (Normalize(in.x * omega_copy + in.branch) * weights).sum().backward();
  ExpectClose(connection->shortcut_scale().grad(), omega_copy.grad());
  EXPECT_TRUE(connection->NormalizesSum());
  EXPECT_EQ(Arrangement("admin")->traits().shortcut_scale,
            ResidualTraits::ShortcutScale::kTrainable);
  // Names (and LibTorch's order: own parameters first) as checkpoints hold them.
  EXPECT_THAT(connection->named_parameters().keys(),
              ElementsAre("omega", "layer_norm.weight", "layer_norm.bias"));
}

TEST(ResidualsTest, ScaledUsesAConstantAlphaFromItsOption) {
  const auto connection = Connection("scaled", {{"residual_alpha", "2.5"}});
  connection->to(at::kDouble);
  const Inputs in = MakeInputs();
  ExpectClose(connection->Combine(in.x, in.branch), Normalize(2.5 * in.x + in.branch));
  EXPECT_FALSE(connection->shortcut_scale_trainable());
  EXPECT_TRUE(connection->NormalizesSum());
  EXPECT_THAT(connection->named_buffers().keys(), ElementsAre("alpha"));
  EXPECT_EQ(Arrangement("scaled")->traits().shortcut_scale,
            ResidualTraits::ShortcutScale::kConstant);
}

TEST(ResidualsTest, OptionsOfOtherArrangementsAreIgnoredAndBadValuesNamed) {
  // One option map serves both stacks: post ignores scaled's option.
  EXPECT_TRUE(CreateResidual("post", {{"residual_alpha", "2"}}).ok());
  absl::StatusOr<std::unique_ptr<ResidualArrangement>> bad =
      CreateResidual("scaled", {{"residual_alpha", "big"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("residual_alpha"));
  EXPECT_THAT(std::string(CreateResidual("sandwich", {}).status().message()),
              HasSubstr("unknown residual 'sandwich'"));
}

}  // namespace
}  // namespace plugins
