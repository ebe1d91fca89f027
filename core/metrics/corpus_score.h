// Scores a whole corpus with a sentence-statistics accumulator (BleuStatistics,
// ChrfStatistics): checks that every reference stream is as long as the hypotheses, feeds
// sentence i with the i-th line of every stream, and returns the accumulator's Score().
//
//   absl::StatusOr<BleuScore> bleu = ScoreCorpus<BleuStatistics>(hypotheses, references);
#ifndef CORE_METRICS_CORPUS_SCORE_H_
#define CORE_METRICS_CORPUS_SCORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace core {

// references[r][i] is the r-th reference of sentence i. Errors name the stream or sentence.
template <typename Statistics>
auto ScoreCorpus(const std::vector<std::string>& hypotheses,
                 const std::vector<std::vector<std::string>>& references)
    -> absl::StatusOr<decltype(Statistics().Score())> {
  if (references.empty()) return absl::InvalidArgumentError("no reference stream given");
  for (size_t r = 0; r < references.size(); ++r) {
    if (references[r].size() != hypotheses.size()) {
      return absl::InvalidArgumentError(absl::StrCat("reference stream ", r + 1, " has ",
                                                     references[r].size(), " sentences, the ",
                                                     "hypotheses ", hypotheses.size()));
    }
  }
  Statistics statistics;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    std::vector<absl::string_view> refs;
    for (const auto& stream : references) refs.push_back(stream[i]);
    if (absl::Status added = statistics.Add(hypotheses[i], refs); !added.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("sentence ", i + 1, ": ", added.message()));
    }
  }
  return statistics.Score();
}

}  // namespace core

#endif  // CORE_METRICS_CORPUS_SCORE_H_
