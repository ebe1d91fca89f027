// The optimizer family without LibTorch headers: names, help and options of every
// optimizer, and a check of a choice, for code that validates a configuration before any
// model exists (the trainer's flags, every cell of a sweep grid).
//
//   absl::Status ok = CheckOptimizer("radam", {{"betas", "0.9,0.98"}}, /*lr=*/1e-3);
#ifndef PLUGINS_OPTIMIZER_FAMILY_H_
#define PLUGINS_OPTIMIZER_FAMILY_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "plugins/options.h"
#include "plugins/registry.h"

namespace plugins {

// The same registry as Optimizers() (plugins/optimizer.h), seen as its torch-free base.
const RegistryBase& OptimizerFamily();

// Builds optimizer `name` with `options` and learning rate `lr` over one throwaway parameter,
// so that the plugin's own checks run (e.g. --betas must be two numbers in [0, 1)).
absl::Status CheckOptimizer(absl::string_view name, const OptionMap& options, double lr);

}  // namespace plugins

#endif  // PLUGINS_OPTIMIZER_FAMILY_H_
