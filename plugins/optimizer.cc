#include "plugins/optimizer.h"

#include "plugins/optimizer_family.h"

namespace plugins {

OptimizerRegistry& Optimizers() {
  static auto* registry =
      new OptimizerRegistry("optimizer", "updates parameters from gradients (--optimizer)");
  return *registry;
}

const RegistryBase& OptimizerFamily() { return Optimizers(); }

// Creates the family at startup, so listings show it even when no optimizer is linked.
[[maybe_unused]] static const OptimizerRegistry& family = Optimizers();

}  // namespace plugins
