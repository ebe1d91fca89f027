// The deterministic train/valid/test split, by a stable hash of the German side.
//
// All pairs that share a German sentence land in the same split (the dictionary lists
// some sentences under several headwords, with different English), so nothing a model
// saw in training reappears as a test source. Pairs are grouped by German side and the
// groups ordered by the first 64 bits of SHA-256(German) (ties by text): valid takes groups
// from the front until it holds exactly `valid_pairs` pairs (a group that would overflow
// it is passed on), then test likewise, and train keeps the rest. The result depends only
// on the set of pairs, not on their order, the platform or a seed.
//
//   SplitOptions options;  // 1,000 valid, 1,000 test
//   absl::StatusOr<CorpusSplit> split = SplitCorpus(pairs, options);
//   split->train, split->valid, split->test  // each in the input's order
#ifndef CORE_DATA_CORPUS_SPLIT_H_
#define CORE_DATA_CORPUS_SPLIT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/sentence_pair.h"

namespace core {

// The sizes of the held-out splits.
struct SplitOptions {
  // Pairs in the validation split.
  int64_t valid_pairs = 1000;
  // Pairs in the test split.
  int64_t test_pairs = 1000;
};

struct CorpusSplit {
  std::vector<SentencePair> train;
  std::vector<SentencePair> valid;
  std::vector<SentencePair> test;
};

// Splits `pairs` (distinct pairs) as described above. Each split keeps the relative order
// of `pairs`. An InvalidArgument error when the held-out splits cannot be filled exactly
// or would leave no training pairs.
absl::StatusOr<CorpusSplit> SplitCorpus(const std::vector<SentencePair>& pairs,
                                        const SplitOptions& options = {});

}  // namespace core

#endif  // CORE_DATA_CORPUS_SPLIT_H_
