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

torch::Tensor MultiheadAttentionImpl::SplitHeads(const torch::Tensor& x) const {
  return x.view({x.size(0), x.size(1), heads_, head_dim_}).transpose(1, 2);
}

torch::Tensor MultiheadAttentionImpl::forward(const torch::Tensor& query,
                                              const torch::Tensor& key_value,
                                              const torch::Tensor& key_padding_mask, bool causal,
                                              AttentionCache* cache,
                                              const std::function<torch::Tensor(const torch::Tensor&)>&
                                                  before_output) {
  const int64_t batch = query.size(0);
  const int64_t length = query.size(1);
  const torch::Tensor q = SplitHeads(q_proj(query) * (1.0 / std::sqrt(double(head_dim_))));

  torch::Tensor keys;
  torch::Tensor values;
  if (cache != nullptr && cache->static_keys && cache->keys.defined()) {
    keys = cache->keys;
    values = cache->values;
  } else {
    keys = SplitHeads(k_proj(key_value));
    values = SplitHeads(v_proj(key_value));
    if (cache != nullptr && !cache->static_keys && cache->keys.defined()) {
      keys = at::cat({cache->keys, keys}, /*dim=*/2);
      values = at::cat({cache->values, values}, /*dim=*/2);
    }
    if (cache != nullptr) {
      cache->keys = keys;
      cache->values = values;
    }
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
