// One sublayer's residual connection, as a residual arrangement (plugins/residual.h) builds
// it. For a sublayer with branch f, the model computes
//
//   torch::Tensor in = connection->BranchInput(x);                 // LN(x) for Pre-LN, else x
//   torch::Tensor f = connection->BranchOutput(dropout(branch(in)));  // α·f for ReZero, else f
//   torch::Tensor out = connection->Combine(x, f);                 // e.g. LN(x ⊙ ω + f) for Admin
//
// so observers (core/model/sublayer.h) see the branch's contribution f as the sum receives it. Parameters are registered under the connection's
// name ("encoder.layers.3.self_attn_residual.layer_norm.weight", "...residual.omega").
#ifndef PLUGINS_RESIDUAL_CONNECTION_H_
#define PLUGINS_RESIDUAL_CONNECTION_H_

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>

#include <cstdint>
#include <string>

namespace plugins {

class ResidualConnection : public torch::nn::Module {
 public:
  // What the branch reads; x unless the arrangement normalises the branch's input.
  virtual torch::Tensor BranchInput(const torch::Tensor& x) { return x; }

  // What the branch contributes, from its output after dropout: f unless the arrangement
  // normalises or scales it (Sandwich-LN's output LayerNorm, ReZero's α).
  virtual torch::Tensor BranchOutput(const torch::Tensor& branch) { return branch; }

  // The sublayer's output from its input x (the shortcut) and its branch output.
  virtual torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch) = 0;

  // True when the output is layer_norm(s ⊙ x + branch), s the shortcut scale or 1: Post-LN's
  // family, whose normalisation the dependency analysis divides every component by.
  virtual bool NormalizesSum() const { return false; }

  // The scale on the shortcut: ω ([d] or [1], trainable) or α ([1], a buffer); undefined when
  // the arrangement has none. Initializers fill it in place under torch::NoGradGuard.
  const torch::Tensor& shortcut_scale() const { return shortcut_scale_; }

  // Whether the shortcut scale is a trainable parameter (ω: Admin's initializers set it).
  bool shortcut_scale_trainable() const {
    return shortcut_scale_.defined() && shortcut_scale_.requires_grad();
  }

  // The connection's LayerNorm (the one after the sum, or Pre-LN's on the branch input); null
  // when it has none. Arrangements with more (Sandwich-LN) register them with AddLayerNorm
  // under other names; initializers reach every LayerNorm of the model by type.
  torch::nn::LayerNorm layer_norm{nullptr};

 protected:
  // Registers `layer_norm` over the last dimension, eps 1e-5 (PyTorch's and fairseq's).
  void AddLayerNorm(int64_t embed_dim);
  // Registers one more LayerNorm over the last `dim` elements under `name`, eps 1e-5.
  torch::nn::LayerNorm AddLayerNorm(const std::string& name, int64_t dim);
  // Registers the shortcut scale: the parameter `omega`, `width` ones (Admin: a d-vector, or
  // one scalar), or the buffer `alpha`, one constant (DeepNorm's form).
  void AddTrainableScale(int64_t width);
  void AddConstantScale(double alpha);

  torch::Tensor shortcut_scale_;
};

}  // namespace plugins

#endif  // PLUGINS_RESIDUAL_CONNECTION_H_
