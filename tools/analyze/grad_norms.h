// ‖∂L/∂x_i‖ for every sublayer output x_i (docs/formulas.md §8.1, the reference code's
// `--plot_gradient`): whether gradients vanish somewhere, e.g. at Post-LN's decoder
// encoder-attention sublayers. L is the label-smoothed loss per target token of one batch,
// computed in eval mode (no dropout) so the result depends on the model and batch only.
//
//   std::vector<SublayerGradNorm> norms = MeasureGradNorms(*model, batch, 0.1);
//   // norms[k].name = "decoder.layers.2.encoder_attn", norms[k].norm = 0.013
#ifndef TOOLS_ANALYZE_GRAD_NORMS_H_
#define TOOLS_ANALYZE_GRAD_NORMS_H_

#include <string>
#include <vector>

#include "core/data/batch_tensors.h"
#include "core/model/sublayer.h"
#include "core/model/transformer.h"

namespace tools::analyze {

struct SublayerGradNorm {
  std::string name;
  core::Stack stack = core::Stack::kEncoder;
  int64_t layer = 0;
  core::SublayerRole role = core::SublayerRole::kSelfAttention;
  // L2 norm of the loss gradient with respect to the sublayer's output (all positions).
  double norm = 0;
};

// One entry per sublayer, in Transformer::Sublayers() order. Parameter gradients are left
// cleared.
std::vector<SublayerGradNorm> MeasureGradNorms(core::TransformerImpl& model,
                                               const core::BatchTensors& batch,
                                               double label_smoothing);

}  // namespace tools::analyze

#endif  // TOOLS_ANALYZE_GRAD_NORMS_H_
