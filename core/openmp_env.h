// Makes LibTorch's OpenMP threads sleep instead of spin between parallel regions.
//
// LibTorch runs element-wise ops on OpenMP threads and matrix products on OpenBLAS's own
// threads. With GNU OpenMP's default (active) wait policy, idle OpenMP threads spin and
// take the cores that OpenBLAS needs. Measured here (2 cores, a 2+2-layer d=128 model,
// `train --threads=2 --max_updates=6 --log_interval=3`, same machine, back to back):
// 1,442 and 1,899 tokens/s with OMP_WAIT_POLICY=ACTIVE, 2,161 and 2,933 with PASSIVE. libgomp
// reads the variable when it is loaded, before main(), so the only way to set it from inside
// the program is to set it and re-execute the program once.
//
//   int main(int argc, char** argv) {
//     core::ReexecWithPassiveOpenMp(argv);   // returns only when nothing needed doing
//     ...
#ifndef CORE_OPENMP_ENV_H_
#define CORE_OPENMP_ENV_H_

namespace core {

// When OMP_WAIT_POLICY is unset: sets it to PASSIVE and re-executes /proc/self/exe with
// the same arguments (does not return). When it is set (by the user, or by the first
// execution), or when re-executing fails, returns and the program goes on as it is.
void ReexecWithPassiveOpenMp(char** argv);

}  // namespace core

#endif  // CORE_OPENMP_ENV_H_
