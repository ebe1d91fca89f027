// `adam`: LibTorch's Adam, or AdamW with decoupled weight decay (PyTorch defaults).
#include <memory>

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>

#include "absl/strings/str_cat.h"
#include "plugins/optimizer.h"

namespace plugins {
namespace {

absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> MakeAdam(
    const OptionValues& options, const OptimizerContext& context) {
  const double beta1 = options.GetDouble("beta1");
  const double beta2 = options.GetDouble("beta2");
  const double eps = options.GetDouble("eps");
  const double weight_decay = options.GetDouble("weight_decay");
  const bool amsgrad = options.GetBool("amsgrad");
  for (const auto& [name, beta] : {std::pair{"beta1", beta1}, std::pair{"beta2", beta2}}) {
    if (beta < 0 || beta >= 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("optimizer 'adam': ", name, " = ", beta, " must be in [0, 1)"));
    }
  }
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
        OptionSpec::Double("beta1", 0.9, "decay rate of the first-moment average"),
        OptionSpec::Double("beta2", 0.999, "decay rate of the second-moment average"),
        OptionSpec::Double("eps", 1e-8, "added to sqrt(v) in the denominator"),
        OptionSpec::Double("weight_decay", 0, "weight decay factor"),
        OptionSpec::Bool("decoupled_weight_decay", false,
                         "false: L2 added to the gradient (Adam); true: p -= lr*wd*p (AdamW)"),
        OptionSpec::Bool("amsgrad", false, "use the running maximum of v (AMSGrad)"),
    }),
    MakeAdam);

}  // namespace
}  // namespace plugins
