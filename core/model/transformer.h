// The encoder-decoder Transformer of fairseq's NMT models, with any residual arrangement of
// the residual plugin family (plugins/residual.h, chosen in core/model/model_options.h) and
// every sublayer addressable by name and role (core/model/sublayer.h).
//
// Tokens are batch-first [batch, length] int64 tensors, padded with options.pad_id
// anywhere (padding changes no real position's output). The model follows its own device
// and dtype: move it with `model->to(device)` and pass tokens on that device.
//
//   ModelOptions options;              // Post-LN, 6+6 layers, d = 512
//   Transformer model(options);        // LibTorch's default init; initializers replace it
//   torch::Tensor logits = model->forward(source_tokens, previous_target_tokens);
//   // logits: [batch, target_length, target_vocab_size]
//
// Module and parameter names: encoder.embed_tokens, encoder.layers.<l>.{self_attn,
// self_attn_residual, ffn, ffn_residual}, encoder.residual_stack (arrangements that keep
// state along the stack: ResiDual), encoder.final_layer_norm (Pre-LN: arrangements that close
// the stack with a LayerNorm),
// decoder.layers.<l>.{self_attn, encoder_attn, ffn}[_residual], decoder.final_layer_norm,
// decoder.embed_tokens and decoder.output_projection (only without shared embeddings).
#ifndef CORE_MODEL_TRANSFORMER_H_
#define CORE_MODEL_TRANSFORMER_H_

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <vector>

#include "core/model/model_options.h"
#include "core/model/sublayer.h"
#include "core/model/transformer_layer.h"

namespace core {

struct EncoderOutput {
  // [B, S, d]: the encoder stack's output.
  torch::Tensor states;
  // [B, S] bool, true at source padding.
  torch::Tensor padding_mask;
};

// What step-by-step decoding keeps between steps.
struct DecoderState {
  std::vector<DecoderLayerCache> layers;
  // Positions decoded so far.
  int64_t steps = 0;
};

class TransformerEncoderImpl : public torch::nn::Module {
 public:
  explicit TransformerEncoderImpl(const ModelOptions& options);
  EncoderOutput forward(const torch::Tensor& source_tokens, SublayerObserver* observer);

  torch::nn::Embedding embed_tokens{nullptr};
  std::vector<EncoderLayer> layers;
  // The state the arrangement keeps along the stack (B2T, ResiDual); null for most.
  std::shared_ptr<plugins::ResidualStack> residual_stack;
  // Pre-LN only: the LayerNorm after the last layer.
  torch::nn::LayerNorm final_layer_norm{nullptr};

 private:
  ModelOptions options_;
};
TORCH_MODULE(TransformerEncoder);

class TransformerDecoderImpl : public torch::nn::Module {
 public:
  // `shared_embedding`: the encoder's embedding when all embeddings are shared, else null.
  TransformerDecoderImpl(const ModelOptions& options, torch::nn::Embedding shared_embedding);

  // Logits [B, T, V] for all positions (teacher forcing), or, with a state, for the
  // newest position only ([B, 1] tokens in, [B, 1, V] out).
  torch::Tensor forward(const torch::Tensor& previous_tokens, const EncoderOutput& encoder_output,
                        SublayerObserver* observer, DecoderState* state = nullptr);

  // The decoder's input embedding (the encoder's when shared).
  torch::nn::Embedding embed_tokens{nullptr};
  std::vector<DecoderLayer> layers;
  std::shared_ptr<plugins::ResidualStack> residual_stack;
  torch::nn::LayerNorm final_layer_norm{nullptr};
  // [V, d]: the output projection's weight (the shared embedding's when shared).
  torch::Tensor output_projection;

 private:
  ModelOptions options_;
};
TORCH_MODULE(TransformerDecoder);

class TransformerImpl : public torch::nn::Module {
 public:
  // `options` must pass ValidateModelOptions (checked again here: TORCH_CHECK).
  explicit TransformerImpl(const ModelOptions& options);

  EncoderOutput Encode(const torch::Tensor& source_tokens, SublayerObserver* observer = nullptr);
  // Teacher-forced logits [B, T, V].
  torch::Tensor Decode(const torch::Tensor& previous_tokens, const EncoderOutput& encoder_output,
                       SublayerObserver* observer = nullptr);
  // Encode + Decode. previous_tokens: the target shifted right (starting with BOS).
  torch::Tensor forward(const torch::Tensor& source_tokens, const torch::Tensor& previous_tokens,
                        SublayerObserver* observer = nullptr);

  // Step-by-step decoding with cached keys and values: logits [B, V] of the next token
  // after `tokens` ([B], the latest token of each hypothesis).
  DecoderState StartDecoding() const;
  torch::Tensor DecodeStep(const torch::Tensor& tokens, const EncoderOutput& encoder_output,
                           DecoderState& state);
  // Keeps rows `order` ([B'] int64) of the state, e.g. after beam search reorders.
  static void ReorderDecoderState(DecoderState& state, const torch::Tensor& order);

  // Every sublayer, encoder first, each stack in execution order.
  std::vector<Sublayer> Sublayers() const;
  const ModelOptions& options() const { return options_; }

  TransformerEncoder encoder{nullptr};
  TransformerDecoder decoder{nullptr};

 private:
  ModelOptions options_;
};
TORCH_MODULE(Transformer);

}  // namespace core

#endif  // CORE_MODEL_TRANSFORMER_H_
