// The whole encoder-decoder: shapes, masks, residual modes, names, observer, bad input.
#include "core/model/transformer.h"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/residual_connection.h"

namespace core {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kPad = 0;
constexpr int64_t kVocab = 50;

ModelOptions SmallOptions(const std::string& mode = "post") {
  ModelOptions options;
  options.source_vocab_size = options.target_vocab_size = kVocab;
  options.pad_id = kPad;
  options.embed_dim = 16;
  options.ffn_dim = 32;
  options.attention_heads = 4;
  options.encoder_layers = 3;
  options.decoder_layers = 2;
  options.encoder_residual = options.decoder_residual = mode;
  options.max_positions = 64;
  return options;
}

Transformer EvalModel(const ModelOptions& options, uint64_t seed = 7) {
  at::manual_seed(seed);
  Transformer model(options);
  model->eval();
  return model;
}

at::Tensor RandomTokens(int64_t batch, int64_t length, uint64_t seed) {
  at::manual_seed(seed);
  return at::randint(1, kVocab, {batch, length}, at::kLong);
}

TEST(TransformerTest, OutputShapes) {
  for (bool shared : {true, false}) {
    ModelOptions options = SmallOptions();
    options.share_all_embeddings = shared;
    options.target_vocab_size = shared ? kVocab : 37;
    Transformer model = EvalModel(options);
    const at::Tensor source = RandomTokens(3, 7, 1);
    const at::Tensor target = at::randint(1, options.target_vocab_size, {3, 5}, at::kLong);
    const EncoderOutput encoded = model->Encode(source);
    EXPECT_EQ(encoded.states.sizes(), (std::vector<int64_t>{3, 7, 16}));
    EXPECT_EQ(model->Decode(target, encoded).sizes(),
              (std::vector<int64_t>{3, 5, options.target_vocab_size}));
  }
}

TEST(TransformerTest, SharedEmbeddingsAreOneParameter) {
  Transformer shared = EvalModel(SmallOptions());
  ModelOptions options = SmallOptions();
  options.share_all_embeddings = false;
  Transformer separate = EvalModel(options);
  const int64_t table = kVocab * 16;
  auto count = [](Transformer& model) {
    int64_t total = 0;
    for (const at::Tensor& p : model->parameters()) total += p.numel();
    return total;
  };
  // Separate: a second embedding and an output projection.
  EXPECT_EQ(count(separate) - count(shared), 2 * table);
  EXPECT_TRUE(shared->decoder->output_projection.is_same(shared->encoder->embed_tokens->weight));
}

TEST(TransformerTest, FutureTargetTokensNeverChangeEarlierOutputs) {
  for (const char* mode : {"post", "pre"}) {
    Transformer model = EvalModel(SmallOptions(mode));
    const at::Tensor source = RandomTokens(2, 6, 3);
    at::Tensor target = RandomTokens(2, 8, 4);
    const at::Tensor before = model->forward(source, target);
    target.narrow(1, 5, 3).fill_(9);
    const at::Tensor after = model->forward(source, target);
    EXPECT_TRUE(at::allclose(before.narrow(1, 0, 5), after.narrow(1, 0, 5), 1e-5, 1e-6));
    EXPECT_FALSE(at::allclose(before.narrow(1, 5, 3), after.narrow(1, 5, 3)));
  }
}

TEST(TransformerTest, PaddingChangesNoRealPosition) {
  for (const char* mode : {"post", "pre", "none"}) {
    Transformer model = EvalModel(SmallOptions(mode));
    const at::Tensor source = RandomTokens(1, 6, 5);
    const at::Tensor target = RandomTokens(1, 4, 6);
    const at::Tensor reference = model->forward(source, target);
    // Source padded on both sides, target padded on the right, in a batch of two.
    at::Tensor padded_source = at::full({2, 10}, kPad, at::kLong);
    padded_source.narrow(1, 2, 6).select(0, 0).copy_(source[0]);
    padded_source[1].narrow(0, 0, 9).copy_(RandomTokens(1, 9, 8)[0]);
    at::Tensor padded_target = at::full({2, 7}, kPad, at::kLong);
    padded_target[0].narrow(0, 0, 4).copy_(target[0]);
    padded_target[1].copy_(RandomTokens(1, 7, 9)[0]);
    const at::Tensor padded = model->forward(padded_source, padded_target);
    EXPECT_TRUE(at::allclose(padded[0].narrow(0, 0, 4), reference[0], 1e-5, 1e-5)) << mode;
  }
}

TEST(TransformerTest, AdminWithUnitOmegaEqualsPostLnExactly) {
  Transformer post = EvalModel(SmallOptions("post"), 11);
  Transformer admin = EvalModel(SmallOptions("admin"), 12);
  {
    at::NoGradGuard no_grad;
    auto admin_parameters = admin->named_parameters();
    for (const auto& item : post->named_parameters()) {
      admin_parameters[item.key()].copy_(item.value());
    }
  }
  const at::Tensor source = RandomTokens(2, 6, 13);
  const at::Tensor target = RandomTokens(2, 5, 14);
  EXPECT_TRUE(at::equal(post->forward(source, target), admin->forward(source, target)));
  // And ω ≠ 1 is a different model.
  {
    at::NoGradGuard no_grad;
    admin->Sublayers()[1].residual->shortcut_scale().fill_(2.0);
  }
  EXPECT_FALSE(at::allclose(post->forward(source, target), admin->forward(source, target)));
}

TEST(TransformerTest, ScaledResidualUsesAlpha) {
  ModelOptions options = SmallOptions("scaled");
  options.residual_options["residual_alpha"] = "2.5";
  Transformer model = EvalModel(options);
  for (const Sublayer& sublayer : model->Sublayers()) {
    EXPECT_DOUBLE_EQ(sublayer.residual->shortcut_scale().item<double>(), 2.5) << sublayer.name;
    EXPECT_FALSE(sublayer.residual->shortcut_scale().requires_grad());
  }
}

TEST(TransformerTest, SublayersCoverEveryStackInOrderWithStableNames) {
  Transformer model = EvalModel(SmallOptions("admin"));
  const std::vector<Sublayer> sublayers = model->Sublayers();
  ASSERT_EQ(sublayers.size(), 2u * 3 + 3u * 2);
  EXPECT_EQ(sublayers[0].name, "encoder.layers.0.self_attn");
  EXPECT_EQ(sublayers[5].name, "encoder.layers.2.ffn");
  EXPECT_EQ(sublayers[7].name, "decoder.layers.0.encoder_attn");
  EXPECT_EQ(sublayers[7].index, 1);
  auto parameters = model->named_parameters();
  for (const char* name :
       {"encoder.embed_tokens.weight", "encoder.layers.2.self_attn.v_proj.weight",
        "encoder.layers.0.self_attn_residual.omega", "decoder.layers.1.encoder_attn.out_proj.bias",
        "decoder.layers.1.ffn_residual.layer_norm.weight", "decoder.layers.0.ffn.fc2.weight"}) {
    EXPECT_TRUE(parameters.contains(name)) << name;
  }
  // The sublayer's modules are the ones under its name.
  EXPECT_TRUE(sublayers[2].attention->v_proj->weight.is_same(
      parameters["encoder.layers.1.self_attn.v_proj.weight"]));
  EXPECT_TRUE(sublayers[8].residual->shortcut_scale().is_same(
      parameters["decoder.layers.0.ffn_residual.omega"]));
}

TEST(TransformerTest, PreLnHasFinalLayerNormsOthersDoNot) {
  EXPECT_TRUE(EvalModel(SmallOptions("pre"))
                  ->named_parameters()
                  .contains("decoder.final_layer_norm.weight"));
  EXPECT_FALSE(EvalModel(SmallOptions("post"))
                   ->named_parameters()
                   .contains("encoder.final_layer_norm.weight"));
}

// Records every event, and doubles ω of one sublayer from inside the forward pass.
class RecordingObserver : public SublayerObserver {
 public:
  void OnBranch(const SublayerEvent& event) override {
    names.push_back(event.sublayer.name);
    EXPECT_EQ(event.shortcut.sizes(), event.branch.sizes());
    EXPECT_EQ(event.padding_mask.size(1), event.branch.size(1));
    if (event.sublayer.name == "encoder.layers.1.ffn") {
      at::NoGradGuard no_grad;
      event.sublayer.residual->shortcut_scale().fill_(2.0);
    }
  }
  void OnOutput(const Sublayer& sublayer, const at::Tensor&) override { ++outputs; }
  std::vector<std::string> names;
  int outputs = 0;
};

TEST(TransformerTest, ObserverSeesEverySublayerAndCanSetOmegaBeforeTheSum) {
  Transformer model = EvalModel(SmallOptions("admin"));
  const at::Tensor source = RandomTokens(2, 6, 15);
  const at::Tensor target = RandomTokens(2, 5, 16);
  const at::Tensor before = model->forward(source, target);
  RecordingObserver observer;
  const at::Tensor observed = model->forward(source, target, &observer);
  ASSERT_EQ(observer.names.size(), 12u);
  EXPECT_EQ(observer.names.front(), "encoder.layers.0.self_attn");
  EXPECT_EQ(observer.names.back(), "decoder.layers.1.ffn");
  EXPECT_EQ(observer.outputs, 12);
  // ω was 2 in the observed pass already: the output differs from the unobserved one
  // and equals a later pass without the observer.
  EXPECT_FALSE(at::allclose(before, observed));
  EXPECT_TRUE(at::equal(observed, model->forward(source, target)));
}

TEST(TransformerTest, StepByStepDecodingEqualsTeacherForcing) {
  for (const char* mode : {"post", "pre"}) {
    Transformer model = EvalModel(SmallOptions(mode));
    const at::Tensor source = RandomTokens(2, 6, 17);
    const at::Tensor target = RandomTokens(2, 5, 18);
    const EncoderOutput encoded = model->Encode(source);
    const at::Tensor full = model->Decode(target, encoded);
    DecoderState state = model->StartDecoding();
    for (int64_t t = 0; t < 5; ++t) {
      const at::Tensor step = model->DecodeStep(target.select(1, t), encoded, state);
      EXPECT_TRUE(at::allclose(step, full.select(1, t), 1e-5, 1e-5)) << "step " << t;
    }
  }
}

TEST(TransformerTest, FollowsTheModelsDtype) {
  Transformer model = EvalModel(SmallOptions("admin"));
  model->to(at::kDouble);
  const at::Tensor logits = model->forward(RandomTokens(2, 4, 19), RandomTokens(2, 3, 20));
  EXPECT_EQ(logits.scalar_type(), at::kDouble);
}

std::string ErrorOf(const std::function<void()>& run) {
  try {
    run();
  } catch (const c10::Error& error) {
    return error.what_without_backtrace();
  }
  return "no error";
}

TEST(TransformerTest, BadInputGivesClearErrors) {
  Transformer model = EvalModel(SmallOptions());
  const at::Tensor good = RandomTokens(2, 4, 21);
  EXPECT_THAT(ErrorOf([&] { model->forward(good.clone().fill_(kVocab), good); }),
              HasSubstr("source token id 50 is outside the vocabulary [0, 50)"));
  EXPECT_THAT(ErrorOf([&] { model->forward(good, good.clone().fill_(-3)); }),
              HasSubstr("target token id -3 is outside the vocabulary"));
  EXPECT_THAT(ErrorOf([&] {
                model->forward(at::zeros({0, 4}, at::kLong), good);
              }),
              HasSubstr("empty source batch"));
  EXPECT_THAT(ErrorOf([&] { model->forward(good, RandomTokens(3, 4, 22)); }),
              HasSubstr("source batch has 2 sentences but target batch has 3"));
  EXPECT_THAT(ErrorOf([&] { model->forward(good.to(at::kFloat), good); }),
              HasSubstr("source tokens must be int64"));
  EXPECT_THAT(ErrorOf([&] { model->forward(good.clone().fill_(kPad), good); }),
              HasSubstr("source batch has a sequence made only of padding"));
  EXPECT_THAT(ErrorOf([&] { model->forward(good, RandomTokens(2, 65, 23)); }),
              HasSubstr("target length 65 exceeds max_positions = 64"));
  ModelOptions bad = SmallOptions();
  bad.attention_heads = 5;
  EXPECT_THAT(ErrorOf([&] { Transformer invalid(bad); }),
              HasSubstr("embed_dim = 16 is not divisible by attention_heads = 5"));
}

}  // namespace
}  // namespace core
