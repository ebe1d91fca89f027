#include "plugins/initializer.h"

namespace plugins {

InitializerRegistry& Initializers() {
  static auto* registry =
      new InitializerRegistry("initializer", "sets the model's initial weights (--init)");
  return *registry;
}

// Creates the family at startup, so listings show it even when no initializer is linked.
[[maybe_unused]] static const InitializerRegistry& family = Initializers();

}  // namespace plugins
