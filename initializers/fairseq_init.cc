#include "initializers/fairseq_init.h"

#include <torch/nn/init.h>

#include <cmath>
#include <memory>

#include "core/model/attention.h"
#include "core/model/feed_forward.h"
#include "plugins/residual_connection.h"

namespace plugins {
namespace {

void InitLinear(torch::nn::Linear& linear, double gain) {
  torch::nn::init::xavier_uniform_(linear->weight, gain);
  if (linear->bias.defined()) linear->bias.zero_();
}

// γ = 1, β = 0 for every LayerNorm of the model, found by type: arrangements may hold several
// per sublayer (Sandwich-LN, Sub-LN) or one per stack (ResiDual).
void InitLayerNorms(core::TransformerImpl& model) {
  for (const std::shared_ptr<torch::nn::Module>& module : model.modules()) {
    if (auto* norm = dynamic_cast<torch::nn::LayerNormImpl*>(module.get())) {
      norm->weight.fill_(1.0);
      norm->bias.zero_();
    }
  }
}

void InitEmbedding(at::Tensor weight, int64_t embed_dim, int64_t pad_id) {
  weight.normal_(0, std::pow(static_cast<double>(embed_dim), -0.5));
  if (pad_id >= 0 && pad_id < weight.size(0)) weight[pad_id].zero_();
}

}  // namespace

std::vector<at::Tensor> InputEmbeddings(core::TransformerImpl& model) {
  std::vector<at::Tensor> embeddings = {model.encoder->embed_tokens->weight};
  if (!model.options().share_all_embeddings) {
    embeddings.push_back(model.decoder->embed_tokens->weight);
  }
  return embeddings;
}

void ApplyFairseqInit(core::TransformerImpl& model) {
  at::NoGradGuard no_grad;
  const core::ModelOptions& options = model.options();
  for (const core::Sublayer& sublayer : model.Sublayers()) {
    if (sublayer.attention != nullptr) {
      const double qkv_gain = 1.0 / std::sqrt(2.0);
      InitLinear(sublayer.attention->q_proj, qkv_gain);
      InitLinear(sublayer.attention->k_proj, qkv_gain);
      InitLinear(sublayer.attention->v_proj, qkv_gain);
      InitLinear(sublayer.attention->out_proj, 1.0);
    }
    if (sublayer.feed_forward != nullptr) {
      InitLinear(sublayer.feed_forward->fc1, 1.0);
      InitLinear(sublayer.feed_forward->fc2, 1.0);
    }
    if (sublayer.residual->shortcut_scale_trainable()) {
      sublayer.residual->shortcut_scale().fill_(1.0);
    }
  }
  InitLayerNorms(model);
  for (at::Tensor& embedding : InputEmbeddings(model)) {
    InitEmbedding(embedding, options.embed_dim, options.pad_id);
  }
  if (!options.share_all_embeddings) {
    // No padding row to zero: the output projection scores every symbol.
    InitEmbedding(model.decoder->output_projection, options.embed_dim, /*pad_id=*/-1);
  }
}

}  // namespace plugins
