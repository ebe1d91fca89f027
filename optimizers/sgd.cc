// `sgd`: LibTorch's SGD with momentum, Nesterov and L2 weight decay (PyTorch defaults).
// The paper's point: plain SGD fails to train Transformers (paper.md §2.2).
#include <memory>

#include <torch/optim/sgd.h>

#include "plugins/optimizer.h"

namespace plugins {
namespace {

absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> MakeSgd(const OptionValues& options,
                                                                 const OptimizerContext& context) {
  const double momentum = options.GetDouble("momentum");
  const double dampening = options.GetDouble("dampening");
  const bool nesterov = options.GetBool("nesterov");
  if (momentum < 0 || options.GetDouble("weight_decay") < 0) {
    return absl::InvalidArgumentError("optimizer 'sgd': --momentum and --weight_decay must be >= 0");
  }
  if (nesterov && (momentum <= 0 || dampening != 0)) {
    return absl::InvalidArgumentError(
        "optimizer 'sgd': nesterov needs momentum > 0 and dampening = 0");
  }
  return std::make_unique<torch::optim::SGD>(context.parameters,
                                             torch::optim::SGDOptions(context.lr)
                                                 .momentum(momentum)
                                                 .dampening(dampening)
                                                 .nesterov(nesterov)
                                                 .weight_decay(options.GetDouble("weight_decay")));
}

REGISTER_OPTIMIZER("sgd", "Stochastic gradient descent with momentum (torch.optim.SGD).",
                   (OptionSpecs{
                       OptionSpec::Double("momentum", 0, "momentum factor"),
                       OptionSpec::Double("dampening", 0, "dampening of the momentum"),
                       OptionSpec::Bool("nesterov", false, "Nesterov momentum"),
                       OptionSpec::Double("weight_decay", 0, "L2 penalty added to the gradient"),
                   }),
                   MakeSgd);

}  // namespace
}  // namespace plugins
