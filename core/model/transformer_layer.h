// One encoder layer (self-attention, feed-forward) and one decoder layer
// (causal self-attention, encoder attention, feed-forward), each sublayer wrapped in its
// residual connection (plugins/residual_connection.h), as the stack's arrangement builds it
// (--encoder_residual, --decoder_residual), and described by a core::Sublayer.
//
//   EncoderLayer layer(options, /*layer=*/0);
//   x = layer->forward(x, source_padding_mask, /*observer=*/nullptr);
#ifndef CORE_MODEL_TRANSFORMER_LAYER_H_
#define CORE_MODEL_TRANSFORMER_LAYER_H_

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/model/attention.h"
#include "core/model/feed_forward.h"
#include "core/model/model_options.h"
#include "core/model/sublayer.h"
#include "plugins/residual_connection.h"

namespace core {

// The stack's residual arrangement (TORCH_CHECK on options ValidateModelOptions rejects).
std::unique_ptr<plugins::ResidualArrangement> ArrangementOrDie(const ModelOptions& options,
                                                              bool decoder);

// The site of a stack (embed_dim, decoder, layers): what MakeStack sees.
plugins::ResidualSite StackSite(const ModelOptions& options, bool decoder);

class EncoderLayerImpl : public torch::nn::Module {
 public:
  // `stack`: the state the stack's arrangement keeps along it (plugins::ResidualStack), or
  // null.
  EncoderLayerImpl(const ModelOptions& options, int64_t layer,
                   plugins::ResidualStack* stack = nullptr);

  // x: [B, S, d]; padding_mask: [B, S], true at padding.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& padding_mask,
                        SublayerObserver* observer);

  // self_attn, ffn, in execution order.
  const std::vector<Sublayer>& sublayers() const { return sublayers_; }

  MultiheadAttention self_attn{nullptr};
  std::shared_ptr<plugins::ResidualConnection> self_attn_residual;
  FeedForward ffn{nullptr};
  std::shared_ptr<plugins::ResidualConnection> ffn_residual;

 private:
  double dropout_;
  std::vector<Sublayer> sublayers_;
};
TORCH_MODULE(EncoderLayer);

// Keys and values a decoder layer keeps between decoding steps.
struct DecoderLayerCache {
  AttentionCache self_attn;
  AttentionCache encoder_attn{{}, {}, /*static_keys=*/true};
};

class DecoderLayerImpl : public torch::nn::Module {
 public:
  DecoderLayerImpl(const ModelOptions& options, int64_t layer,
                   plugins::ResidualStack* stack = nullptr);

  // x: [B, T, d]; target_padding_mask: [B, T]; encoder_states: [B, S, d];
  // source_padding_mask: [B, S]. With a cache, x holds only the newest position(s) and
  // earlier keys/values come from the cache.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& target_padding_mask,
                        const torch::Tensor& encoder_states,
                        const torch::Tensor& source_padding_mask, SublayerObserver* observer,
                        DecoderLayerCache* cache = nullptr);

  // self_attn, encoder_attn, ffn, in execution order.
  const std::vector<Sublayer>& sublayers() const { return sublayers_; }

  MultiheadAttention self_attn{nullptr};
  std::shared_ptr<plugins::ResidualConnection> self_attn_residual;
  MultiheadAttention encoder_attn{nullptr};
  std::shared_ptr<plugins::ResidualConnection> encoder_attn_residual;
  FeedForward ffn{nullptr};
  std::shared_ptr<plugins::ResidualConnection> ffn_residual;

 private:
  double dropout_;
  std::vector<Sublayer> sublayers_;
};
TORCH_MODULE(DecoderLayer);

}  // namespace core

#endif  // CORE_MODEL_TRANSFORMER_LAYER_H_
