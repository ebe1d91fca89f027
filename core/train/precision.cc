#include "core/train/precision.h"

#include <ATen/autocast_mode.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "plugins/closest_match.h"

namespace core {
namespace {

// The "flags" line of /proc/cpuinfo (the first processor's), or "" where there is none.
std::string CpuFlags() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (absl::StartsWith(line, "flags")) return line;
  }
  return "";
}

}  // namespace

absl::StatusOr<Precision> ParsePrecision(absl::string_view name) {
  for (const Precision precision : {Precision::kFp32, Precision::kBf16, Precision::kFp16}) {
    if (name == PrecisionName(precision)) return precision;
  }
  const std::string hint = plugins::ClosestMatch(name, {"fp32", "bf16", "fp16"});
  return absl::InvalidArgumentError(
      absl::StrCat("--precision = '", name, "' is not a precision (fp32, bf16, fp16)",
                   hint.empty() ? "" : absl::StrCat("; did you mean '", hint, "'?")));
}

const char* PrecisionName(Precision precision) {
  switch (precision) {
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp16:
      return "fp16";
    case Precision::kFp32:
      break;
  }
  return "fp32";
}

absl::Status CheckPrecision(Precision precision, const c10::Device& device,
                            const std::string& cpu_flags) {
  if (precision == Precision::kFp16 && !device.is_cuda()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--precision=fp16 needs --device=cuda (not ", device.str(),
        "): LibTorch's CPU autocast has no fp16. Use --precision=fp32, or bf16 on a CPU with "
        "AVX512-BF16 or AMX"));
  }
  if (precision == Precision::kFp32 || !device.is_cpu()) return absl::OkStatus();
  for (absl::string_view flag : absl::StrSplit(cpu_flags, ' ')) {
    if (flag == "avx512_bf16" || flag == "amx_bf16") return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "--precision=bf16 needs a CPU with AVX512-BF16 or AMX (the avx512_bf16 or amx_bf16 flag "
      "of /proc/cpuinfo), which this one lacks: bf16 would be emulated, slower than fp32. Use "
      "--precision=fp32 here");
}

absl::Status CheckPrecision(Precision precision, const c10::Device& device) {
  return CheckPrecision(precision, device, CpuFlags());
}

MixedPrecisionScope::MixedPrecisionScope(Precision precision, const c10::Device& device)
    : active_(precision != Precision::kFp32), cuda_(device.is_cuda()) {
  if (!active_) return;
  // As torch.autocast's __enter__: the dtype, the switch, and a nesting count that lets the
  // outermost scope clear the cache of casted weights.
  if (cuda_) {
    was_enabled_ = at::autocast::is_enabled();
    at::autocast::set_autocast_gpu_dtype(precision == Precision::kFp16 ? at::kHalf
                                                                         : at::kBFloat16);
    at::autocast::set_enabled(true);
  } else {
    was_enabled_ = at::autocast::is_cpu_enabled();
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
  }
  at::autocast::increment_nesting();
}

MixedPrecisionScope::~MixedPrecisionScope() {
  if (!active_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  if (cuda_) {
    at::autocast::set_enabled(was_enabled_);
  } else {
    at::autocast::set_cpu_enabled(was_enabled_);
  }
}

}  // namespace core
