// One encoder layer against PyTorch's nn.TransformerEncoderLayer(norm_first=False/True),
// from golden values (tests/golden/make_encoder_layer_golden.py).
#include "core/model/transformer_layer.h"

#include <gtest/gtest.h>
#include <torch/nn/utils.h>

#include "tests/golden_tensors.h"

namespace core {
namespace {

ModelOptions GoldenLayerOptions(const std::string& mode) {
  ModelOptions options;
  options.embed_dim = 8;
  options.attention_heads = 2;
  options.ffn_dim = 16;
  options.dropout = options.attention_dropout = options.activation_dropout = 0;
  options.encoder_residual = mode;
  return options;
}

void CopyGoldenWeights(EncoderLayer& layer, std::map<std::string, at::Tensor>& golden) {
  at::NoGradGuard no_grad;
  const std::pair<torch::nn::Linear, std::string> linears[] = {
      {layer->self_attn->q_proj, "q_proj"},
      {layer->self_attn->k_proj, "k_proj"},
      {layer->self_attn->v_proj, "v_proj"},
      {layer->self_attn->out_proj, "out_proj"},
      {layer->ffn->fc1, "fc1"},
      {layer->ffn->fc2, "fc2"}};
  for (const auto& [linear, name] : linears) {
    linear->weight.copy_(golden.at(name + ".weight"));
    linear->bias.copy_(golden.at(name + ".bias"));
  }
  const std::pair<torch::nn::LayerNorm, std::string> norms[] = {
      {layer->self_attn_residual->layer_norm, "norm1"}, {layer->ffn_residual->layer_norm, "norm2"}};
  for (const auto& [norm, name] : norms) {
    norm->weight.copy_(golden.at(name + ".weight"));
    norm->bias.copy_(golden.at(name + ".bias"));
  }
}

void ExpectMatchesPyTorch(const std::string& mode, const std::string& file) {
  std::map<std::string, at::Tensor> golden = testing_util::ReadGoldenTensors(file);
  EncoderLayer layer(GoldenLayerOptions(mode), 0);
  CopyGoldenWeights(layer, golden);
  layer->eval();
  const at::Tensor padding = golden.at("padding").to(at::kBool);
  const at::Tensor output = layer(golden.at("input"), padding, nullptr);
  // Padding rows are not compared: PyTorch leaves them unspecified.
  const at::Tensor real = padding.logical_not().unsqueeze(-1).expand_as(output);
  EXPECT_TRUE(at::allclose(output.masked_select(real), golden.at("output").masked_select(real),
                           /*rtol=*/1e-5, /*atol=*/1e-5))
      << "max difference " << (output - golden.at("output")).abs().masked_select(real).max();
}

TEST(TransformerLayerTest, PostLnMatchesPyTorchNormFirstFalse) {
  ExpectMatchesPyTorch("post", "tests/golden/encoder_layer_post.txt");
}

TEST(TransformerLayerTest, PreLnMatchesPyTorchNormFirstTrue) {
  ExpectMatchesPyTorch("pre", "tests/golden/encoder_layer_pre.txt");
}

TEST(TransformerLayerTest, AdminWithUnitOmegaMatchesPostLn) {
  ExpectMatchesPyTorch("admin", "tests/golden/encoder_layer_post.txt");
}

TEST(TransformerLayerTest, SublayersAreNamedAndIndexedInExecutionOrder) {
  ModelOptions options = GoldenLayerOptions("post");
  DecoderLayer decoder_layer(options, 4);
  ASSERT_EQ(decoder_layer->sublayers().size(), 3u);
  EXPECT_EQ(decoder_layer->sublayers()[0].name, "decoder.layers.4.self_attn");
  EXPECT_EQ(decoder_layer->sublayers()[1].name, "decoder.layers.4.encoder_attn");
  EXPECT_EQ(decoder_layer->sublayers()[2].name, "decoder.layers.4.ffn");
  EXPECT_EQ(decoder_layer->sublayers()[2].index, 14);
  EXPECT_EQ(decoder_layer->sublayers()[1].attention, decoder_layer->encoder_attn.get());
  EXPECT_EQ(decoder_layer->sublayers()[2].feed_forward, decoder_layer->ffn.get());
  EncoderLayer encoder_layer(options, 2);
  EXPECT_EQ(encoder_layer->sublayers()[1].name, "encoder.layers.2.ffn");
  EXPECT_EQ(encoder_layer->sublayers()[1].index, 5);
}

TEST(TransformerLayerTest, ResidualModesOwnTheRightParameters) {
  auto names = [](const std::string& mode) {
    EncoderLayer layer(GoldenLayerOptions(mode), 0);
    std::set<std::string> result;
    for (const auto& item : layer->named_parameters()) result.insert(item.key());
    for (const auto& item : layer->named_buffers()) result.insert(item.key());
    return result;
  };
  EXPECT_TRUE(names("admin").count("self_attn_residual.omega"));
  EXPECT_TRUE(names("scaled").count("ffn_residual.alpha"));
  EXPECT_FALSE(names("post").count("self_attn_residual.omega"));
  EXPECT_FALSE(names("none").count("self_attn_residual.layer_norm.weight"));
  EXPECT_TRUE(names("pre").count("ffn_residual.layer_norm.weight"));
  EXPECT_TRUE(names("post").count("self_attn.v_proj.weight"));
}

}  // namespace
}  // namespace core
