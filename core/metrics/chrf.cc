#include "core/metrics/chrf.h"

#include <algorithm>
#include <cstdio>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/metrics/corpus_score.h"
#include "core/metrics/metrics_version.h"
#include "core/util/utf8.h"

namespace core {
namespace {

using Statistics = std::array<std::array<int64_t, 3>, kChrfCharOrder>;
using CharNgramCounts = std::array<absl::flat_hash_map<std::u32string, int64_t>, kChrfCharOrder>;

// Character n-grams (code points, as Python strings) of `text` with white space removed.
CharNgramCounts CountCharNgrams(absl::string_view text) {
  std::u32string characters;
  for (char32_t c : DecodeUtf8(text)) {
    if (!IsUnicodeWhitespace(c)) characters.push_back(c);
  }
  CharNgramCounts counts;
  for (int n = 1; n <= kChrfCharOrder; ++n) {
    for (size_t i = 0; i + n <= characters.size(); ++i) ++counts[n - 1][characters.substr(i, n)];
  }
  return counts;
}

int64_t Total(const absl::flat_hash_map<std::u32string, int64_t>& counts) {
  int64_t total = 0;
  for (const auto& [ngram, count] : counts) total += count;
  return total;
}

// sacreBLEU's CHRF._compute_f_score without eps_smoothing.
double FScore(const Statistics& statistics) {
  const double factor = static_cast<double>(kChrfBeta) * kChrfBeta;
  double average_precision = 0;
  double average_recall = 0;
  int effective_order = 0;
  for (const auto& [hyp, ref, match] : statistics) {
    if (hyp > 0 && ref > 0) {
      average_precision += static_cast<double>(match) / hyp;
      average_recall += static_cast<double>(match) / ref;
      ++effective_order;
    }
  }
  if (effective_order == 0) return 0.0;
  average_precision /= effective_order;
  average_recall /= effective_order;
  if (average_precision + average_recall == 0) return 0.0;
  // Same operation order as sacreBLEU, so the last bits agree too.
  double score = (1 + factor) * average_precision * average_recall;
  score /= (factor * average_precision) + average_recall;
  return 100 * score;
}

}  // namespace

std::string ChrfScore::Format() const {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", score);
  return absl::StrCat("chrF", kChrfBeta, " = ", buffer);
}

std::string ChrfScore::Signature() const {
  return absl::StrCat("nrefs:", num_refs == -1 ? "var" : absl::StrCat(num_refs),
                      "|case:mixed|eff:yes|nc:", kChrfCharOrder,
                      "|nw:0|space:no|version:", kMetricsVersion);
}

absl::Status ChrfStatistics::Add(absl::string_view hypothesis,
                                 const std::vector<absl::string_view>& references) {
  const CharNgramCounts hypothesis_counts = CountCharNgrams(hypothesis);
  Statistics best{};
  double best_f = -1.0;
  int refs = 0;
  for (absl::string_view reference : references) {
    if (reference.empty()) continue;
    ++refs;
    const CharNgramCounts reference_counts = CountCharNgrams(reference);
    Statistics statistics{};
    for (int n = 0; n < kChrfCharOrder; ++n) {
      int64_t hyp_count = 0;
      int64_t matches = 0;
      for (const auto& [ngram, count] : hypothesis_counts[n]) {
        hyp_count += count;
        const auto found = reference_counts[n].find(ngram);
        if (found != reference_counts[n].end()) matches += std::min(count, found->second);
      }
      // sacreBLEU counts hypothesis n-grams only when the reference has some of that order.
      statistics[n] = {reference_counts[n].empty() ? 0 : hyp_count, Total(reference_counts[n]),
                       matches};
    }
    const double f = FScore(statistics);
    if (f > best_f) {
      best_f = f;
      best = statistics;
    }
  }
  if (refs == 0) return absl::InvalidArgumentError("every reference of the sentence is empty");
  for (int n = 0; n < kChrfCharOrder; ++n) {
    for (int k = 0; k < 3; ++k) statistics_[n][k] += best[n][k];
  }
  ++sentences_;
  num_refs_ = num_refs_ == -2 ? refs : (num_refs_ == refs ? refs : -1);
  return absl::OkStatus();
}

ChrfScore ChrfStatistics::Score() const {
  ChrfScore result;
  result.score = FScore(statistics_);
  result.num_refs = num_refs_ == -2 ? 0 : num_refs_;
  return result;
}

absl::StatusOr<ChrfScore> CorpusChrf(const std::vector<std::string>& hypotheses,
                                     const std::vector<std::vector<std::string>>& references) {
  return ScoreCorpus<ChrfStatistics>(hypotheses, references);
}

}  // namespace core
