// ResiDual (Xie et al. 2023, "ResiDual: Transformer with Dual Residual Connections"): two
// streams through a stack, Post-LN's and an un-normalised one that accumulates every branch:
//   x^a_i = LN(x^a_{i-1} + f_i(x^a_{i-1})),    x^d_i = x^d_{i-1} + f_i(x^a_{i-1}),
// both starting at the stack's input x_0, and the stack's output x^a_L + LN_d(x^d_L).
// The Post-LN stream keeps its representation power, the dual stream Pre-LN's gradient path
// (docs/formulas.md §10.6). The dual stream and LN_d live in the stack's state
// (plugins::ResidualStack; parameters `residual_stack.layer_norm.*`).
#include <memory>

#include "residuals/norm_after_sum.h"

namespace plugins {
namespace {

class DualStream : public ResidualStack {
 public:
  explicit DualStream(int64_t embed_dim) {
    layer_norm_ = register_module("layer_norm", NewLayerNorm(embed_dim));
  }

  void Begin(const torch::Tensor& x) override { dual_ = x; }
  void Add(const torch::Tensor& branch) { dual_ = dual_ + branch; }
  torch::Tensor End(const torch::Tensor& x) override {
    const torch::Tensor output = x + layer_norm_(dual_);
    dual_ = torch::Tensor();  // not kept past the pass
    return output;
  }

 private:
  torch::nn::LayerNorm layer_norm_{nullptr};
  torch::Tensor dual_;
};

class DualConnection : public NormAfterSum {
 public:
  explicit DualConnection(const ResidualSite& site)
      : NormAfterSum(site.embed_dim, ResidualTraits::ShortcutScale::kNone, 1.0),
        stream_(StackOf<DualStream>(site)) {}

  torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& branch) override {
    stream_.Add(branch);
    return NormAfterSum::Combine(x, branch);
  }

 private:
  DualStream& stream_;
};

REGISTER_RESIDUAL(
    "resi_dual",
    "ResiDual: a Post-LN stream and an accumulated un-normalised stream of every branch, the "
    "output x_a + LN(x_d).",
    {}, [](const OptionValues&) {
      return MakeArrangement(
          {}, [](const ResidualSite& site) { return std::make_shared<DualConnection>(site); },
          [](const ResidualSite& site) { return std::make_shared<DualStream>(site.embed_dim); });
    });

}  // namespace
}  // namespace plugins
