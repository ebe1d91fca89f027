#include "core/data/corpus_split.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/util/sha256.h"

namespace core {
namespace {

enum class Split { kTrain, kValid, kTest };

}  // namespace

absl::StatusOr<CorpusSplit> SplitCorpus(const std::vector<SentencePair>& pairs,
                                        const SplitOptions& options) {
  if (options.valid_pairs < 0 || options.test_pairs < 0) {
    return absl::InvalidArgumentError("split sizes must not be negative");
  }
  // German side -> number of pairs that have it.
  std::map<std::string, int64_t> group_sizes;
  for (const SentencePair& pair : pairs) ++group_sizes[pair.german];

  std::vector<std::tuple<uint64_t, const std::string*, int64_t>> groups;
  groups.reserve(group_sizes.size());
  for (const auto& [german, size] : group_sizes) {
    groups.emplace_back(Sha256Prefix64(german), &german, size);
  }
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return std::make_pair(std::get<0>(a), *std::get<1>(a)) <
           std::make_pair(std::get<0>(b), *std::get<1>(b));
  });

  std::map<absl::string_view, Split> assignment;
  int64_t valid = 0;
  int64_t test = 0;
  for (const auto& [hash, german, size] : groups) {
    Split split = Split::kTrain;
    if (valid + size <= options.valid_pairs) {
      split = Split::kValid;
      valid += size;
    } else if (test + size <= options.test_pairs) {
      split = Split::kTest;
      test += size;
    }
    assignment.emplace(*german, split);
  }
  if (valid != options.valid_pairs || test != options.test_pairs ||
      static_cast<int64_t>(pairs.size()) - valid - test <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot split ", pairs.size(), " pairs into ", options.valid_pairs, " valid, ",
                     options.test_pairs, " test and at least one training pair (filled ", valid,
                     " valid, ", test, " test); the corpus is too small for these split sizes"));
  }

  CorpusSplit split;
  for (const SentencePair& pair : pairs) {
    switch (assignment.at(pair.german)) {
      case Split::kTrain:
        split.train.push_back(pair);
        break;
      case Split::kValid:
        split.valid.push_back(pair);
        break;
      case Split::kTest:
        split.test.push_back(pair);
        break;
    }
  }
  return split;
}

}  // namespace core
