#include "core/train/intra_op_threads.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

namespace core {

void SetIntraOpThreads(int64_t threads) {
  if (threads <= 0) return;
  at::set_num_threads(static_cast<int>(threads));
  // Looked up at run time: the BLAS behind LibTorch is chosen by the system (Debian's
  // alternatives), and a build against another BLAS simply has no such symbol.
  using SetThreads = void (*)(int);
  if (auto set_blas_threads =
          reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set_blas_threads(static_cast<int>(threads));
  }
}

}  // namespace core
