#include "core/model/sublayer.h"

#include <ATen/ATen.h>

#include "core/model/fast_dropout.h"
#include "plugins/residual_connection.h"

namespace core {

const char* StackName(Stack stack) { return stack == Stack::kEncoder ? "encoder" : "decoder"; }

const char* SublayerRoleName(SublayerRole role) {
  switch (role) {
    case SublayerRole::kSelfAttention:
      return "self_attn";
    case SublayerRole::kEncoderAttention:
      return "encoder_attn";
    case SublayerRole::kFeedForward:
      return "ffn";
  }
  return "?";
}

at::Tensor RunSublayer(const Sublayer& sublayer, const at::Tensor& x,
                       const std::function<at::Tensor(const at::Tensor&)>& branch, double dropout,
                       bool training, const at::Tensor& padding_mask, SublayerObserver* observer) {
  const at::Tensor branch_output = sublayer.residual->BranchOutput(
      Dropout(branch(sublayer.residual->BranchInput(x)), dropout, training));
  if (observer != nullptr) observer->OnBranch({sublayer, x, branch_output, padding_mask});
  at::Tensor output = sublayer.residual->Combine(x, branch_output);
  if (observer != nullptr) observer->OnOutput(sublayer, output);
  return output;
}

}  // namespace core
