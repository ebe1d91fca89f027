// The shape of an encoder-decoder Transformer and the residual/LayerNorm arrangement
// of its sublayers: the paper's main variable (docs/formulas.md §1, §3–5).
//
// Torch-free, so configuration code can include it cheaply. The arrangements are plugins of
// the residual family (plugins/residual.h, residuals/).
//
//   ModelOptions options;
//   options.encoder_layers = 18;
//   options.encoder_residual = "admin";
//   options.decoder_residual = "admin";
//   absl::Status status = ValidateModelOptions(options);
#ifndef CORE_MODEL_MODEL_OPTIONS_H_
#define CORE_MODEL_MODEL_OPTIONS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "plugins/residual.h"

namespace core {

struct ModelOptions {
  // Source and target vocabulary sizes (with the special symbols).
  int64_t source_vocab_size = 8000;
  int64_t target_vocab_size = 8000;
  // Id of the padding symbol in both vocabularies.
  int64_t pad_id = 0;
  // Model width d (embeddings and every sublayer's input and output).
  int64_t embed_dim = 512;
  // Hidden width of the feed-forward sublayers.
  int64_t ffn_dim = 1024;
  // Attention heads; embed_dim must be divisible by it.
  int64_t attention_heads = 4;
  // N: encoder layers (2 sublayers each: self-attention, feed-forward).
  int64_t encoder_layers = 6;
  // M: decoder layers (3 sublayers each: self-attention, encoder attention, feed-forward).
  int64_t decoder_layers = 6;
  // Residual arrangement of every encoder / decoder sublayer, by plugin name ("post",
  // "pre", "admin", ...: --list_plugins); the stacks may differ.
  std::string encoder_residual = "post";
  std::string decoder_residual = "post";
  // Options of the residual plugins (e.g. residual_alpha); each arrangement takes the ones
  // it declares.
  std::map<std::string, std::string> residual_options;
  // Dropout on embeddings and on every branch output before the residual sum.
  double dropout = 0.3;
  // Dropout on attention probabilities.
  double attention_dropout = 0.1;
  // Dropout after the feed-forward ReLU.
  double activation_dropout = 0.1;
  // One embedding matrix for source, target and output projection (needs one vocabulary).
  bool share_all_embeddings = true;
  // Longest sequence (tokens, including EOS) the positions are defined for.
  int64_t max_positions = 1024;
};

// InvalidArgument naming the offending field when the options cannot build a model
// (e.g. "embed_dim = 500 is not divisible by attention_heads = 8").
absl::Status ValidateModelOptions(const ModelOptions& options);

// The residual arrangement of the encoder's or the decoder's stack.
absl::StatusOr<std::unique_ptr<plugins::ResidualArrangement>> ResidualArrangementOf(
    const ModelOptions& options, bool decoder);

}  // namespace core

#endif  // CORE_MODEL_MODEL_OPTIONS_H_
