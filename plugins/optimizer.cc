#include "plugins/optimizer.h"

namespace plugins {

OptimizerRegistry& Optimizers() {
  static auto* registry =
      new OptimizerRegistry("optimizer", "updates parameters from gradients (--optimizer)");
  return *registry;
}

// Creates the family at startup, so listings show it even when no optimizer is linked.
[[maybe_unused]] static const OptimizerRegistry& family = Optimizers();

}  // namespace plugins
