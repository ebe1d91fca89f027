// --deterministic: bitwise-reproducible kernels, for a resumed GPU run that must log the
// same losses as an uninterrupted one (README "Resume"). On a CPU the trainer's kernels are
// deterministic already; on CUDA some are not (atomics, cuBLAS's split-K workspaces), so the
// flag turns on LibTorch's deterministic algorithms (an op without a deterministic kernel is
// an error naming it, never a silent difference), cuDNN's deterministic mode without
// benchmarking, and cuBLAS's fixed workspace.
//
//   RequestDeterminism();   // first thing, before anything touches CUDA
#ifndef CORE_TRAIN_DETERMINISM_H_
#define CORE_TRAIN_DETERMINISM_H_

namespace core {

// The cuBLAS workspace setting NVIDIA documents for reproducible results.
inline constexpr char kCublasWorkspaceConfig[] = ":4096:8";

// Sets CUBLAS_WORKSPACE_CONFIG to kCublasWorkspaceConfig unless the user set it (cuBLAS reads
// it when its first handle is created: call this before any CUDA work), and LibTorch's
// deterministic switches.
void RequestDeterminism();

}  // namespace core

#endif  // CORE_TRAIN_DETERMINISM_H_
