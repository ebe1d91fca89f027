// The residual connection of one sublayer, in every arrangement the paper compares.
//
// ResidualMode (core/model/model_options.h) decides where the LayerNorm sits and what scales
// the shortcut. For a sublayer with branch f:
//
//   torch::Tensor in = residual->BranchInput(x);         // LN(x) for Pre-LN, else x
//   torch::Tensor out = residual->Combine(x, f(in));      // e.g. LN(x ⊙ ω + f) for Admin
//
// Parameters: `layer_norm.{weight,bias}` (all modes but `none`), `omega` (Admin: a
// trainable d-vector, initially 1) or the buffer `alpha` (scaled: a constant).
#ifndef CORE_MODEL_RESIDUAL_H_
#define CORE_MODEL_RESIDUAL_H_

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "core/model/model_options.h"

namespace core {

class ResidualImpl : public torch::nn::Module {
 public:
  // `alpha` is the initial shortcut scale of ResidualMode::kScaled (ignored otherwise).
  ResidualImpl(ResidualMode mode, int64_t embed_dim, double alpha);

  // What the branch reads: LN(x) in Pre-LN mode, x otherwise.
  torch::Tensor BranchInput(const torch::Tensor& x);

  // The sublayer output from its input x and its branch output (dropout applied).
  torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch);

  ResidualMode mode() const { return mode_; }

  // The scale on the shortcut: ω ([d], Admin) or α ([1], scaled); undefined otherwise.
  // Initializers fill it in place under torch::NoGradGuard.
  torch::Tensor shortcut_scale() const { return shortcut_scale_; }

  // Null in mode `none`.
  torch::nn::LayerNorm layer_norm{nullptr};

 private:
  ResidualMode mode_;
  torch::Tensor shortcut_scale_;
};
TORCH_MODULE(Residual);

}  // namespace core

#endif  // CORE_MODEL_RESIDUAL_H_
