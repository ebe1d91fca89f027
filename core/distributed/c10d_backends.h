// The c10d process groups this LibTorch has, decided at compile time: Gloo wherever its
// headers are installed (Debian: libgloo-dev), NCCL when the LibTorch is a CUDA build
// (third_party/libtorch and the CMake build define TRAINER_LIBTORCH_CUDA) and nccl.h is on
// the include path (a CUDA PyTorch wheel has it in nvidia/nccl/include). Without either, the
// build still compiles and a multi-rank run says what is missing. Only
// core/distributed/distributed.cc includes it: c10d's headers are heavy.
//
//   #if TRAINER_HAS_GLOO
//     auto group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
//   #endif
#ifndef CORE_DISTRIBUTED_C10D_BACKENDS_H_
#define CORE_DISTRIBUTED_C10D_BACKENDS_H_

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

// c10d compiles each process group's header only under its USE_C10D_* macro.
#if __has_include(<gloo/algorithm.h>)
#define TRAINER_HAS_GLOO 1
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#else
#define TRAINER_HAS_GLOO 0
#endif

#if defined(TRAINER_LIBTORCH_CUDA) && __has_include(<nccl.h>)
#define TRAINER_HAS_NCCL 1
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#else
#define TRAINER_HAS_NCCL 0
#endif

#endif  // CORE_DISTRIBUTED_C10D_BACKENDS_H_
