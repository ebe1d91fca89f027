// The position-wise feed-forward branch: fc2(dropout(relu(fc1(x)))).
//
//   FeedForward ffn(/*embed_dim=*/512, /*ffn_dim=*/2048, /*activation_dropout=*/0.1);
//   torch::Tensor y = ffn->forward(x);  // same shape as x
#ifndef CORE_MODEL_FEED_FORWARD_H_
#define CORE_MODEL_FEED_FORWARD_H_

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <functional>

namespace core {

class FeedForwardImpl : public torch::nn::Module {
 public:
  FeedForwardImpl(int64_t embed_dim, int64_t ffn_dim, double activation_dropout);

  // `before_output`, when set, maps the hidden activations [..., ffn_dim] before fc2 (a
  // residual arrangement's BranchInner: Sub-LN).
  torch::Tensor forward(const torch::Tensor& x,
                        const std::function<torch::Tensor(const torch::Tensor&)>& before_output =
                            nullptr);

  torch::nn::Linear fc1{nullptr};
  torch::nn::Linear fc2{nullptr};

 private:
  double activation_dropout_;
};
TORCH_MODULE(FeedForward);

}  // namespace core

#endif  // CORE_MODEL_FEED_FORWARD_H_
