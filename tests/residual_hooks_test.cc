// The residual arrangements that reach inside a branch or across sublayers, on a whole tiny
// model against their formulas written out: Sub-LN's inner LayerNorms (BranchInner) sit before
// attention's output projection and the feed-forward's second matrix; B2T's and ResiDual's
// stack state (plugins::ResidualStack) gives the outputs of their papers, and step-by-step
// decoding agrees with teacher forcing; Magneto's gains.
#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/model/attention.h"
#include "core/model/feed_forward.h"
#include "core/model/transformer.h"
#include "initializers/residual_scales.h"
#include "plugins/initializer.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kDim = 16;
constexpr int64_t kFfn = 24;

core::ModelOptions Tiny(const std::string& residual, int64_t layers = 3) {
  core::ModelOptions options;
  options.source_vocab_size = options.target_vocab_size = 40;
  options.embed_dim = kDim;
  options.ffn_dim = kFfn;
  options.attention_heads = 2;
  options.encoder_layers = options.decoder_layers = layers;
  options.encoder_residual = options.decoder_residual = residual;
  return options;
}

at::Tensor Tokens(int64_t seed, int64_t length = 5) {
  at::manual_seed(seed);
  return at::randint(1, 40, {2, length}, at::kLong);
}

// LayerNorm with γ = 1, β = 0 (LibTorch's initial values), written out.
at::Tensor Normalize(const at::Tensor& x) {
  const at::Tensor mean = x.mean(-1, /*keepdim=*/true);
  return (x - mean) / ((x - mean).pow(2).mean(-1, /*keepdim=*/true) + 1e-5).sqrt();
}

void ExpectClose(const at::Tensor& actual, const at::Tensor& expected, const std::string& what) {
  EXPECT_TRUE(at::allclose(actual, expected, 1e-4, 1e-5))
      << what << ": max difference " << (actual - expected).abs().max().item<double>();
}

// Each sublayer's shortcut and branch contribution, in execution order.
class Recorder : public core::SublayerObserver {
 public:
  void OnBranch(const core::SublayerEvent& event) override {
    shortcuts.push_back(event.shortcut);
    branches.push_back(event.branch);
  }
  std::vector<at::Tensor> shortcuts;
  std::vector<at::Tensor> branches;
};

// The encoder's padding mask of `tokens` (none here) and its input x_0, as the model saw it.
struct EncoderRun {
  at::Tensor mask;
  at::Tensor input;
  at::Tensor output;
};

EncoderRun RunEncoder(core::Transformer& model, const at::Tensor& source) {
  Recorder recorder;
  const core::EncoderOutput encoded = model->Encode(source, &recorder);
  return {encoded.padding_mask, recorder.shortcuts.front(), encoded.states};
}

TEST(ResidualHooksTest, SubLnNormalizesBeforeTheOutputProjectionAndTheSecondMatrix) {
  at::manual_seed(1);
  core::Transformer model(Tiny("subln", 2));
  model->eval();
  at::NoGradGuard no_grad;
  // γ = 0, β = c in every inner LayerNorm: a branch whose last matrix reads LN'(·) gives
  // W·c + b at every position, whatever its input.
  for (const auto& parameter : model->named_parameters()) {
    if (parameter.key().find("inner_layer_norm.weight") != std::string::npos) parameter->zero_();
    if (parameter.key().find("inner_layer_norm.bias") != std::string::npos) {
      parameter->copy_(at::linspace(-1, 1, parameter->numel()));
    }
  }
  Recorder recorder;
  model->forward(Tokens(2), Tokens(3), &recorder);
  const std::vector<core::Sublayer> sublayers = model->Sublayers();
  ASSERT_EQ(recorder.branches.size(), sublayers.size());
  for (size_t i = 0; i < sublayers.size(); ++i) {
    const core::Sublayer& s = sublayers[i];
    torch::nn::Linear last =
        s.attention != nullptr ? s.attention->out_proj : s.feed_forward->fc2;
    const at::Tensor constant = last->forward(at::linspace(-1, 1, last->weight.size(1)));
    ExpectClose(recorder.branches[i], constant.expand_as(recorder.branches[i]), s.name);
  }
}

TEST(ResidualHooksTest, SubLnFeedForwardIsItsFormula) {
  at::manual_seed(1);
  core::Transformer model(Tiny("subln", 1));
  model->eval();
  at::NoGradGuard no_grad;
  Recorder recorder;
  model->Encode(Tokens(2), &recorder);
  // x + fc2(LN'(relu(fc1(LN(x))))), LN' over the hidden width.
  core::FeedForward ffn = model->encoder->layers[0]->ffn;
  const at::Tensor x = recorder.shortcuts[1];
  ExpectClose(recorder.branches[1], ffn->fc2(Normalize(at::relu(ffn->fc1(Normalize(x))))), "ffn");
  EXPECT_EQ(model->named_parameters()["encoder.layers.0.ffn_residual.inner_layer_norm.weight"]
                .numel(),
            kFfn);
}

TEST(ResidualHooksTest, B2TAddsTheLayerInputInsideItsLastLayerNorm) {
  at::manual_seed(1);
  core::Transformer model(Tiny("b2t"));
  model->eval();
  at::NoGradGuard no_grad;
  const EncoderRun run = RunEncoder(model, Tokens(2));
  at::Tensor x = run.input;
  for (core::EncoderLayer& layer : model->encoder->layers) {
    const at::Tensor h = Normalize(x + layer->self_attn(x, x, run.mask, /*causal=*/false));
    x = Normalize(h + layer->ffn(h) + x);
  }
  ExpectClose(run.output, x, "encoder output");
  EXPECT_FALSE(model->encoder->final_layer_norm);
}

TEST(ResidualHooksTest, ResiDualAddsTheNormalizedDualStreamAtTheEnd) {
  at::manual_seed(1);
  core::Transformer model(Tiny("resi_dual"));
  model->eval();
  at::NoGradGuard no_grad;
  const EncoderRun run = RunEncoder(model, Tokens(2));
  at::Tensor post = run.input;
  at::Tensor dual = run.input;
  for (core::EncoderLayer& layer : model->encoder->layers) {
    at::Tensor f = layer->self_attn(post, post, run.mask, /*causal=*/false);
    dual = dual + f;
    post = Normalize(post + f);
    f = layer->ffn(post);
    dual = dual + f;
    post = Normalize(post + f);
  }
  ExpectClose(run.output, post + Normalize(dual), "encoder output");
  EXPECT_EQ(model->named_parameters()["encoder.residual_stack.layer_norm.weight"].numel(), kDim);
  EXPECT_EQ(model->named_parameters()["decoder.residual_stack.layer_norm.bias"].numel(), kDim);
}

TEST(ResidualHooksTest, StackStateDecodesStepByStepAsTeacherForcing) {
  for (const std::string residual : {"b2t", "resi_dual", "subln"}) {
    SCOPED_TRACE(residual);
    at::manual_seed(1);
    core::Transformer model(Tiny(residual, 2));
    model->eval();
    at::NoGradGuard no_grad;
    const core::EncoderOutput encoded = model->Encode(Tokens(2));
    const at::Tensor previous = Tokens(3, 4);
    const at::Tensor forced = model->Decode(previous, encoded);
    core::DecoderState state = model->StartDecoding();
    for (int64_t t = 0; t < previous.size(1); ++t) {
      ExpectClose(model->DecodeStep(previous.select(1, t), encoded, state), forced.select(1, t),
                  "step " + std::to_string(t));
    }
  }
}

TEST(MagnetoInitializerTest, ScalesValueOutputAndFeedForwardByTheGains) {
  const MagnetoGains six = EncoderDecoderMagneto(6, 6);
  EXPECT_NEAR(six.encoder, std::sqrt(std::log(18.0) * std::log(12.0) / 3), 1e-12);
  EXPECT_NEAR(six.encoder, 1.5473, 1e-4);
  EXPECT_NEAR(six.decoder, 1.7001, 1e-4);

  auto initializer = Initializers().Create("magneto", {});
  ASSERT_TRUE(initializer.ok());
  const core::ModelOptions options = Tiny("subln", 2);
  ASSERT_TRUE((*initializer)->CheckModelOptions(options).ok());
  at::manual_seed(1);
  core::Transformer magneto(options);
  ASSERT_TRUE((*initializer)->Initialize(*magneto, {}).ok());
  at::manual_seed(1);
  core::Transformer fairseq(options);
  ASSERT_TRUE((*Initializers().Create("default", {}))->Initialize(*fairseq, {}).ok());
  const MagnetoGains gains = EncoderDecoderMagneto(2, 2);
  const auto scaled = magneto->named_parameters();
  for (const auto& parameter : fairseq->named_parameters()) {
    const std::string& name = parameter.key();
    const bool gained = name.find("v_proj.weight") != std::string::npos ||
                        name.find("out_proj.weight") != std::string::npos ||
                        name.find("fc1.weight") != std::string::npos ||
                        name.find("fc2.weight") != std::string::npos;
    const double gain = !gained                    ? 1.0
                        : name.rfind("encoder", 0) == 0 ? gains.encoder
                                                        : gains.decoder;
    // The same draws (same seed, same order): exactly fairseq's values times the gain.
    ExpectClose(scaled[name], parameter.value() * gain, name);
  }
  EXPECT_THAT((*initializer)->CheckModelOptions(Tiny("pre")).message(),
              HasSubstr("needs a LayerNorm inside every branch in both stacks"));
}

}  // namespace
}  // namespace plugins
