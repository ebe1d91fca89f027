#include "core/openmp_env.h"

#include <unistd.h>

#include <cstdlib>

namespace core {

void ReexecWithPassiveOpenMp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0) != 0) return;
  execv("/proc/self/exe", argv);
  // Only reached when exec failed: run on with the default policy.
}

}  // namespace core
