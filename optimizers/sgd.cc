// `sgd`: LibTorch's SGD with momentum, Nesterov and L2 weight decay; options and defaults as
// torch.optim.SGD (PyTorch 1.13). The paper's point: plain SGD fails to train Transformers
// (docs/formulas.md §8.1).
#include <torch/optim/sgd.h>

#include <memory>

#include "optimizers/checks.h"
#include "plugins/optimizer.h"

namespace plugins {
namespace {

absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> MakeSgd(const OptionValues& options,
                                                                 const OptimizerContext& context) {
  const double momentum = options.GetDouble("momentum");
  const double dampening = options.GetDouble("dampening");
  const bool nesterov = options.GetBool("nesterov");
  const double weight_decay = options.GetDouble("weight_decay");
  for (const absl::Status& status :
       {CheckNonNegative("sgd", "lr", context.lr), CheckNonNegative("sgd", "momentum", momentum),
        CheckNonNegative("sgd", "weight_decay", weight_decay)}) {
    if (!status.ok()) return status;
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
                                                 .weight_decay(weight_decay));
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
