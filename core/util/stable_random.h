// A random generator whose sequence is fixed by this file alone.
//
// std::shuffle and the std:: distributions are implementation-defined, so the same seed
// can give another batch order with another standard library. Data order must be
// reproducible wherever a run is resumed, so the batcher draws from SplitMix64 (Steele et
// al., 2014) and shuffles with its own Fisher-Yates:
//
//   StableRandom random(MixSeed(seed, epoch));
//   StableShuffle(&order, &random);
#ifndef CORE_UTIL_STABLE_RANDOM_H_
#define CORE_UTIL_STABLE_RANDOM_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace core {

class StableRandom {
 public:
  explicit StableRandom(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0, without modulo bias (rejection sampling).
  uint64_t Below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t value;
    do {
      value = Next();
    } while (value >= limit);
    return value % bound;
  }

 private:
  uint64_t state_;
};

// A seed for stream `stream` of `seed` (e.g. one per epoch), decorrelated from its
// neighbours.
inline uint64_t MixSeed(uint64_t seed, uint64_t stream) {
  StableRandom random(seed ^ (stream * 0xD1B54A32D192ED03ULL));
  return random.Next();
}

// Fisher-Yates shuffle of `items` with `random`.
template <typename T>
void StableShuffle(std::vector<T>* items, StableRandom* random) {
  for (size_t i = items->size(); i > 1; --i) {
    std::swap((*items)[i - 1], (*items)[random->Below(i)]);
  }
}

}  // namespace core

#endif  // CORE_UTIL_STABLE_RANDOM_H_
