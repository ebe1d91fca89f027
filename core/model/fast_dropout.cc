#include "core/model/fast_dropout.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <cmath>
#include <mutex>
#include <type_traits>

namespace core {
namespace {

constexpr uint64_t kGolden64 = 0x9E3779B97F4A7C15ull;

uint64_t SplitMix64(uint64_t x) {
  x += kGolden64;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Two rounds of 32-bit finalizers (MurmurHash3's fmix32, then Wellons' lowbias32) keyed by
// k0 and k1. For a fixed key it is a bijection of j, and it uses only 32-bit multiplies,
// which AVX2 has, so the loops below vectorize.
inline uint32_t PairHash(uint32_t j, uint32_t k0, uint32_t k1) {
  uint32_t h = j * 0x9E3779B1u + k0;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  h ^= k1;
  h ^= h >> 16;
  h *= 0x7FEB352Du;
  h ^= h >> 15;
  h *= 0x846CA68Bu;
  h ^= h >> 16;
  return h;
}

struct MaskKey {
  uint32_t k0;
  uint32_t k1;
  uint32_t threshold;
  float scale;
};

// Pairs [begin, end) of a float tensor: element 2j takes the low lane of PairHash(j), 2j+1 the
// high one. One clone per instruction set, picked at load time.
__attribute__((target_clones("avx512f", "avx2", "default"))) void MaskFloatPairs(
    const float* in, float* out, int64_t begin, int64_t end, MaskKey key) {
  for (int64_t j = begin; j < end; ++j) {
    const uint32_t h = PairHash(static_cast<uint32_t>(j), key.k0, key.k1);
    const float a = in[2 * j];
    const float b = in[2 * j + 1];
    out[2 * j] = (h & 0xFFFFu) >= key.threshold ? a * key.scale : 0.0f;
    out[2 * j + 1] = (h >> 16) >= key.threshold ? b * key.scale : 0.0f;
  }
}

// The same for other types: 16-bit ones through float, double in double.
template <typename T>
T Kept(bool keep, T x, float scale) {
  using Math = std::conditional_t<std::is_same_v<T, double>, double, float>;
  return keep ? static_cast<T>(static_cast<Math>(x) * scale) : static_cast<T>(0);
}

template <typename T>
void MaskPairs(const T* in, T* out, int64_t begin, int64_t end, MaskKey key) {
  for (int64_t j = begin; j < end; ++j) {
    const uint32_t h = PairHash(static_cast<uint32_t>(j), key.k0, key.k1);
    out[2 * j] = Kept((h & 0xFFFFu) >= key.threshold, in[2 * j], key.scale);
    out[2 * j + 1] = Kept((h >> 16) >= key.threshold, in[2 * j + 1], key.scale);
  }
}

template <typename T>
void MaskAll(const T* in, T* out, int64_t n, MaskKey key) {
  const int64_t pairs = n / 2;
  constexpr int64_t kGrainPairs = 1 << 14;
  at::parallel_for(0, pairs, kGrainPairs, [&](int64_t begin, int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      MaskFloatPairs(in, out, begin, end, key);
    } else {
      MaskPairs(in, out, begin, end, key);
    }
  });
  if (n % 2 == 1) {  // The last element takes the low lane of the next pair.
    const uint32_t h = PairHash(static_cast<uint32_t>(pairs), key.k0, key.k1);
    out[n - 1] = Kept((h & 0xFFFFu) >= key.threshold, in[n - 1], key.scale);
  }
}

struct KeyStream {
  bool active = false;
  uint64_t seed = 0;
  uint64_t calls = 0;
};
thread_local KeyStream key_stream;

at::Tensor Masked(const at::Tensor& x, double p, uint64_t key) {
  const at::Tensor in = x.contiguous();
  at::Tensor out = at::empty_like(in);
  internal::ApplyDropoutMask(in, out, key, internal::DropoutThreshold(p),
                             static_cast<float>(1.0 / (1.0 - p)));
  return out;
}

class DropoutFunction : public torch::autograd::Function<DropoutFunction> {
 public:
  static at::Tensor forward(torch::autograd::AutogradContext* context, const at::Tensor& x,
                            double p, int64_t key) {
    context->saved_data["p"] = p;
    context->saved_data["key"] = key;
    return Masked(x, p, static_cast<uint64_t>(key));
  }

  // The gradient passes where the forward pass kept: the same mask, from the same key.
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list gradients) {
    const double p = context->saved_data["p"].toDouble();
    const auto key = static_cast<uint64_t>(context->saved_data["key"].toInt());
    return {Masked(gradients[0], p, key), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

namespace internal {

uint32_t DropoutThreshold(double p) {
  return static_cast<uint32_t>(std::lround(p * 65536.0));
}

void ApplyDropoutMask(const at::Tensor& in, at::Tensor& out, uint64_t key, uint32_t threshold,
                      float scale) {
  TORCH_CHECK(in.is_contiguous() && out.is_contiguous() && in.numel() == out.numel() &&
                  in.scalar_type() == out.scalar_type(),
              "dropout mask: contiguous tensors of one size and type expected");
  // Pair indices are 32-bit.
  TORCH_CHECK(in.numel() / 2 < (int64_t{1} << 32), "dropout of ", in.numel(),
              " elements: at most 2^33 supported");
  const uint64_t mixed = SplitMix64(key);
  const MaskKey mask{static_cast<uint32_t>(mixed), static_cast<uint32_t>(mixed >> 32), threshold,
                     scale};
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, in.scalar_type(), "dropout_mask", [&] {
    MaskAll(in.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), in.numel(), mask);
  });
}

}  // namespace internal

uint64_t NextDropoutKey() {
  if (key_stream.active) return SplitMix64(key_stream.seed ^ SplitMix64(key_stream.calls++));
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get<at::CPUGeneratorImpl>()->random64();
}

at::Tensor Dropout(const at::Tensor& x, double p, bool training) {
  TORCH_CHECK(p >= 0 && p <= 1, "dropout probability ", p, " is not in [0, 1]");
  if (!training || p == 0) return x;
  if (p == 1) return x * 0;
  if (!x.device().is_cpu()) return at::dropout(x, p, training);
  return DropoutFunction::apply(x, p, static_cast<int64_t>(NextDropoutKey()));
}

DropoutKeyScope::DropoutKeyScope(uint64_t seed)
    : had_stream_(key_stream.active),
      previous_seed_(key_stream.seed),
      previous_calls_(key_stream.calls) {
  key_stream = {true, SplitMix64(seed), 0};
}

DropoutKeyScope::~DropoutKeyScope() {
  key_stream = {had_stream_, previous_seed_, previous_calls_};
}

}  // namespace core
