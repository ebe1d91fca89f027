// One knob for the CPU threads of an intra-op computation.
//
// LibTorch's at::set_num_threads sets its OpenMP pool only; with OpenBLAS (Debian's
// LibTorch) every matrix product runs on OpenBLAS's own pool, which still has one thread
// per core. Two trainers of a sweep with --threads=1 each would then run four BLAS threads
// on two cores and spend their time in sched_yield: measured here (`train` d=64, 6L-6L,
// 30 updates, /usr/bin/time, glibc thresholds of core/train/runtime_env.h raised) 19.0 s of system
// time with OpenBLAS's 2 threads, 0.8 s with 1.
//
//   core::SetIntraOpThreads(config.threads);   // 0 leaves both pools as they are
#ifndef CORE_TRAIN_INTRA_OP_THREADS_H_
#define CORE_TRAIN_INTRA_OP_THREADS_H_

#include <cstdint>

namespace core {

// threads > 0: LibTorch's intra-op pool and, when the process runs on OpenBLAS, OpenBLAS's
// pool get `threads` threads. threads == 0: nothing changes.
void SetIntraOpThreads(int64_t threads);

}  // namespace core

#endif  // CORE_TRAIN_INTRA_OP_THREADS_H_
