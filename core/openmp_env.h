// Makes LibTorch's OpenMP threads sleep instead of spin between parallel regions.
//
// LibTorch runs element-wise ops on OpenMP threads and matrix products on OpenBLAS's own
// threads. With GNU OpenMP's default (active) wait policy, idle OpenMP threads spin and
// take the cores that OpenBLAS needs: measured here on 2 cores, a small Transformer trains
// at about 1,000 tokens/s that way and 2,400 with OMP_WAIT_POLICY=PASSIVE. libgomp reads
// the variable when it is loaded, before main(), so the only way to set it from inside
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
