// `adam`: LibTorch's Adam, or AdamW with decoupled weight decay; options and defaults as
// torch.optim.Adam / torch.optim.AdamW (PyTorch 1.13).
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>

#include <memory>

#include "optimizers/checks.h"
#include "plugins/optimizer.h"

namespace plugins {
namespace {

absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> MakeAdam(const OptionValues& options,
                                                                  const OptimizerContext& context) {
  const absl::StatusOr<std::pair<double, double>> betas =
      CheckBetas("adam", options.GetDoubles("betas"));
  if (!betas.ok()) return betas.status();
  const double eps = options.GetDouble("eps");
  const double weight_decay = options.GetDouble("weight_decay");
  const bool amsgrad = options.GetBool("amsgrad");
  for (const absl::Status& status :
       {CheckNonNegative("adam", "lr", context.lr), CheckNonNegative("adam", "eps", eps),
        CheckNonNegative("adam", "weight_decay", weight_decay)}) {
    if (!status.ok()) return status;
  }
  const auto [beta1, beta2] = *betas;
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
                            "decay rates of the first- and second-moment averages, each in [0, 1)"),
        OptionSpec::Double("eps", 1e-8, "added to sqrt(v) in the denominator"),
        OptionSpec::Double("weight_decay", 0, "weight decay factor"),
        OptionSpec::Bool("decoupled_weight_decay", false,
                         "false: L2 added to the gradient (Adam); true: p -= lr*wd*p (AdamW)"),
        OptionSpec::Bool("amsgrad", false, "use the running maximum of v (AMSGrad)"),
    }),
    MakeAdam);

}  // namespace
}  // namespace plugins
