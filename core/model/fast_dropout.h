// Dropout whose masks come from a counter-based hash instead of Bernoulli sampling.
//
// at::dropout draws one number per element from a scalar Mersenne Twister under a lock, and
// keeps the mask as a float tensor for backward: about 3 ns per element on this project's CPU,
// a fifth of a d = 64 update (docs/PERFORMANCE.md). Here the mask of element i is a pure
// function of (key, i): a 32-bit hash of i's pair index and the call's 64-bit key gives two
// 16-bit lanes, and an element is kept when its lane is >= round(p · 65536). The loop
// vectorizes, splits across threads without changing the mask, and backward recomputes the
// mask from the key instead of saving it.
//
// Keys: each call takes one 64-bit key, from the calling thread's DropoutKeyScope when one is
// active (the trainer's batch threads: a deterministic stream per thread), else one draw from
// LibTorch's default CPU generator (so the generator's state, which checkpoints save, decides
// every mask, and a resumed run replays them). Tensors on other devices use at::dropout.
//
//   at::Tensor y = core::Dropout(x, /*p=*/0.1, /*training=*/true);
//   {
//     core::DropoutKeyScope keys(seed);   // this thread's masks now follow `seed`
//     ...
//   }
#ifndef CORE_MODEL_FAST_DROPOUT_H_
#define CORE_MODEL_FAST_DROPOUT_H_

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace core {

// Zeroes each element with probability p (to 1/65536) and scales the rest by 1 / (1 - p);
// the identity when !training or p == 0. Differentiable.
at::Tensor Dropout(const at::Tensor& x, double p, bool training);

// The key the next dropout call on this thread would take (and takes it): from the thread's
// DropoutKeyScope, else one draw from the default CPU generator. For seeding key streams.
uint64_t NextDropoutKey();

// While alive, the calling thread's dropout keys are the stream seeded by `seed` (call k gets
// a hash of (seed, k); nearby seeds give unrelated streams) instead of draws from the default
// generator. Scopes nest.
class DropoutKeyScope {
 public:
  explicit DropoutKeyScope(uint64_t seed);
  ~DropoutKeyScope();
  DropoutKeyScope(const DropoutKeyScope&) = delete;
  DropoutKeyScope& operator=(const DropoutKeyScope&) = delete;

 private:
  bool had_stream_;
  uint64_t previous_seed_;
  uint64_t previous_calls_;
};

namespace internal {
// The mask kernel, exposed for tests: out[i] = keep(key, i) ? in[i] * scale : 0 with
// keep(key, i) = lane_i(key) >= threshold; `in` and `out` contiguous float tensors of the
// same size (they may alias).
void ApplyDropoutMask(const at::Tensor& in, at::Tensor& out, uint64_t key, uint32_t threshold,
                      float scale);
// round(p · 65536), the lane threshold of keep probability 1 - p.
uint32_t DropoutThreshold(double p);
}  // namespace internal

}  // namespace core

#endif  // CORE_MODEL_FAST_DROPOUT_H_
