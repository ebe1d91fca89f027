// The output change ‖F(x, W) − F(x, W + δ)‖² of the encoder under a small parameter change δ:
// the paper's amplification effect (docs/formulas.md §8.3–8.4). It grows as O(N) with depth for
// Post-LN and as O(log N) for Pre-LN and Admin.
//
// As the reference code (`--plot_stability`), δ moves every weight matrix and embedding,
// never a bias, a LayerNorm parameter or ω, by either ±ε with random signs or −ε·sign of
// the loss gradient (one sign-SGD step, close to one Adam step). Unlike it, both forward
// passes run in eval mode (no dropout), so δ = 0 gives exactly 0, and only real (not
// padding) positions of the encoder output count.
//
//   OutputChangeOptions options;          // ±1e-4, random signs from seed 1
//   double change = MeasureOutputChange(*model, batch, options);   // the model keeps W + δ
#ifndef TOOLS_ANALYZE_OUTPUT_CHANGE_H_
#define TOOLS_ANALYZE_OUTPUT_CHANGE_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/data/batch_tensors.h"
#include "core/model/transformer.h"

namespace tools::analyze {

enum class DeltaKind {
  // δ = ±ε per element, signs drawn at random (the reference's default).
  kRandomSign,
  // δ = −ε·sign(∂L/∂W) of the label-smoothed loss on the batch (--gradient_as_delta).
  kGradientSign,
};

struct OutputChangeOptions {
  DeltaKind delta = DeltaKind::kRandomSign;
  double epsilon = 1e-4;
  // Seeds the random signs (kRandomSign).
  uint64_t seed = 1;
  // The loss whose gradient kGradientSign follows.
  double label_smoothing = 0.1;
};

// The parameters δ moves: weight matrices and embeddings. In this model they are exactly the
// parameters with two or more dimensions; biases, LayerNorm parameters and ω are vectors.
std::vector<at::Tensor> PerturbedParameters(core::TransformerImpl& model);

// ‖a − b‖² summed in double over the positions where `padding_mask` ([B, L]) is false.
double SquaredDistance(const at::Tensor& a, const at::Tensor& b, const at::Tensor& padding_mask);

// Encodes batch.source in eval mode, applies δ to the model in place, encodes again and
// returns the squared distance of the two encoder outputs. The model keeps W + δ and its
// previous train/eval mode.
double MeasureOutputChange(core::TransformerImpl& model, const core::BatchTensors& batch,
                           const OutputChangeOptions& options);

}  // namespace tools::analyze

#endif  // TOOLS_ANALYZE_OUTPUT_CHANGE_H_
