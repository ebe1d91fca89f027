// The optimizer family without LibTorch headers: names, help and options of every
// optimizer, for code that validates a configuration without building optimizers.
//
//   absl::Status ok = OptimizerFamily().ParseOptions("radam", {{"betas", "0.9,0.98"}}).status();
#ifndef PLUGINS_OPTIMIZER_FAMILY_H_
#define PLUGINS_OPTIMIZER_FAMILY_H_

#include "plugins/registry.h"

namespace plugins {

// The same registry as Optimizers() (plugins/optimizer.h), seen as its torch-free base.
const RegistryBase& OptimizerFamily();

}  // namespace plugins

#endif  // PLUGINS_OPTIMIZER_FAMILY_H_
