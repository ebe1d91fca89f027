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
                                               const OptionMap& options = {},
                                               int64_t layer = 0, int64_t layers = 1) {
  ResidualSite site;
  site.embed_dim = kDim;
  site.layer = layer;
  site.layers = layers;
  return Arrangement(name, options)->Connect(site);
}

// What RunSublayer computes from x and the branch's output after dropout.
at::Tensor Sublayer(ResidualConnection& connection, const at::Tensor& x, const at::Tensor& f) {
  return connection.Combine(x, connection.BranchOutput(f));
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

TEST(ResidualsTest, AdminOmegaMayBeATrainableScalarOrAConstant) {
  const Inputs in = MakeInputs();
  const auto scalar = Connection("admin", {{"admin_omega", "scalar"}});
  scalar->to(at::kDouble);
  EXPECT_THAT(scalar->shortcut_scale().sizes(), ElementsAre(1));
  EXPECT_TRUE(scalar->shortcut_scale_trainable());
  {
    at::NoGradGuard no_grad;
    scalar->shortcut_scale().fill_(1.7);
  }
  const at::Tensor output = scalar->Combine(in.x, in.branch);
  ExpectClose(output, Normalize(1.7 * in.x + in.branch));
  const at::Tensor weights = at::randn({2, 3, kDim}, at::kDouble);
  (output * weights).sum().backward();
  const at::Tensor omega = at::full({1}, 1.7, at::kDouble).set_requires_grad(true);
  (Normalize(in.x * omega + in.branch) * weights).sum().backward();
  ExpectClose(scalar->shortcut_scale().grad(), omega.grad());
  EXPECT_EQ(Arrangement("admin", {{"admin_omega", "scalar"}})->traits().shortcut_scale,
            ResidualTraits::ShortcutScale::kTrainable);

  const auto constant = Connection("admin", {{"admin_omega", "constant"}});
  constant->to(at::kDouble);
  EXPECT_FALSE(constant->shortcut_scale_trainable());
  EXPECT_THAT(constant->named_buffers().keys(), ElementsAre("alpha"));
  ExpectClose(constant->Combine(in.x, in.branch), Normalize(in.x + in.branch));
  EXPECT_EQ(Arrangement("admin", {{"admin_omega", "constant"}})->traits().shortcut_scale,
            ResidualTraits::ShortcutScale::kConstant);
  EXPECT_THAT(
      std::string(CreateResidual("admin", {{"admin_omega", "matrix"}}).status().message()),
      HasSubstr("--admin_omega = 'matrix' must be vector, scalar or constant"));
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

TEST(ResidualsTest, SandwichNormalizesTheBranchInputAndOutput) {
  const auto connection = Connection("sandwich");
  connection->to(at::kDouble);
  const Inputs in = MakeInputs();
  ExpectClose(connection->BranchInput(in.x), Normalize(in.x));
  ExpectClose(Sublayer(*connection, in.x, in.branch), in.x + Normalize(in.branch));
  EXPECT_FALSE(connection->NormalizesSum());
  EXPECT_TRUE(Arrangement("sandwich")->traits().final_layer_norm);
  EXPECT_THAT(connection->named_parameters().keys(),
              ElementsAre("layer_norm.weight", "layer_norm.bias", "output_layer_norm.weight",
                          "output_layer_norm.bias"));
}

TEST(ResidualsTest, MixLnIsPostLnInTheFirstLayersAndPreLnAbove) {
  const Inputs in = MakeInputs();
  // 8 layers: the default fraction 0.25 makes layers 0 and 1 Post-LN; 0.5, layers 0–3.
  for (const auto& [fraction, post_layers] :
       {std::pair<std::string, int64_t>{"0.25", 2}, {"0.5", 4}, {"0", 0}, {"1", 8}}) {
    for (int64_t layer = 0; layer < 8; ++layer) {
      SCOPED_TRACE("fraction " + fraction + ", layer " + std::to_string(layer));
      const auto connection = Connection("mixln", {{"mixln_post_fraction", fraction}}, layer, 8);
      connection->to(at::kDouble);
      if (layer < post_layers) {
        EXPECT_TRUE(connection->BranchInput(in.x).is_same(in.x));
        ExpectClose(Sublayer(*connection, in.x, in.branch), Normalize(in.x + in.branch));
      } else {
        ExpectClose(connection->BranchInput(in.x), Normalize(in.x));
        ExpectClose(Sublayer(*connection, in.x, in.branch), in.x + in.branch);
      }
    }
  }
  EXPECT_TRUE(Arrangement("mixln")->traits().final_layer_norm);
  EXPECT_THAT(std::string(CreateResidual("mixln", {{"mixln_post_fraction", "1.5"}})
                              .status()
                              .message()),
              HasSubstr("--mixln_post_fraction = 1.5 must be in [0, 1]"));
}

// x + α·f with α trainable: the value, and dL/dα = Σ w ⊙ f for L = Σ w ⊙ output.
void ExpectTrainableBranchScale(ResidualConnection& connection, double initial) {
  const Inputs in = MakeInputs();
  const at::Tensor alpha = connection.named_parameters()["branch_scale"];
  EXPECT_NEAR(alpha.item<double>(), initial, 1e-7);  // set in float before .to(kDouble)
  ExpectClose(Sublayer(connection, in.x, in.branch), in.x + initial * in.branch);
  {
    at::NoGradGuard no_grad;
    alpha.fill_(0.7);
  }
  const at::Tensor output = Sublayer(connection, in.x, in.branch);
  ExpectClose(output, in.x + 0.7 * in.branch);
  const at::Tensor weights = at::randn({2, 3, kDim}, at::kDouble);
  (output * weights).sum().backward();
  ExpectClose(alpha.grad(), (weights * in.branch).sum().reshape({1}));
  EXPECT_FALSE(connection.layer_norm);
  EXPECT_FALSE(connection.shortcut_scale().defined());
  EXPECT_THAT(connection.named_parameters().keys(), ElementsAre("branch_scale"));
}

TEST(ResidualsTest, ReZeroScalesTheBranchByATrainableAlphaFromZero) {
  const auto connection = Connection("rezero");
  connection->to(at::kDouble);
  ExpectTrainableBranchScale(*connection, 0.0);
  EXPECT_FALSE(Arrangement("rezero")->traits().has_layer_norm);
  EXPECT_FALSE(Arrangement("rezero")->traits().final_layer_norm);
}

TEST(ResidualsTest, SkipInitStartsTheBranchScaleAtItsOption) {
  for (const auto& [option, initial] :
       {std::pair<OptionMap, double>{{}, 0.1}, {{{"skipinit_alpha", "0.25"}}, 0.25}}) {
    const auto connection = Connection("skipinit", option);
    connection->to(at::kDouble);
    ExpectTrainableBranchScale(*connection, initial);
  }
  EXPECT_FALSE(Arrangement("skipinit")->traits().has_layer_norm);
  EXPECT_THAT(
      std::string(CreateResidual("skipinit", {{"skipinit_alpha", "-1"}}).status().message()),
      HasSubstr("--skipinit_alpha = -1 must be a finite number >= 0"));
}

TEST(ResidualsTest, OptionsOfOtherArrangementsAreIgnoredAndBadValuesNamed) {
  // One option map serves both stacks: post ignores scaled's option.
  EXPECT_TRUE(CreateResidual("post", {{"residual_alpha", "2"}}).ok());
  absl::StatusOr<std::unique_ptr<ResidualArrangement>> bad =
      CreateResidual("scaled", {{"residual_alpha", "big"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("residual_alpha"));
  EXPECT_THAT(std::string(CreateResidual("sandwhich", {}).status().message()),
              HasSubstr("unknown residual 'sandwhich'"));
}

}  // namespace
}  // namespace plugins
