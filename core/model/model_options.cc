#include "core/model/model_options.h"

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"

namespace core {

absl::StatusOr<std::unique_ptr<plugins::ResidualArrangement>> ResidualArrangementOf(
    const ModelOptions& options, bool decoder) {
  const std::string& name = decoder ? options.decoder_residual : options.encoder_residual;
  absl::StatusOr<std::unique_ptr<plugins::ResidualArrangement>> arrangement =
      plugins::CreateResidual(name, options.residual_options);
  if (!arrangement.ok()) {
    return absl::Status(arrangement.status().code(),
                        absl::StrCat(decoder ? "decoder_residual" : "encoder_residual", ": ",
                                     arrangement.status().message()));
  }
  return arrangement;
}

absl::Status ValidateModelOptions(const ModelOptions& o) {
  auto positive = [](absl::string_view name, int64_t value) -> absl::Status {
    if (value > 0) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(name, " = ", value, " must be > 0"));
  };
  for (const auto& [name, value] :
       {std::pair<absl::string_view, int64_t>{"source_vocab_size", o.source_vocab_size},
        {"target_vocab_size", o.target_vocab_size},
        {"embed_dim", o.embed_dim},
        {"ffn_dim", o.ffn_dim},
        {"attention_heads", o.attention_heads},
        {"encoder_layers", o.encoder_layers},
        {"decoder_layers", o.decoder_layers},
        {"max_positions", o.max_positions}}) {
    RETURN_IF_ERROR(positive(name, value));
  }
  if (o.embed_dim % o.attention_heads != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "embed_dim = ", o.embed_dim, " is not divisible by attention_heads = ", o.attention_heads));
  }
  if (o.embed_dim % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "embed_dim = ", o.embed_dim, " must be even (sinusoidal positions pair sin and cos)"));
  }
  for (const auto& [name, p] : {std::pair<absl::string_view, double>{"dropout", o.dropout},
                                {"attention_dropout", o.attention_dropout},
                                {"activation_dropout", o.activation_dropout}}) {
    if (p < 0 || p >= 1) {
      return absl::InvalidArgumentError(absl::StrCat(name, " = ", p, " must be in [0, 1)"));
    }
  }
  if (o.pad_id < 0 || o.pad_id >= o.source_vocab_size || o.pad_id >= o.target_vocab_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("pad_id = ", o.pad_id, " is outside the vocabularies"));
  }
  for (const bool decoder : {false, true})
    RETURN_IF_ERROR(ResidualArrangementOf(o, decoder).status());
  if (o.share_all_embeddings && o.source_vocab_size != o.target_vocab_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "share_all_embeddings needs one vocabulary, but source_vocab_size = ", o.source_vocab_size,
        " and target_vocab_size = ", o.target_vocab_size));
  }
  return absl::OkStatus();
}

}  // namespace core
