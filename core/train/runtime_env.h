// Sets the process environment that LibTorch on CPU trains fastest under, before anything
// reads it: libgomp and glibc read these variables when they are loaded, before main(), so
// the only way to set them from inside the program is to set them and re-execute it once.
//
// - OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning on the cores
//   OpenBLAS needs. Measured here (2 cores, a 2+2-layer d=128 model, `train --threads=2
//   --max_updates=6 --log_interval=3`, back to back): 1,442 and 1,899 tokens/s with ACTIVE,
//   2,161 and 2,933 with PASSIVE.
// - MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ (256 MiB / 4 GiB): glibc serves blocks
//   over 128 KiB-32 MiB with a fresh mmap and unmaps them on free, so every activation,
//   gradient and logits tensor of every update is page-faulted in anew. Measured here
//   (`train` d=64, 6L-6L, 2,000-token batches, 30 updates, /usr/bin/time): 2.76 M minor
//   faults and 37.4 s without, 0.22 M and 28.9 s with.
//
// A variable the user has set is kept as it is.
//
//   int main(int argc, char** argv) {
//     core::ReexecWithRuntimeEnvironment(argv);   // returns only when nothing needed doing
//     ...
#ifndef CORE_TRAIN_RUNTIME_ENV_H_
#define CORE_TRAIN_RUNTIME_ENV_H_

namespace core {

// Sets every variable above that is unset and re-executes /proc/self/exe with the same
// arguments (does not return). When all are set already (by the user, or by the first
// execution), or when re-executing fails, returns and the program goes on as it is.
void ReexecWithRuntimeEnvironment(char** argv);

}  // namespace core

#endif  // CORE_TRAIN_RUNTIME_ENV_H_
