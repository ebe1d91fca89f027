// Corpus chrF, exactly as sacreBLEU 2.x computes it with its defaults (chrF2: beta 2,
// character n-grams 1..6, no word n-grams, white space removed, mixed case, effective-order
// averaging rather than epsilon smoothing).
//
// Per sentence and order: hypothesis n-grams (counted only when the reference has n-grams
// of that order), reference n-grams, and matches (clipped counts). With several references
// the one whose statistics give the best sentence F wins. Statistics are summed over the
// corpus; precision and recall are averaged over the orders where both sides have n-grams,
// and F_beta is computed from the averages.
//
//   ChrfStatistics chrf;
//   absl::Status added = chrf.Add("It wasn't surprising.",
//                                 {"It was not unexpected.", "No one was surprised."});
//   ChrfScore score = chrf.Score();
//   score.Format()     // "chrF2 = ..."
//   score.Signature()  // "nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:..."
#ifndef CORE_METRICS_CHRF_H_
#define CORE_METRICS_CHRF_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

inline constexpr int kChrfCharOrder = 6;
inline constexpr int kChrfBeta = 2;

struct ChrfScore {
  // 0..100.
  double score = 0;
  // References per sentence; -1 when it varies.
  int num_refs = 0;

  // "chrF2 = 59.73".
  std::string Format() const;
  // "nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:admin_trainer-1".
  std::string Signature() const;
};

// Accumulates sentence statistics; Score() may be called at any time.
class ChrfStatistics {
 public:
  // Adds one hypothesis and its references (empty strings among them are ignored, as in
  // sacreBLEU). An error when no reference is non-empty; nothing is added then.
  absl::Status Add(absl::string_view hypothesis, const std::vector<absl::string_view>& references);

  ChrfScore Score() const;
  int64_t sentences() const { return sentences_; }

 private:
  // Per order: hypothesis n-grams, reference n-grams, matches.
  std::array<std::array<int64_t, 3>, kChrfCharOrder> statistics_{};
  int64_t sentences_ = 0;
  int num_refs_ = -2;
};

// chrF of `hypotheses` against `references` (references[r][i] is the r-th reference of
// sentence i). Errors name the stream or sentence. An empty corpus scores 0.
absl::StatusOr<ChrfScore> CorpusChrf(const std::vector<std::string>& hypotheses,
                                     const std::vector<std::vector<std::string>>& references);

}  // namespace core

#endif  // CORE_METRICS_CHRF_H_
