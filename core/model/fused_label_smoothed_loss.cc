#include "core/model/fused_label_smoothed_loss.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace core {
namespace {

// Independent accumulators per row: GCC vectorizes a loop over a fixed-size array, but not a
// float reduction it would have to reorder.
constexpr int64_t kLanes = 16;

// e^x by Cephes' expf: x = n·ln 2 + r with |r| <= ln 2 / 2, a degree-6 polynomial for e^r,
// 2^n through the exponent bits. Branch-free, so loops of it vectorize; x is clamped to the
// normal range (e^-87 ≈ 1.6e-38 stands in for smaller results, which only ever meet sums ≥ 1).
inline float ExpPolynomial(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  constexpr float kRound = 12582912.0f;  // 1.5 · 2^23: adding it rounds to an integer
  const float n = (x * 1.44269504088896341f + kRound) - kRound;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float two_to_n;
  std::memcpy(&two_to_n, &bits, sizeof(two_to_n));
  return p * two_to_n;
}

struct Shape {
  int64_t vocab;
  int64_t pad_id;
  double epsilon;
  // ε / (V − 1): the smoothing mass of each non-target word.
  double epsilon_per_word;
};

// What backward needs of a row for softmax(z)_v = exp(z_v − max) / Σ exp(z − max): the max
// and the sum's inverse (exp of a difference from the max is accurate where exp(z_v − lse),
// with lse rounded to fp32, is not).
struct RowSoftmax {
  float max;
  float inverse_sum;
};

// Rows [begin, end): each row's softmax statistics, and on real rows the nll and the smoothed
// loss (zero on padding).
__attribute__((target_clones("avx512f", "avx2", "default"))) void ForwardRows(
    const float* logits, const int64_t* targets, int64_t begin, int64_t end, Shape shape,
    RowSoftmax* softmax, float* per_token, float* nll) {
  const int64_t vocab = shape.vocab;
  const int64_t full = vocab - vocab % kLanes;
  for (int64_t row = begin; row < end; ++row) {
    const float* z = logits + row * vocab;
    float maximum[kLanes];
    float sum[kLanes];
    float exp_sum[kLanes];
    for (int64_t l = 0; l < kLanes; ++l) {
      maximum[l] = -std::numeric_limits<float>::infinity();
      sum[l] = 0;
      exp_sum[l] = 0;
    }
    for (int64_t v = 0; v < full; v += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) {
        maximum[l] = std::max(maximum[l], z[v + l]);
        sum[l] += z[v + l];
      }
    }
    for (int64_t v = full; v < vocab; ++v) {
      maximum[0] = std::max(maximum[0], z[v]);
      sum[0] += z[v];
    }
    const float row_max = *std::max_element(maximum, maximum + kLanes);
    for (int64_t v = 0; v < full; v += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) exp_sum[l] += ExpPolynomial(z[v + l] - row_max);
    }
    for (int64_t v = full; v < vocab; ++v) exp_sum[0] += ExpPolynomial(z[v] - row_max);
    double row_sum = 0;
    double row_exp_sum = 0;
    for (int64_t l = 0; l < kLanes; ++l) {
      row_sum += sum[l];
      row_exp_sum += exp_sum[l];
    }
    const double lse = row_max + std::log(row_exp_sum);
    softmax[row] = {row_max, static_cast<float>(1 / row_exp_sum)};
    if (targets[row] == shape.pad_id) {
      per_token[row] = 0;
      nll[row] = 0;
      continue;
    }
    const double token_nll = lse - z[targets[row]];
    const double smooth = static_cast<double>(vocab) * lse - row_sum;  // Σ_v −log p_v
    nll[row] = static_cast<float>(token_nll);
    per_token[row] = static_cast<float>((1 - shape.epsilon - shape.epsilon_per_word) * token_nll +
                                        shape.epsilon_per_word * smooth);
  }
}

// Rows [begin, end) of ∂loss/∂logits for an upstream gradient g.
__attribute__((target_clones("avx512f", "avx2", "default"))) void BackwardRows(
    const float* logits, const int64_t* targets, const RowSoftmax* softmax, int64_t begin,
    int64_t end, Shape shape, float g, float* gradient) {
  const int64_t vocab = shape.vocab;
  const float off_target = static_cast<float>(shape.epsilon_per_word);
  const float on_target = static_cast<float>(1 - shape.epsilon - shape.epsilon_per_word);
  for (int64_t row = begin; row < end; ++row) {
    float* out = gradient + row * vocab;
    if (targets[row] == shape.pad_id) {
      std::fill(out, out + vocab, 0.0f);
      continue;
    }
    const float* z = logits + row * vocab;
    const float max = softmax[row].max;
    const float g_over_sum = g * softmax[row].inverse_sum;
    const float g_off_target = g * off_target;
    for (int64_t v = 0; v < vocab; ++v) {
      out[v] = g_over_sum * ExpPolynomial(z[v] - max) - g_off_target;
    }
    out[targets[row]] -= g * on_target;
  }
}

// Rows per task of at::parallel_for: about 32K logits.
int64_t RowGrain(int64_t vocab) { return std::max<int64_t>(1, (int64_t{1} << 15) / vocab); }

Shape ShapeOf(int64_t vocab, double epsilon, int64_t pad_id) {
  return {vocab, pad_id, epsilon, vocab > 1 ? epsilon / static_cast<double>(vocab - 1) : 0.0};
}

class FusedLossFunction : public torch::autograd::Function<FusedLossFunction> {
 public:
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* context,
                                                const at::Tensor& logits,
                                                const at::Tensor& targets, double epsilon,
                                                int64_t pad_id) {
    const int64_t rows = logits.size(0);
    const Shape shape = ShapeOf(logits.size(1), epsilon, pad_id);
    const at::TensorOptions options = logits.options();
    static_assert(sizeof(RowSoftmax) == 2 * sizeof(float));
    at::Tensor softmax = at::empty({rows, 2}, options);
    at::Tensor per_token = at::empty({rows}, options);
    at::Tensor nll = at::empty({rows}, options);
    const float* z = logits.data_ptr<float>();
    const int64_t* target = targets.data_ptr<int64_t>();
    at::parallel_for(0, rows, RowGrain(shape.vocab), [&](int64_t begin, int64_t end) {
      ForwardRows(z, target, begin, end, shape,
                  reinterpret_cast<RowSoftmax*>(softmax.data_ptr<float>()),
                  per_token.data_ptr<float>(), nll.data_ptr<float>());
    });
    context->save_for_backward({logits, targets, softmax});
    context->saved_data["epsilon"] = epsilon;
    context->saved_data["pad_id"] = pad_id;
    at::Tensor nll_sum = nll.sum();
    context->mark_non_differentiable({nll_sum});
    return {per_token.sum(), nll_sum};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const torch::autograd::variable_list saved = context->get_saved_variables();
    const at::Tensor& logits = saved[0];
    const at::Tensor& targets = saved[1];
    const at::Tensor& softmax = saved[2];
    const Shape shape = ShapeOf(logits.size(1), context->saved_data["epsilon"].toDouble(),
                                context->saved_data["pad_id"].toInt());
    at::Tensor gradient = at::empty_like(logits);
    const float g = gradients[0].defined() ? gradients[0].item<float>() : 0.0f;
    at::parallel_for(0, logits.size(0), RowGrain(shape.vocab), [&](int64_t begin, int64_t end) {
      BackwardRows(logits.data_ptr<float>(), targets.data_ptr<int64_t>(),
                   reinterpret_cast<const RowSoftmax*>(softmax.data_ptr<float>()), begin, end,
                   shape, g,
                   gradient.data_ptr<float>());
    });
    return {gradient, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

std::pair<at::Tensor, at::Tensor> FusedLabelSmoothedLoss(const at::Tensor& logits,
                                                         const at::Tensor& targets,
                                                         double epsilon, int64_t pad_id) {
  TORCH_CHECK(logits.dim() == 2 && logits.is_contiguous() &&
                  logits.scalar_type() == at::kFloat && logits.device().is_cpu(),
              "fused loss: contiguous fp32 CPU logits [N, V] expected");
  TORCH_CHECK(targets.dim() == 1 && targets.size(0) == logits.size(0) &&
                  targets.scalar_type() == at::kLong && targets.is_contiguous(),
              "fused loss: targets ", targets.sizes(), " do not match logits ", logits.sizes());
  if (targets.numel() > 0) {
    const int64_t low = targets.min().item<int64_t>();
    const int64_t high = targets.max().item<int64_t>();
    TORCH_CHECK(low >= 0 && high < logits.size(1), "target id ", low < 0 ? low : high,
                " is outside the vocabulary [0, ", logits.size(1), ")");
  }
  const torch::autograd::variable_list sums =
      FusedLossFunction::apply(logits, targets, epsilon, pad_id);
  return {sums[0], sums[1]};
}

}  // namespace core
