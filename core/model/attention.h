// Multi-head attention with separate q/k/v/out projections, batch-first.
//
// The projections are separate modules (`q_proj`, `k_proj`, `v_proj`, `out_proj`) so
// that initializers can scale v and out on their own (T-Fixup, DeepNorm; docs/formulas.md
// §4, §5), and checkpoints keep their names. The forward pass still runs one matrix product
// for q, k and v of self-attention (and one for k and v of encoder attention), over their
// weights concatenated, as torch.nn.MultiheadAttention's packed in-projection does. Queries
// are scaled by head_dim^-1/2 (fairseq), folded into the packed weight and bias.
//
//   MultiheadAttention attention(512, 8, /*attention_dropout=*/0.1);
//   torch::Tensor y = attention->forward(x, x, padding_mask, /*causal=*/true);
#ifndef CORE_MODEL_ATTENTION_H_
#define CORE_MODEL_ATTENTION_H_

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace core {

// Keys and values of earlier decoding steps, per attention module.
struct AttentionCache {
  // [batch, heads, positions, head_dim]; undefined until the first step.
  torch::Tensor keys;
  torch::Tensor values;
  // True for encoder attention: keys and values are computed once from the encoder
  // output and reused; false for self-attention: each step appends its own.
  bool static_keys = false;
};

class MultiheadAttentionImpl : public torch::nn::Module {
 public:
  MultiheadAttentionImpl(int64_t embed_dim, int64_t heads, double attention_dropout);

  // query: [B, T, d]; key_value: [B, S, d]; key_padding_mask: [B, S] bool, true at
  // padding (undefined: no padding); causal: query t sees keys <= t (needs T == S).
  // With a cache, keys/values come from (and go to) the cache; T is then usually 1.
  // `before_output`, when set, maps the heads' concatenated output [B, T, d] before out_proj
  // (a residual arrangement's BranchInner: Sub-LN).
  torch::Tensor forward(const torch::Tensor& query, const torch::Tensor& key_value,
                        const torch::Tensor& key_padding_mask, bool causal,
                        AttentionCache* cache = nullptr,
                        const std::function<torch::Tensor(const torch::Tensor&)>& before_output =
                            nullptr);

  // Selects rows of a cache after beam search reorders its hypotheses.
  static void ReorderCache(AttentionCache& cache, const torch::Tensor& order);

  int64_t heads() const { return heads_; }

  torch::nn::Linear q_proj{nullptr};
  torch::nn::Linear k_proj{nullptr};
  torch::nn::Linear v_proj{nullptr};
  torch::nn::Linear out_proj{nullptr};

 private:
  // The heads of x's projections by `projections` (each scaled), as one matrix product over
  // their weights packed along the output dimension: each [B, heads, L, head_dim]. The
  // parameters stay separate modules; packing is a concatenation per forward pass, whose
  // gradient splits back into them.
  std::vector<torch::Tensor> PackedProjection(
      const torch::Tensor& x,
      const std::vector<std::pair<torch::nn::Linear, double>>& projections) const;

  int64_t heads_;
  int64_t head_dim_;
  double attention_dropout_;
};
TORCH_MODULE(MultiheadAttention);

}  // namespace core

#endif  // CORE_MODEL_ATTENTION_H_
