#include "plugins/optimizer.h"

#include <ATen/ATen.h>

#include "plugins/optimizer_family.h"

namespace plugins {

OptimizerRegistry& Optimizers() {
  static auto* registry =
      new OptimizerRegistry("optimizer", "updates parameters from gradients (--optimizer)");
  return *registry;
}

const RegistryBase& OptimizerFamily() { return Optimizers(); }

absl::Status CheckOptimizer(absl::string_view name, const OptionMap& options, double lr) {
  const at::Tensor probe = at::zeros({1}).set_requires_grad(true);
  return Optimizers().Create(name, options, OptimizerContext{{probe}, lr}).status();
}

// Creates the family at startup, so listings show it even when no optimizer is linked.
[[maybe_unused]] static const OptimizerRegistry& family = Optimizers();

}  // namespace plugins
