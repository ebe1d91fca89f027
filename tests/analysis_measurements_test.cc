// The analysis measurements on tiny models: shapes, exact values on constructed cases
// (δ = 0 gives 0, zero branches give β = identity on the embedding, constructed variances
// give known β), the perturbation's size, and parameter statistics of known tensors.
#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>

#include <cmath>
#include <map>
#include <string>

#include "core/model/attention.h"
#include "core/model/feed_forward.h"
#include "core/model/transformer.h"
#include "plugins/residual.h"
#include "plugins/residual_connection.h"
#include "tools/analyze/dependency.h"
#include "tools/analyze/grad_norms.h"
#include "tools/analyze/output_change.h"
#include "tools/analyze/param_stats.h"

namespace tools::analyze {
namespace {

using ::testing::ElementsAre;

constexpr int64_t kVocab = 50;
constexpr int64_t kPad = 1;

core::ModelOptions Options(const std::string& mode, int64_t encoder_layers,
                           int64_t decoder_layers) {
  core::ModelOptions options;
  options.source_vocab_size = options.target_vocab_size = kVocab;
  options.pad_id = kPad;
  options.embed_dim = 16;
  options.ffn_dim = 32;
  options.attention_heads = 2;
  options.encoder_layers = encoder_layers;
  options.decoder_layers = decoder_layers;
  options.encoder_residual = options.decoder_residual = mode;
  return options;
}

core::Transformer Model(const std::string& mode, int64_t encoder_layers = 2,
                        int64_t decoder_layers = 2) {
  at::manual_seed(3);
  return core::Transformer(Options(mode, encoder_layers, decoder_layers));
}

at::Tensor Tokens(const std::vector<int64_t>& ids, int64_t rows) {
  return at::tensor(ids, at::kLong).view({rows, -1});
}

// Three sentences with padding at the ends of the shorter ones.
core::BatchTensors Batch() {
  core::BatchTensors batch;
  batch.source = Tokens({5, 6, 7, 8, 2, 9, 10, 2, kPad, kPad, 11, 12, 13, 2, kPad}, 3);
  batch.target = Tokens({14, 15, 16, 2, 17, 2, kPad, kPad, 18, 19, 2, kPad}, 3);
  batch.decoder_input = Tokens({2, 14, 15, 16, 2, 17, kPad, kPad, 2, 18, 19, kPad}, 3);
  return batch;
}

std::map<std::string, at::Tensor> Copy(core::TransformerImpl& model) {
  std::map<std::string, at::Tensor> copy;
  for (const auto& item : model.named_parameters())
    copy[item.key()] = item.value().detach().clone();
  return copy;
}

bool NameIsPerturbed(const std::string& name) {
  return name.find("bias") == std::string::npos && name.find("layer_norm") == std::string::npos &&
         name.find("omega") == std::string::npos;
}

class OutputChangeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OutputChangeTest, ZeroDeltaGivesExactlyZero) {
  for (const DeltaKind delta : {DeltaKind::kRandomSign, DeltaKind::kGradientSign}) {
    core::Transformer model = Model(GetParam());
    OutputChangeOptions options;
    options.delta = delta;
    options.epsilon = 0;
    EXPECT_EQ(MeasureOutputChange(*model, Batch(), options), 0.0);
  }
}

TEST_P(OutputChangeTest, RandomSignsMoveEveryWeightByEpsilonAndNothingElse) {
  core::Transformer model = Model(GetParam());
  const std::map<std::string, at::Tensor> before = Copy(*model);
  OutputChangeOptions options;
  options.epsilon = 1e-2;
  const double change = MeasureOutputChange(*model, Batch(), options);
  EXPECT_GT(change, 0);
  EXPECT_TRUE(model->is_training());  // The mode is restored.
  for (const auto& item : model->named_parameters()) {
    const at::Tensor moved = (item.value().detach() - before.at(item.key())).abs();
    if (NameIsPerturbed(item.key())) {
      EXPECT_TRUE(at::allclose(moved, at::full_like(moved, 1e-2), 0, 1e-6)) << item.key();
    } else {
      EXPECT_EQ(moved.max().item<double>(), 0) << item.key();
    }
  }
  // The same seed draws the same δ: the same change.
  core::Transformer again = Model(GetParam());
  EXPECT_EQ(MeasureOutputChange(*again, Batch(), options), change);
}

TEST_P(OutputChangeTest, GradientSignsStepAgainstTheGradient) {
  core::Transformer model = Model(GetParam());
  const std::map<std::string, at::Tensor> before = Copy(*model);
  OutputChangeOptions options;
  options.delta = DeltaKind::kGradientSign;
  options.epsilon = 1e-3;
  EXPECT_GT(MeasureOutputChange(*model, Batch(), options), 0);
  const at::Tensor& weight = model->encoder->layers[0]->ffn->fc1->weight;
  const at::Tensor step = weight.detach() - before.at("encoder.layers.0.ffn.fc1.weight");
  // Every element moved by ε or (zero gradient) not at all, and some moved each way.
  EXPECT_TRUE(at::allclose(step.abs() * (step.abs() > 0),
                           at::full_like(step, 1e-3) * (step.abs() > 0), 0, 1e-6));
  EXPECT_GT((step > 0).sum().item<int64_t>(), 0);
  EXPECT_GT((step < 0).sum().item<int64_t>(), 0);
  EXPECT_FALSE(weight.grad().defined() && weight.grad().abs().sum().item<double>() != 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, OutputChangeTest, ::testing::Values("post", "pre", "admin"));

TEST(OutputChangeTest, PerturbedParametersAreTheWeightMatricesAndEmbeddings) {
  for (const char* mode : {"post", "pre", "admin"}) {
    core::Transformer model = Model(mode);
    std::vector<const void*> expected;
    for (const auto& item : model->named_parameters()) {
      if (NameIsPerturbed(item.key())) expected.push_back(item.value().data_ptr());
    }
    std::vector<const void*> selected;
    for (const at::Tensor& p : PerturbedParameters(*model)) selected.push_back(p.data_ptr());
    EXPECT_EQ(selected, expected);
  }
}

TEST(SquaredDistanceTest, CountsRealPositionsOnly) {
  const at::Tensor a = at::zeros({1, 3, 2});
  const at::Tensor b = at::tensor({1.0f, 2.0f, 0.0f, 3.0f, 100.0f, 100.0f}).view({1, 3, 2});
  const at::Tensor padding = at::tensor({0, 0, 1}).view({1, 3}).to(at::kBool);
  EXPECT_DOUBLE_EQ(SquaredDistance(a, b, padding), 1 + 4 + 9);
}

// A stack's branches output zero when their last projection is zero.
void ZeroBranches(core::TransformerImpl& model) {
  at::NoGradGuard no_grad;
  for (const core::Sublayer& s : model.Sublayers()) {
    torch::nn::Linear last = s.attention != nullptr ? s.attention->out_proj : s.feed_forward->fc2;
    last->weight.zero_();
    last->bias.zero_();
  }
}

TEST(DependencyTest, ShapesAndZeroBranchesDependOnTheEmbeddingOnly) {
  for (const char* mode : {"post", "pre", "admin"}) {
    core::Transformer model = Model(mode, 2, 3);
    ZeroBranches(*model);
    const std::vector<DependencyMatrix> matrices = MeasureDependency(*model, Batch());
    ASSERT_EQ(matrices.size(), 2u);
    EXPECT_EQ(matrices[0].stack, core::Stack::kEncoder);
    EXPECT_EQ(matrices[1].stack, core::Stack::kDecoder);
    for (const auto& [matrix, sublayers] :
         {std::pair{&matrices[0], 4}, std::pair{&matrices[1], 9}}) {
      ASSERT_EQ(matrix->beta.size(), static_cast<size_t>(sublayers));
      EXPECT_EQ(matrix->row_labels.front(), "x_1");
      EXPECT_EQ(matrix->column_labels.front(), "a_0");
      EXPECT_EQ(matrix->column_labels.back(), "a_" + std::to_string(sublayers));
      for (int i = 0; i < sublayers; ++i) {
        ASSERT_EQ(matrix->beta[i].size(), static_cast<size_t>(sublayers + 1));
        EXPECT_NEAR(matrix->beta[i][0], 1.0, 1e-12);
        for (int j = 1; j <= sublayers; ++j) {
          if (j <= i + 1) {
            EXPECT_EQ(matrix->beta[i][j], 0.0) << i << "," << j;
          } else {
            EXPECT_TRUE(std::isnan(matrix->beta[i][j])) << i << "," << j;
          }
        }
      }
    }
  }
}

// Rows of d = 4 channels whose population std over channels is exactly 1.
at::Tensor UnitRows(bool alternate) {
  const at::Tensor row =
      alternate ? at::tensor({1.0f, -1.0f, 1.0f, -1.0f}) : at::tensor({1.0f, 1.0f, -1.0f, -1.0f});
  return row.view({1, 1, 4}).expand({2, 3, 4}).contiguous();
}

// The connection arrangement `name` builds for a sublayer of width 4.
std::shared_ptr<plugins::ResidualConnection> Connection(const std::string& name) {
  absl::StatusOr<std::unique_ptr<plugins::ResidualArrangement>> arrangement =
      plugins::Residuals().Create(name, {});
  EXPECT_TRUE(arrangement.ok()) << arrangement.status();
  plugins::ResidualSite site;
  site.embed_dim = 4;
  return (*arrangement)->Connect(site);
}

TEST(DependencyTest, ConstructedVariancesGiveKnownBeta) {
  const at::Tensor padding = at::zeros({2, 3}, at::kBool);
  // Pre-LN: x_2 = x_0 + a_1 + a_2 with component stds 3, 4, 12 (norm 13).
  const auto pre = Connection("pre");
  core::Sublayer first;
  first.residual = pre.get();
  core::Sublayer second = first;
  second.index = 1;
  DependencyTracker tracker;
  const at::Tensor x0 = 3 * UnitRows(true), a1 = 4 * UnitRows(false), a2 = 12 * UnitRows(true);
  tracker.OnBranch({first, x0, a1, padding});
  tracker.OnBranch({second, x0 + a1, a2, padding});
  std::vector<DependencyMatrix> matrices = tracker.matrices();
  ASSERT_EQ(matrices.size(), 1u);
  EXPECT_NEAR(matrices[0].beta[0][0], 0.6, 1e-6);
  EXPECT_NEAR(matrices[0].beta[0][1], 0.8, 1e-6);
  EXPECT_NEAR(matrices[0].beta[1][0], 3.0 / 13, 1e-6);
  EXPECT_NEAR(matrices[0].beta[1][1], 4.0 / 13, 1e-6);
  EXPECT_NEAR(matrices[0].beta[1][2], 12.0 / 13, 1e-6);

  // Post-LN: x_1 = LN(3p + 4q) = (3p + 4q) / 5 for orthogonal unit patterns p, q; the next
  // branch (std 12) joins the normalised x_1, so x_2's components have stds 0.6, 0.8, 12.
  const auto post = Connection("post");
  core::Sublayer post_first;
  post_first.residual = post.get();
  core::Sublayer post_second = post_first;
  post_second.index = 1;
  DependencyTracker post_tracker;
  post_tracker.OnBranch({post_first, x0, a1, padding});
  post_tracker.OnBranch({post_second, (x0 + a1) / 5, a2, padding});
  matrices = post_tracker.matrices();
  EXPECT_NEAR(matrices[0].beta[0][0], 0.6, 1e-6);
  EXPECT_NEAR(matrices[0].beta[1][0], 0.6 / std::sqrt(145.0), 1e-6);
  EXPECT_NEAR(matrices[0].beta[1][1], 0.8 / std::sqrt(145.0), 1e-6);
  EXPECT_NEAR(matrices[0].beta[1][2], 12 / std::sqrt(145.0), 1e-6);

  // Admin: ω = 2 scales the shortcut (3 → 6) and not the branch (4); a uniform LayerNorm
  // gain scales both and cancels.
  const auto admin = Connection("admin");
  {
    at::NoGradGuard no_grad;
    admin->shortcut_scale().fill_(2);
    admin->layer_norm->weight.fill_(0.5);
  }
  core::Sublayer admin_first;
  admin_first.residual = admin.get();
  DependencyTracker admin_tracker;
  admin_tracker.OnBranch({admin_first, x0, a1, padding});
  matrices = admin_tracker.matrices();
  EXPECT_NEAR(matrices[0].beta[0][0], 6 / std::sqrt(52.0), 1e-6);
  EXPECT_NEAR(matrices[0].beta[0][1], 4 / std::sqrt(52.0), 1e-6);
}

TEST(GradNormsTest, OneNormPerSublayerInOrder) {
  core::Transformer model = Model("post", 2, 1);
  const std::vector<SublayerGradNorm> norms = MeasureGradNorms(*model, Batch(), 0.1);
  const std::vector<core::Sublayer> sublayers = model->Sublayers();
  ASSERT_EQ(norms.size(), sublayers.size());
  for (size_t i = 0; i < norms.size(); ++i) {
    EXPECT_EQ(norms[i].name, sublayers[i].name);
    EXPECT_EQ(norms[i].role, sublayers[i].role);
    EXPECT_TRUE(std::isfinite(norms[i].norm) && norms[i].norm > 0) << norms[i].name;
  }
  for (const at::Tensor& p : model->parameters()) {
    EXPECT_FALSE(p.grad().defined() && p.grad().abs().sum().item<double>() != 0);
  }
}

TEST(GradNormsTest, ZeroDecoderBranchesPassTheSameGradientAndNoneToTheEncoder) {
  // Pre-LN decoder with zero branches: x_i = x_{i-1}, so every decoder output has the same
  // gradient; the encoder-attention output projection is zero, so the encoder gets none.
  core::Transformer model = Model("pre", 2, 2);
  {
    at::NoGradGuard no_grad;
    for (const core::Sublayer& s : model->Sublayers()) {
      if (s.stack != core::Stack::kDecoder) continue;
      torch::nn::Linear last = s.attention != nullptr ? s.attention->out_proj : s.feed_forward->fc2;
      last->weight.zero_();
      last->bias.zero_();
    }
  }
  const std::vector<SublayerGradNorm> norms = MeasureGradNorms(*model, Batch(), 0.1);
  ASSERT_EQ(norms.size(), 4u + 6u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(norms[i].norm, 0) << norms[i].name;
  EXPECT_GT(norms[4].norm, 0);
  for (size_t i = 5; i < norms.size(); ++i) {
    EXPECT_NEAR(norms[i].norm, norms[4].norm, 1e-6 * norms[4].norm) << norms[i].name;
  }
}

TEST(ParamStatsTest, TheInitAuditListsWhatWasNotWritten) {
  core::ModelOptions options;
  options.source_vocab_size = options.target_vocab_size = 30;
  options.embed_dim = 8;
  options.ffn_dim = 16;
  options.attention_heads = 2;
  options.encoder_layers = options.decoder_layers = 1;
  options.encoder_residual = options.decoder_residual = "rezero";
  core::Transformer model(options);
  const std::vector<int64_t> versions = ParameterVersions(*model);
  std::vector<std::string> expected;
  {
    // An "initializer" that writes every parameter but fc2's weights and the ReZero scales.
    at::NoGradGuard no_grad;
    for (const auto& item : model->named_parameters()) {
      const bool skip = item.key().find("fc2.weight") != std::string::npos ||
                        item.key().find("branch_scale") != std::string::npos;
      if (skip) {
        expected.push_back(item.key());
      } else {
        item.value().mul_(1.0);  // a write, even one that keeps the values
      }
    }
  }
  EXPECT_EQ(ParametersNotWrittenSince(*model, versions), expected);
  EXPECT_THAT(expected, ::testing::Contains("encoder.layers.0.ffn.fc2.weight"));
  EXPECT_THAT(expected, ::testing::Contains("decoder.layers.0.encoder_attn_residual.branch_scale"));
}

TEST(ParamStatsTest, KnownTensors) {
  torch::nn::Module module;
  module.register_parameter("matrix", at::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({2, 2}));
  module.register_parameter("scalar", at::tensor({7.0f}));
  const std::vector<ParameterStats> stats = ComputeParameterStats(module);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].name, "matrix");
  EXPECT_THAT(stats[0].shape, ElementsAre(2, 2));
  EXPECT_EQ(stats[0].elements, 4);
  EXPECT_DOUBLE_EQ(stats[0].mean, 2.5);
  EXPECT_DOUBLE_EQ(stats[0].std, std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(stats[0].norm, std::sqrt(30.0));
  EXPECT_EQ(stats[1].name, "scalar");
  EXPECT_DOUBLE_EQ(stats[1].mean, 7);
  EXPECT_EQ(stats[1].std, 0);
  EXPECT_DOUBLE_EQ(stats[1].norm, 7);
}

}  // namespace
}  // namespace tools::analyze
