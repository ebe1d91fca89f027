#include "core/model/transformer_layer.h"

#include <string>

namespace core {
namespace {

Sublayer Describe(Stack stack, int64_t layer, SublayerRole role, int64_t index,
                  ResidualImpl* residual, MultiheadAttentionImpl* attention,
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

EncoderLayerImpl::EncoderLayerImpl(const ModelOptions& options, int64_t layer)
    : dropout_(options.dropout) {
  const ResidualMode mode = options.encoder_residual;
  self_attn = register_module(
      "self_attn",
      MultiheadAttention(options.embed_dim, options.attention_heads, options.attention_dropout));
  self_attn_residual = register_module("self_attn_residual",
                                       Residual(mode, options.embed_dim, options.residual_alpha));
  ffn = register_module(
      "ffn", FeedForward(options.embed_dim, options.ffn_dim, options.activation_dropout));
  ffn_residual =
      register_module("ffn_residual", Residual(mode, options.embed_dim, options.residual_alpha));
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
      [&](const torch::Tensor& in) { return self_attn(in, in, padding_mask, /*causal=*/false); },
      dropout_, training, padding_mask, observer);
  return RunSublayer(
      sublayers_[1], h, [&](const torch::Tensor& in) { return ffn(in); }, dropout_, training,
      padding_mask, observer);
}

DecoderLayerImpl::DecoderLayerImpl(const ModelOptions& options, int64_t layer)
    : dropout_(options.dropout) {
  const ResidualMode mode = options.decoder_residual;
  auto attention = [&] {
    return MultiheadAttention(options.embed_dim, options.attention_heads,
                              options.attention_dropout);
  };
  auto residual = [&] { return Residual(mode, options.embed_dim, options.residual_alpha); };
  self_attn = register_module("self_attn", attention());
  self_attn_residual = register_module("self_attn_residual", residual());
  encoder_attn = register_module("encoder_attn", attention());
  encoder_attn_residual = register_module("encoder_attn_residual", residual());
  ffn = register_module(
      "ffn", FeedForward(options.embed_dim, options.ffn_dim, options.activation_dropout));
  ffn_residual = register_module("ffn_residual", residual());
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
                         cache != nullptr ? &cache->self_attn : nullptr);
      },
      dropout_, training, target_padding_mask, observer);
  h = RunSublayer(
      sublayers_[1], h,
      [&](const torch::Tensor& in) {
        return encoder_attn(in, encoder_states, source_padding_mask, /*causal=*/false,
                            cache != nullptr ? &cache->encoder_attn : nullptr);
      },
      dropout_, training, target_padding_mask, observer);
  return RunSublayer(
      sublayers_[2], h, [&](const torch::Tensor& in) { return ffn(in); }, dropout_, training,
      target_padding_mask, observer);
}

}  // namespace core
