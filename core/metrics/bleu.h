// Corpus BLEU, exactly as sacreBLEU 2.x computes it with its defaults (13a tokenization,
// mixed case, 'exp' smoothing, no effective order), so scores here compare with published
// sacreBLEU numbers.
//
// Per sentence: the hypothesis's clipped n-gram matches (n = 1..4; a reference n-gram's
// count is its maximum over the references), its n-gram totals, its length, and the
// closest reference length (ties to the shorter). Corpus sums give the precisions; an
// order with no match gets 100 / (2^k * total) for the k-th such order; BP = exp(1 - r/c)
// when c < r; no match at all gives 0. References that are empty strings are skipped (a
// sentence may have fewer references); a sentence with none is an error.
//
//   BleuStatistics bleu;
//   absl::Status added = bleu.Add("The dog bit the man.",
//                                 {"The dog bit the man.", "The dog had bit the man."});
//   BleuScore score = bleu.Score();
//   score.Format()     // "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 ...)"
//   score.Signature()  // "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:..."
#ifndef CORE_METRICS_BLEU_H_
#define CORE_METRICS_BLEU_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/metrics/metrics_version.h"

namespace core {

inline constexpr int kBleuMaxOrder = 4;

struct BleuScore {
  // 0..100.
  double score = 0;
  // Per order n = 1..4: clipped matches, hypothesis n-grams, precision in percent.
  std::array<int64_t, kBleuMaxOrder> correct{};
  std::array<int64_t, kBleuMaxOrder> total{};
  std::array<double, kBleuMaxOrder> precisions{};
  // Brevity penalty and hypothesis/reference length ratio (0 when ref_len is 0).
  double bp = 1;
  double ratio = 0;
  // Tokens of the hypotheses and of the chosen (closest) references.
  int64_t hyp_len = 0;
  int64_t ref_len = 0;
  // References per sentence; -1 when it varies.
  int num_refs = 0;

  // sacreBLEU's line: "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944
  // hyp_len = 17 ref_len = 18)".
  std::string Format() const;
  // "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:admin_trainer-1".
  std::string Signature() const;
};

// Accumulates sentence statistics; Score() may be called at any time.
class BleuStatistics {
 public:
  // Adds one hypothesis and its references (empty strings among them are ignored). An
  // error when no reference is non-empty; nothing is added then.
  absl::Status Add(absl::string_view hypothesis, const std::vector<absl::string_view>& references);

  BleuScore Score() const;
  int64_t sentences() const { return sentences_; }

 private:
  std::array<int64_t, kBleuMaxOrder> correct_{};
  std::array<int64_t, kBleuMaxOrder> total_{};
  int64_t hyp_len_ = 0;
  int64_t ref_len_ = 0;
  int64_t sentences_ = 0;
  // -2: no sentence yet; -1: varies.
  int num_refs_ = -2;
};

// BLEU of `hypotheses` against `references` (references[r][i] is the r-th reference of
// sentence i; every stream as long as `hypotheses`). Errors name the stream or sentence.
// An empty corpus scores 0.
absl::StatusOr<BleuScore> CorpusBleu(const std::vector<std::string>& hypotheses,
                                     const std::vector<std::vector<std::string>>& references);

}  // namespace core

#endif  // CORE_METRICS_BLEU_H_
