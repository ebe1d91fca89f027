// The optimizer plugin family (--optimizer=NAME).
//
// An optimizer plugin builds a torch::optim::Optimizer over the model's parameters. The
// trainer owns the learning rate: before each update it sets every parameter group's lr
// from the schedule, so an optimizer never keeps a schedule of its own.
//
//   REGISTER_OPTIMIZER("sgd", "Stochastic gradient descent.", {...},
//       [](const OptionValues& options, const OptimizerContext& context) {
//         return std::make_unique<torch::optim::SGD>(context.parameters,
//                                                    torch::optim::SGDOptions(context.lr));
//       });
#ifndef PLUGINS_OPTIMIZER_H_
#define PLUGINS_OPTIMIZER_H_

#include <torch/optim/optimizer.h>

#include <vector>

#include "plugins/registry.h"

namespace plugins {

// What every optimizer is built from besides its own options.
struct OptimizerContext {
  // The parameters to optimise, in the model's order (checkpoints restore state by position).
  std::vector<torch::Tensor> parameters;
  // The initial learning rate; the trainer overwrites it before each update.
  double lr = 5e-4;
};

using OptimizerRegistry = Registry<torch::optim::Optimizer, const OptimizerContext&>;

// The registry of optimizers.
OptimizerRegistry& Optimizers();

}  // namespace plugins

// Registers an optimizer: name, one-line help, OptionSpecs, factory
// (const OptionValues&, const OptimizerContext&) -> unique_ptr or StatusOr.
#define REGISTER_OPTIMIZER(NAME, HELP, OPTIONS, ...) \
  REGISTER_PLUGIN(::plugins::Optimizers(), NAME, HELP, OPTIONS, __VA_ARGS__)

#endif  // PLUGINS_OPTIMIZER_H_
