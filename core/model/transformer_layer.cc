#include "core/model/transformer_layer.h"

#include <string>

namespace core {
namespace {

// The connections of one layer's sublayers, from its stack's arrangement; the last sublayer
// is the feed-forward one.
std::vector<std::shared_ptr<plugins::ResidualConnection>> ConnectLayer(
    const ModelOptions& options, bool decoder, int64_t layer, plugins::ResidualStack* stack) {
  const std::unique_ptr<plugins::ResidualArrangement> arrangement =
      ArrangementOrDie(options, decoder);
  plugins::ResidualSite site = StackSite(options, decoder);
  site.layer = layer;
  site.sublayers = decoder ? 3 : 2;
  site.stack = stack;
  std::vector<std::shared_ptr<plugins::ResidualConnection>> connections;
  for (site.sublayer = 0; site.sublayer < site.sublayers; ++site.sublayer) {
    site.inner_dim = site.sublayer + 1 == site.sublayers ? options.ffn_dim : options.embed_dim;
    connections.push_back(arrangement->Connect(site));
  }
  return connections;
}

// The branch's BranchInner hook, for attention's and the feed-forward's `before_output`.
std::function<torch::Tensor(const torch::Tensor&)> InnerOf(
    const std::shared_ptr<plugins::ResidualConnection>& residual) {
  return [residual = residual.get()](const torch::Tensor& hidden) {
    return residual->BranchInner(hidden);
  };
}

Sublayer Describe(Stack stack, int64_t layer, SublayerRole role, int64_t index,
                  plugins::ResidualConnection* residual, MultiheadAttentionImpl* attention,
                  FeedForwardImpl* feed_forward) {
  Sublayer sublayer;
  sublayer.name = std::string(StackName(stack)) + ".layers." + std::to_string(layer) + "." +
                  SublayerRoleName(role);
  sublayer.stack = stack;
  sublayer.layer = layer;
  sublayer.role = role;
  sublayer.index = index;
  sublayer.residual = residual;
  sublayer.attention = attention;
  sublayer.feed_forward = feed_forward;
  return sublayer;
}

}  // namespace

std::unique_ptr<plugins::ResidualArrangement> ArrangementOrDie(const ModelOptions& options,
                                                              bool decoder) {
  absl::StatusOr<std::unique_ptr<plugins::ResidualArrangement>> arrangement =
      ResidualArrangementOf(options, decoder);
  TORCH_CHECK(arrangement.ok(), std::string(arrangement.status().message()));
  return *std::move(arrangement);
}

plugins::ResidualSite StackSite(const ModelOptions& options, bool decoder) {
  plugins::ResidualSite site;
  site.embed_dim = options.embed_dim;
  site.decoder = decoder;
  site.layers = decoder ? options.decoder_layers : options.encoder_layers;
  return site;
}

EncoderLayerImpl::EncoderLayerImpl(const ModelOptions& options, int64_t layer,
                                   plugins::ResidualStack* stack)
    : dropout_(options.dropout) {
  const auto connections = ConnectLayer(options, /*decoder=*/false, layer, stack);
  self_attn = register_module(
      "self_attn",
      MultiheadAttention(options.embed_dim, options.attention_heads, options.attention_dropout));
  self_attn_residual = register_module("self_attn_residual", connections[0]);
  ffn = register_module(
      "ffn", FeedForward(options.embed_dim, options.ffn_dim, options.activation_dropout));
  ffn_residual = register_module("ffn_residual", connections[1]);
  sublayers_ = {
      Describe(Stack::kEncoder, layer, SublayerRole::kSelfAttention, 2 * layer,
               self_attn_residual.get(), self_attn.get(), nullptr),
      Describe(Stack::kEncoder, layer, SublayerRole::kFeedForward, 2 * layer + 1,
               ffn_residual.get(), nullptr, ffn.get()),
  };
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& padding_mask,
                                        SublayerObserver* observer) {
  const bool training = is_training();
  torch::Tensor h = RunSublayer(
      sublayers_[0], x,
      [&](const torch::Tensor& in) {
        return self_attn(in, in, padding_mask, /*causal=*/false, nullptr,
                         InnerOf(self_attn_residual));
      },
      dropout_, training, padding_mask, observer);
  return RunSublayer(
      sublayers_[1], h, [&](const torch::Tensor& in) { return ffn(in, InnerOf(ffn_residual)); },
      dropout_, training, padding_mask, observer);
}

DecoderLayerImpl::DecoderLayerImpl(const ModelOptions& options, int64_t layer,
                                   plugins::ResidualStack* stack)
    : dropout_(options.dropout) {
  const auto connections = ConnectLayer(options, /*decoder=*/true, layer, stack);
  auto attention = [&] {
    return MultiheadAttention(options.embed_dim, options.attention_heads,
                              options.attention_dropout);
  };
  self_attn = register_module("self_attn", attention());
  self_attn_residual = register_module("self_attn_residual", connections[0]);
  encoder_attn = register_module("encoder_attn", attention());
  encoder_attn_residual = register_module("encoder_attn_residual", connections[1]);
  ffn = register_module(
      "ffn", FeedForward(options.embed_dim, options.ffn_dim, options.activation_dropout));
  ffn_residual = register_module("ffn_residual", connections[2]);
  sublayers_ = {
      Describe(Stack::kDecoder, layer, SublayerRole::kSelfAttention, 3 * layer,
               self_attn_residual.get(), self_attn.get(), nullptr),
      Describe(Stack::kDecoder, layer, SublayerRole::kEncoderAttention, 3 * layer + 1,
               encoder_attn_residual.get(), encoder_attn.get(), nullptr),
      Describe(Stack::kDecoder, layer, SublayerRole::kFeedForward, 3 * layer + 2,
               ffn_residual.get(), nullptr, ffn.get()),
  };
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x,
                                        const torch::Tensor& target_padding_mask,
                                        const torch::Tensor& encoder_states,
                                        const torch::Tensor& source_padding_mask,
                                        SublayerObserver* observer, DecoderLayerCache* cache) {
  const bool training = is_training();
  // Step-by-step decoding feeds one new position that may see every cached one.
  const bool causal = cache == nullptr;
  torch::Tensor h = RunSublayer(
      sublayers_[0], x,
      [&](const torch::Tensor& in) {
        return self_attn(in, in, target_padding_mask, causal,
                         cache != nullptr ? &cache->self_attn : nullptr,
                         InnerOf(self_attn_residual));
      },
      dropout_, training, target_padding_mask, observer);
  h = RunSublayer(
      sublayers_[1], h,
      [&](const torch::Tensor& in) {
        return encoder_attn(in, encoder_states, source_padding_mask, /*causal=*/false,
                            cache != nullptr ? &cache->encoder_attn : nullptr,
                            InnerOf(encoder_attn_residual));
      },
      dropout_, training, target_padding_mask, observer);
  return RunSublayer(
      sublayers_[2], h, [&](const torch::Tensor& in) { return ffn(in, InnerOf(ffn_residual)); },
      dropout_, training, target_padding_mask, observer);
}

}  // namespace core
