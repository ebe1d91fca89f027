#include "core/model/model_options.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/util/status_macros.h"

namespace core {
namespace {

constexpr ResidualMode kAllModes[] = {ResidualMode::kPost, ResidualMode::kPre, ResidualMode::kAdmin,
                                      ResidualMode::kNone, ResidualMode::kScaled};

}  // namespace

const char* ResidualModeName(ResidualMode mode) {
  switch (mode) {
    case ResidualMode::kPost:
      return "post";
    case ResidualMode::kPre:
      return "pre";
    case ResidualMode::kAdmin:
      return "admin";
    case ResidualMode::kNone:
      return "none";
    case ResidualMode::kScaled:
      return "scaled";
  }
  return "?";
}

std::vector<std::string> ResidualModeNames() {
  std::vector<std::string> names;
  for (ResidualMode mode : kAllModes) names.push_back(ResidualModeName(mode));
  return names;
}

absl::StatusOr<ResidualMode> ParseResidualMode(absl::string_view name) {
  for (ResidualMode mode : kAllModes) {
    if (name == ResidualModeName(mode)) return mode;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown residual mode '", name, "'; known: ", absl::StrJoin(ResidualModeNames(), ", ")));
}

bool IsPostNorm(ResidualMode mode) {
  return mode == ResidualMode::kPost || mode == ResidualMode::kAdmin ||
         mode == ResidualMode::kScaled;
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
  if (o.share_all_embeddings && o.source_vocab_size != o.target_vocab_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "share_all_embeddings needs one vocabulary, but source_vocab_size = ", o.source_vocab_size,
        " and target_vocab_size = ", o.target_vocab_size));
  }
  return absl::OkStatus();
}

}  // namespace core
