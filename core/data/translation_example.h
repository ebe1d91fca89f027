// One sentence pair as token ids: what the dataset produces and the batcher consumes.
//
//   Example example{{812, 97, 3}, {455, 61, 3}, /*line=*/41};  // ids end with EOS (3)
#ifndef CORE_DATA_TRANSLATION_EXAMPLE_H_
#define CORE_DATA_TRANSLATION_EXAMPLE_H_

#include <cstdint>
#include <vector>

namespace core {

struct Example {
  // Source ids, ending with EOS.
  std::vector<int32_t> source;
  // Target ids, ending with EOS.
  std::vector<int32_t> target;
  // 0-based line of the pair in its split's text files.
  int64_t line = 0;
};

}  // namespace core

#endif  // CORE_DATA_TRANSLATION_EXAMPLE_H_
