// The shape of an encoder-decoder Transformer and the residual/LayerNorm arrangement
// of its sublayers: the paper's main variable (docs/formulas.md §1, §3–5).
//
// Torch-free, so configuration code can include it cheaply.
//
//   ModelOptions options;
//   options.encoder_layers = 18;
//   options.encoder_residual = ResidualMode::kAdmin;
//   options.decoder_residual = ResidualMode::kAdmin;
//   absl::Status status = ValidateModelOptions(options);
#ifndef CORE_MODEL_MODEL_OPTIONS_H_
#define CORE_MODEL_MODEL_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

// How a sublayer i combines its input x (the shortcut) with its branch f.
enum class ResidualMode {
  // Post-LN: x_i = LN(x_{i-1} + f_i(x_{i-1})).
  kPost,
  // Pre-LN: x_i = x_{i-1} + f_i(LN(x_{i-1})); a final LayerNorm closes the stack.
  kPre,
  // Admin: x_i = LN(x_{i-1} ⊙ ω_i + f_i(x_{i-1})), ω_i a trainable d-vector per sublayer,
  // filled by the Admin initializer (ω = 1 is exactly Post-LN).
  kAdmin,
  // No LayerNorm: x_i = x_{i-1} + f_i(x_{i-1}) (T-Fixup).
  kNone,
  // A constant residual scale: x_i = LN(α·x_{i-1} + f_i(x_{i-1})) (DeepNorm form); α is
  // a non-trainable buffer, `residual_alpha` or set by an initializer.
  kScaled,
};

// "post", "pre", "admin", "none", "scaled".
const char* ResidualModeName(ResidualMode mode);
absl::StatusOr<ResidualMode> ParseResidualMode(absl::string_view name);
// Every mode's name, for help texts and errors.
std::vector<std::string> ResidualModeNames();

// True for the modes whose sublayers end in a LayerNorm (post, admin, scaled).
bool IsPostNorm(ResidualMode mode);

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
  // Residual arrangement of every encoder / decoder sublayer (a hybrid is allowed).
  ResidualMode encoder_residual = ResidualMode::kPost;
  ResidualMode decoder_residual = ResidualMode::kPost;
  // α of ResidualMode::kScaled before any initializer changes it.
  double residual_alpha = 1.0;
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

}  // namespace core

#endif  // CORE_MODEL_MODEL_OPTIONS_H_
