#include "core/model/transformer.h"

#include <ATen/ATen.h>

#include <cmath>
#include <string>

#include "core/model/fast_dropout.h"
#include "core/model/positional_embedding.h"

namespace core {
namespace {

// Clear errors for token tensors a user or a data bug may pass.
void CheckTokens(const torch::Tensor& tokens, const ModelOptions& options, int64_t vocab_size,
                 const char* what, bool right_padded) {
  TORCH_CHECK(tokens.dim() == 2, what, " tokens must be [batch, length], got shape ",
              tokens.sizes());
  TORCH_CHECK(tokens.scalar_type() == at::kLong, what, " tokens must be int64, got ",
              tokens.scalar_type());
  TORCH_CHECK(tokens.size(0) > 0 && tokens.size(1) > 0, "empty ", what, " batch (shape ",
              tokens.sizes(), ")");
  TORCH_CHECK(tokens.size(1) <= options.max_positions, what, " length ", tokens.size(1),
              " exceeds max_positions = ", options.max_positions);
  // One device-to-host copy for all value checks: on a GPU each .item() is a sync.
  const at::Tensor real = tokens.ne(options.pad_id);
  const at::Tensor summary =
      at::stack({tokens.min(), tokens.max(), real.any(/*dim=*/1).all().to(at::kLong),
                 real.select(1, 0).all().to(at::kLong)})
          .cpu();
  const int64_t* value = summary.data_ptr<int64_t>();
  TORCH_CHECK(value[0] >= 0 && value[1] < vocab_size, what, " token id ",
              value[0] < 0 ? value[0] : value[1], " is outside the vocabulary [0, ", vocab_size,
              ")");
  TORCH_CHECK(value[2] != 0, what, " batch has a sequence made only of padding");
  // Causal attention cannot skip leading padding: a row's first query would see no key.
  TORCH_CHECK(!right_padded || value[3] != 0, what,
              " tokens must be right-padded (a row starts with padding)");
}

torch::nn::Embedding MakeEmbedding(int64_t vocab_size, const ModelOptions& options) {
  return torch::nn::Embedding(
      torch::nn::EmbeddingOptions(vocab_size, options.embed_dim).padding_idx(options.pad_id));
}

// Whether the stack's arrangement ends it with one more LayerNorm (Pre-LN).
bool ClosesWithLayerNorm(const ModelOptions& options, bool decoder) {
  return ArrangementOrDie(options, decoder)->traits().final_layer_norm;
}

// The state the stack's arrangement keeps along it, or null.
std::shared_ptr<plugins::ResidualStack> MakeResidualStack(const ModelOptions& options,
                                                          bool decoder) {
  return ArrangementOrDie(options, decoder)->MakeStack(StackSite(options, decoder));
}

// Scaled token embeddings plus positions, then dropout: the input of a stack.
torch::Tensor EmbedTokens(torch::nn::Embedding& embedding, const torch::Tensor& tokens,
                          const torch::Tensor& positions, const ModelOptions& options,
                          bool training) {
  const torch::Tensor tokens_embedded =
      embedding(tokens) * std::sqrt(static_cast<double>(options.embed_dim));
  const torch::Tensor x = tokens_embedded + SinusoidalEmbedding(positions, options.embed_dim,
                                                                tokens_embedded.scalar_type());
  return Dropout(x, options.dropout, training);
}

}  // namespace

TransformerEncoderImpl::TransformerEncoderImpl(const ModelOptions& options) : options_(options) {
  embed_tokens = register_module("embed_tokens", MakeEmbedding(options.source_vocab_size, options));
  // A ModuleList names its children 0, 1, ...: parameters read encoder.layers.<l>.*.
  auto list = register_module("layers", torch::nn::ModuleList());
  residual_stack = MakeResidualStack(options, /*decoder=*/false);
  for (int64_t l = 0; l < options.encoder_layers; ++l) {
    layers.push_back(EncoderLayer(options, l, residual_stack.get()));
    list->push_back(layers.back());
  }
  if (residual_stack) register_module("residual_stack", residual_stack);
  if (ClosesWithLayerNorm(options, /*decoder=*/false)) {
    final_layer_norm =
        register_module("final_layer_norm", plugins::NewLayerNorm(options.embed_dim));
  }
}

EncoderOutput TransformerEncoderImpl::forward(const torch::Tensor& source_tokens,
                                              SublayerObserver* observer) {
  CheckTokens(source_tokens, options_, options_.source_vocab_size, "source",
              /*right_padded=*/false);
  const torch::Tensor padding_mask = source_tokens.eq(options_.pad_id);
  torch::Tensor x =
      EmbedTokens(embed_tokens, source_tokens, PositionsOf(source_tokens, options_.pad_id),
                  options_, is_training());
  if (residual_stack) residual_stack->Begin(x);
  for (EncoderLayer& layer : layers) x = layer(x, padding_mask, observer);
  if (residual_stack) x = residual_stack->End(x);
  if (final_layer_norm) x = final_layer_norm(x);
  return {x, padding_mask};
}

TransformerDecoderImpl::TransformerDecoderImpl(const ModelOptions& options,
                                               torch::nn::Embedding shared_embedding)
    : options_(options) {
  if (shared_embedding) {
    // Registered once, by the encoder: a second registration would hand the optimizer
    // the same tensor twice.
    embed_tokens = shared_embedding;
    output_projection = embed_tokens->weight;
  } else {
    embed_tokens =
        register_module("embed_tokens", MakeEmbedding(options.target_vocab_size, options));
    output_projection = register_parameter(
        "output_projection", at::empty({options.target_vocab_size, options.embed_dim}));
    at::NoGradGuard no_grad;
    output_projection.normal_(0, std::pow(options.embed_dim, -0.5));
  }
  auto list = register_module("layers", torch::nn::ModuleList());
  residual_stack = MakeResidualStack(options, /*decoder=*/true);
  for (int64_t l = 0; l < options.decoder_layers; ++l) {
    layers.push_back(DecoderLayer(options, l, residual_stack.get()));
    list->push_back(layers.back());
  }
  if (residual_stack) register_module("residual_stack", residual_stack);
  if (ClosesWithLayerNorm(options, /*decoder=*/true)) {
    final_layer_norm =
        register_module("final_layer_norm", plugins::NewLayerNorm(options.embed_dim));
  }
}

torch::Tensor TransformerDecoderImpl::forward(const torch::Tensor& previous_tokens,
                                              const EncoderOutput& encoder_output,
                                              SublayerObserver* observer, DecoderState* state) {
  // Step-by-step decoding feeds single tokens, never padding.
  CheckTokens(previous_tokens, options_, options_.target_vocab_size, "target",
              /*right_padded=*/state == nullptr);
  TORCH_CHECK(previous_tokens.size(0) == encoder_output.states.size(0), "source batch has ",
              encoder_output.states.size(0), " sentences but target batch has ",
              previous_tokens.size(0));
  torch::Tensor padding_mask;
  torch::Tensor positions;
  if (state == nullptr) {
    padding_mask = previous_tokens.eq(options_.pad_id);
    positions = PositionsOf(previous_tokens, options_.pad_id);
  } else {
    TORCH_CHECK(state->layers.size() == layers.size(), "decoder state has ", state->layers.size(),
                " layers, the decoder ", layers.size());
    positions = at::arange(state->steps + 1, state->steps + 1 + previous_tokens.size(1),
                           previous_tokens.options())
                    .expand_as(previous_tokens);
  }
  torch::Tensor x = EmbedTokens(embed_tokens, previous_tokens, positions, options_, is_training());
  if (residual_stack) residual_stack->Begin(x);
  for (size_t l = 0; l < layers.size(); ++l) {
    x = layers[l](x, padding_mask, encoder_output.states, encoder_output.padding_mask, observer,
                  state != nullptr ? &state->layers[l] : nullptr);
  }
  if (state != nullptr) state->steps += previous_tokens.size(1);
  if (residual_stack) x = residual_stack->End(x);
  if (final_layer_norm) x = final_layer_norm(x);
  return at::linear(x, output_projection);
}

TransformerImpl::TransformerImpl(const ModelOptions& options) : options_(options) {
  const absl::Status status = ValidateModelOptions(options);
  TORCH_CHECK(status.ok(), "invalid model options: ", std::string(status.message()));
  encoder = register_module("encoder", TransformerEncoder(options));
  decoder =
      register_module("decoder", TransformerDecoder(options, options.share_all_embeddings
                                                                 ? encoder->embed_tokens
                                                                 : torch::nn::Embedding(nullptr)));
}

EncoderOutput TransformerImpl::Encode(const torch::Tensor& source_tokens,
                                      SublayerObserver* observer) {
  return encoder(source_tokens, observer);
}

torch::Tensor TransformerImpl::Decode(const torch::Tensor& previous_tokens,
                                      const EncoderOutput& encoder_output,
                                      SublayerObserver* observer) {
  return decoder(previous_tokens, encoder_output, observer);
}

torch::Tensor TransformerImpl::forward(const torch::Tensor& source_tokens,
                                       const torch::Tensor& previous_tokens,
                                       SublayerObserver* observer) {
  return Decode(previous_tokens, Encode(source_tokens, observer), observer);
}

DecoderState TransformerImpl::StartDecoding() const {
  DecoderState state;
  state.layers.resize(decoder->layers.size());
  return state;
}

torch::Tensor TransformerImpl::DecodeStep(const torch::Tensor& tokens,
                                          const EncoderOutput& encoder_output,
                                          DecoderState& state) {
  return decoder(tokens.unsqueeze(1), encoder_output, nullptr, &state).squeeze(1);
}

void TransformerImpl::ReorderDecoderState(DecoderState& state, const torch::Tensor& order) {
  for (DecoderLayerCache& layer : state.layers) {
    MultiheadAttentionImpl::ReorderCache(layer.self_attn, order);
    MultiheadAttentionImpl::ReorderCache(layer.encoder_attn, order);
  }
}

std::vector<Sublayer> TransformerImpl::Sublayers() const {
  std::vector<Sublayer> sublayers;
  for (const EncoderLayer& layer : encoder->layers) {
    sublayers.insert(sublayers.end(), layer->sublayers().begin(), layer->sublayers().end());
  }
  for (const DecoderLayer& layer : decoder->layers) {
    sublayers.insert(sublayers.end(), layer->sublayers().begin(), layer->sublayers().end());
  }
  return sublayers;
}

}  // namespace core
