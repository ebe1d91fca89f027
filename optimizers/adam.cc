// `adam`: LibTorch's Adam, or AdamW with decoupled weight decay (PyTorch defaults).
#include <memory>

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>

#include "plugins/optimizer.h"

namespace plugins {
namespace {

absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> MakeAdam(
    const OptionValues& options, const OptimizerContext& context) {
  const std::vector<double>& betas = options.GetDoubles("betas");
  const double eps = options.GetDouble("eps");
  const double weight_decay = options.GetDouble("weight_decay");
  const bool amsgrad = options.GetBool("amsgrad");
  if (betas.size() != 2 || betas[0] < 0 || betas[0] >= 1 || betas[1] < 0 || betas[1] >= 1) {
    return absl::InvalidArgumentError(
        "optimizer 'adam': --betas must be two numbers in [0, 1), e.g. 0.9,0.98");
  }
  if (eps < 0 || weight_decay < 0) {
    return absl::InvalidArgumentError("optimizer 'adam': --eps and --weight_decay must be >= 0");
  }
  const double beta1 = betas[0];
  const double beta2 = betas[1];
  if (options.GetBool("decoupled_weight_decay")) {
    return std::make_unique<torch::optim::AdamW>(context.parameters,
                                                 torch::optim::AdamWOptions(context.lr)
                                                     .betas({beta1, beta2})
                                                     .eps(eps)
                                                     .weight_decay(weight_decay)
                                                     .amsgrad(amsgrad));
  }
  return std::make_unique<torch::optim::Adam>(context.parameters,
                                              torch::optim::AdamOptions(context.lr)
                                                  .betas({beta1, beta2})
                                                  .eps(eps)
                                                  .weight_decay(weight_decay)
                                                  .amsgrad(amsgrad));
}

REGISTER_OPTIMIZER(
    "adam", "Adam (torch.optim.Adam); AdamW with decoupled_weight_decay=true.",
    (OptionSpecs{
        OptionSpec::Doubles("betas", {0.9, 0.999},
                            "decay rates of the first- and second-moment averages"),
        OptionSpec::Double("eps", 1e-8, "added to sqrt(v) in the denominator"),
        OptionSpec::Double("weight_decay", 0, "weight decay factor"),
        OptionSpec::Bool("decoupled_weight_decay", false,
                         "false: L2 added to the gradient (Adam); true: p -= lr*wd*p (AdamW)"),
        OptionSpec::Bool("amsgrad", false, "use the running maximum of v (AMSGrad)"),
    }),
    MakeAdam);

}  // namespace
}  // namespace plugins
