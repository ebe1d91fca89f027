#include "core/model/attention.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "core/model/fast_dropout.h"

namespace core {

MultiheadAttentionImpl::MultiheadAttentionImpl(int64_t embed_dim, int64_t heads,
                                               double attention_dropout)
    : heads_(heads), head_dim_(embed_dim / heads), attention_dropout_(attention_dropout) {
  TORCH_CHECK(heads > 0 && embed_dim % heads == 0, "embed_dim = ", embed_dim,
              " is not divisible by attention_heads = ", heads);
  q_proj = register_module("q_proj", torch::nn::Linear(embed_dim, embed_dim));
  k_proj = register_module("k_proj", torch::nn::Linear(embed_dim, embed_dim));
  v_proj = register_module("v_proj", torch::nn::Linear(embed_dim, embed_dim));
  out_proj = register_module("out_proj", torch::nn::Linear(embed_dim, embed_dim));
}

std::vector<torch::Tensor> MultiheadAttentionImpl::PackedProjection(
    const torch::Tensor& x, const std::vector<std::pair<torch::nn::Linear, double>>& projections)
    const {
  std::vector<torch::Tensor> weights;
  std::vector<torch::Tensor> biases;
  for (const auto& [projection, scale] : projections) {
    weights.push_back(scale == 1.0 ? projection->weight : projection->weight * scale);
    biases.push_back(scale == 1.0 ? projection->bias : projection->bias * scale);
  }
  const int64_t parts = static_cast<int64_t>(projections.size());
  const torch::Tensor weight = parts == 1 ? weights[0] : at::cat(weights);
  const torch::Tensor bias = parts == 1 ? biases[0] : at::cat(biases);
  // [B, L, parts·d] -> [parts, B, heads, L, head_dim]
  return at::linear(x, weight, bias)
      .view({x.size(0), x.size(1), parts, heads_, head_dim_})
      .permute({2, 0, 3, 1, 4})
      .unbind(0);
}

torch::Tensor MultiheadAttentionImpl::forward(const torch::Tensor& query,
                                              const torch::Tensor& key_value,
                                              const torch::Tensor& key_padding_mask, bool causal,
                                              AttentionCache* cache,
                                              const std::function<torch::Tensor(const torch::Tensor&)>&
                                                  before_output) {
  const int64_t batch = query.size(0);
  const int64_t length = query.size(1);
  const double scaling = 1.0 / std::sqrt(double(head_dim_));
  const bool static_keys_ready = cache != nullptr && cache->static_keys && cache->keys.defined();
  torch::Tensor q;
  torch::Tensor keys;
  torch::Tensor values;
  if (query.is_same(key_value) && !static_keys_ready) {
    // Self-attention: q, k and v in one product over a packed [3d, d] weight.
    const std::vector<torch::Tensor> qkv =
        PackedProjection(query, {{q_proj, scaling}, {k_proj, 1.0}, {v_proj, 1.0}});
    q = qkv[0];
    keys = qkv[1];
    values = qkv[2];
  } else {
    q = PackedProjection(query, {{q_proj, scaling}})[0];
    if (static_keys_ready) {
      keys = cache->keys;
      values = cache->values;
    } else {
      const std::vector<torch::Tensor> kv =
          PackedProjection(key_value, {{k_proj, 1.0}, {v_proj, 1.0}});
      keys = kv[0];
      values = kv[1];
    }
  }
  if (cache != nullptr && !static_keys_ready) {
    if (!cache->static_keys && cache->keys.defined()) {
      keys = at::cat({cache->keys, keys}, /*dim=*/2);
      values = at::cat({cache->values, values}, /*dim=*/2);
    }
    cache->keys = keys;
    cache->values = values;
  }

  torch::Tensor scores = at::matmul(q, keys.transpose(-2, -1));  // [B, H, T, S]
  const double minus_infinity = -std::numeric_limits<double>::infinity();
  if (key_padding_mask.defined()) {
    scores = scores.masked_fill(key_padding_mask.view({batch, 1, 1, keys.size(2)}), minus_infinity);
  }
  if (causal) {
    TORCH_CHECK(length == keys.size(2), "causal attention needs as many queries as keys");
    const torch::Tensor future =
        at::ones({length, length}, query.options().dtype(at::kBool)).triu(/*diagonal=*/1);
    scores = scores.masked_fill(future, minus_infinity);
  }
  // Softmax in fp32 whatever the model's dtype: half-precision sums overflow.
  torch::Tensor probabilities = at::softmax(scores, /*dim=*/-1, at::kFloat).to(query.scalar_type());
  probabilities = Dropout(probabilities, attention_dropout_, is_training());
  const torch::Tensor context = at::matmul(probabilities, values)  // [B, H, T, head_dim]
                                    .transpose(1, 2)
                                    .reshape({batch, length, heads_ * head_dim_});
  return out_proj(before_output ? before_output(context) : context);
}

void MultiheadAttentionImpl::ReorderCache(AttentionCache& cache, const torch::Tensor& order) {
  if (!cache.keys.defined()) return;
  cache.keys = cache.keys.index_select(0, order);
  cache.values = cache.values.index_select(0, order);
}

}  // namespace core
