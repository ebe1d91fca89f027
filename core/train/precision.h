// Training precision (--precision): fp32, or mixed precision, where LibTorch's autocast runs
// the matrix products (linear, matmul, bmm) in a 16-bit type and everything else stays fp32:
// master weights, gradients' accumulation into them, optimizer state, LayerNorm (autocast
// runs it in fp32), Admin's ω (the residual stream it scales is LayerNorm's fp32 output, so
// x⊙ω and the sum with the branch promote to fp32), softmax and the loss.
//
// - bf16: on a CPU it needs AVX512-BF16 or AMX (oneDNN emulates bf16 elsewhere, slower than
//   fp32), which CheckPrecision verifies before anything is built; on CUDA LibTorch decides.
// - fp16: CUDA only (LibTorch's CPU autocast has no fp16); its 5 exponent bits overflow and
//   underflow, so the trainer scales the loss dynamically (core/train/loss_scaler.h).
//
//   ASSIGN_OR_RETURN(Precision precision, ParsePrecision(config.precision));
//   RETURN_IF_ERROR(CheckPrecision(precision, device));
//   {
//     MixedPrecisionScope scope(precision, device);   // forward and loss
//     loss = Loss(model->forward(source, target_in), target_out);
//   }
//   loss.backward();                                   // outside, as PyTorch advises
#ifndef CORE_TRAIN_PRECISION_H_
#define CORE_TRAIN_PRECISION_H_

#include <c10/core/Device.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

enum class Precision { kFp32, kBf16, kFp16 };

// "fp32", "bf16" or "fp16"; InvalidArgument otherwise.
absl::StatusOr<Precision> ParsePrecision(absl::string_view name);
// The flag value of `precision`.
const char* PrecisionName(Precision precision);

// OK when `device` runs `precision` at speed: bf16 on a CPU needs the avx512_bf16 or amx_bf16
// flag of `cpu_flags` (the "flags" line of /proc/cpuinfo), fp16 needs a CUDA device; on CUDA
// bf16 is left to LibTorch.
absl::Status CheckPrecision(Precision precision, const c10::Device& device,
                            const std::string& cpu_flags);
// The same with this machine's /proc/cpuinfo.
absl::Status CheckPrecision(Precision precision, const c10::Device& device);

// Autocast to bf16 or fp16 on `device`'s type while alive; nothing for fp32. Not copyable.
class MixedPrecisionScope {
 public:
  MixedPrecisionScope(Precision precision, const c10::Device& device);
  ~MixedPrecisionScope();
  MixedPrecisionScope(const MixedPrecisionScope&) = delete;
  MixedPrecisionScope& operator=(const MixedPrecisionScope&) = delete;

 private:
  bool active_ = false;
  bool cuda_ = false;
  bool was_enabled_ = false;
};

}  // namespace core

#endif  // CORE_TRAIN_PRECISION_H_
