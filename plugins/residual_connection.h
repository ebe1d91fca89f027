// One sublayer's residual connection, as a residual arrangement (plugins/residual.h) builds
// it. For a sublayer with branch f, the model computes
//
//   torch::Tensor in = connection->BranchInput(x);                 // LN(x) for Pre-LN, else x
//   torch::Tensor f = connection->BranchOutput(dropout(branch(in)));  // α·f for ReZero, else f
//   torch::Tensor out = connection->Combine(x, f);                 // e.g. LN(x ⊙ ω + f) for Admin
//
// so observers (core/model/sublayer.h) see the branch's contribution f as the sum receives it;
// inside the branch, what its last matrix reads passes BranchInner (Sub-LN's LayerNorm).
// An arrangement that reaches across sublayers keeps a ResidualStack (below) along the stack. Parameters are registered under the connection's
// name ("encoder.layers.3.self_attn_residual.layer_norm.weight", "...residual.omega").
#ifndef PLUGINS_RESIDUAL_CONNECTION_H_
#define PLUGINS_RESIDUAL_CONNECTION_H_

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>

#include <cstdint>

#include "plugins/residual.h"
#include <string>

namespace plugins {

class ResidualConnection : public torch::nn::Module {
 public:
  // What the branch reads; x unless the arrangement normalises the branch's input.
  virtual torch::Tensor BranchInput(const torch::Tensor& x) { return x; }

  // What the branch's last matrix (attention's out_proj, the feed-forward's fc2) reads, from
  // what it would read otherwise ([..., ResidualSite::inner_dim]); identity unless the
  // arrangement normalises inside the branch (Sub-LN).
  virtual torch::Tensor BranchInner(const torch::Tensor& hidden) { return hidden; }

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

// State a residual arrangement keeps along one stack during a forward pass, for connections
// that reach across sublayers (B2T: the layer's input; ResiDual: the un-normalised stream).
// The stack registers it as its module `residual_stack` (so its parameters train and are
// checkpointed: "encoder.residual_stack.layer_norm.weight"), calls Begin with the stack's
// input and End with its last layer's output; the connections reach it through
// ResidualSite::stack (StackOf). Step-by-step decoding runs one pass per step, on the new
// positions only, which is right for any state computed per position.
class ResidualStack : public torch::nn::Module {
 public:
  // Before the first layer, with the stack's input x_0 (the embeddings).
  virtual void Begin(const torch::Tensor& x) {}
  // The stack's output from its last layer's output (before a final LayerNorm, if any).
  virtual torch::Tensor End(const torch::Tensor& x) { return x; }
};

// A LayerNorm over the last `dim` elements, eps 1e-5 (PyTorch's and fairseq's).
torch::nn::LayerNorm NewLayerNorm(int64_t dim);

// site.stack as the state type `T` its arrangement made.
template <typename T>
T& StackOf(const ResidualSite& site) {
  auto* stack = dynamic_cast<T*>(site.stack);
  TORCH_CHECK(stack != nullptr, "a residual connection expected its arrangement's stack state");
  return *stack;
}

}  // namespace plugins

#endif  // PLUGINS_RESIDUAL_CONNECTION_H_
