#include "core/train/runtime_env.h"

#include <unistd.h>

#include <cstdlib>

namespace core {
namespace {

struct EnvDefault {
  const char* name;
  const char* value;
};

constexpr EnvDefault kRuntimeEnvironment[] = {
    {"OMP_WAIT_POLICY", "PASSIVE"},
    {"MALLOC_MMAP_THRESHOLD_", "268435456"},
    {"MALLOC_TRIM_THRESHOLD_", "4294967296"},
};

}  // namespace

void ReexecWithRuntimeEnvironment(char** argv) {
  bool changed = false;
  for (const EnvDefault& variable : kRuntimeEnvironment) {
    if (std::getenv(variable.name) != nullptr) continue;
    if (setenv(variable.name, variable.value, /*overwrite=*/0) != 0) return;
    changed = true;
  }
  if (!changed) return;
  execv("/proc/self/exe", argv);
  // Only reached when exec failed: run on with the environment as it was given.
}

}  // namespace core
