#include "core/metrics/bleu.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/metrics/corpus_score.h"
#include "core/metrics/tokenizer_13a.h"
#include "core/util/utf8.h"

namespace core {
namespace {

// n-grams of one tokenized sentence, keyed by the tokens joined with ' ' (tokens never
// contain a space) plus the order, so different orders never collide.
using NgramCounts = absl::flat_hash_map<std::string, int64_t>;

// sacreBLEU's preprocessing: rstrip, then 13a; returns the tokens.
std::vector<std::string> Tokens(absl::string_view sentence) {
  const std::string tokenized = Tokenize13a(sentence);
  std::vector<std::string> tokens;
  for (absl::string_view token : SplitOnWhitespace(tokenized)) tokens.emplace_back(token);
  return tokens;
}

NgramCounts CountNgrams(const std::vector<std::string>& tokens) {
  NgramCounts counts;
  for (int n = 1; n <= kBleuMaxOrder; ++n) {
    for (size_t i = 0; i + n <= tokens.size(); ++i) {
      std::string key = absl::StrCat(n, "|");
      for (int k = 0; k < n; ++k) absl::StrAppend(&key, k == 0 ? "" : " ", tokens[i + k]);
      ++counts[key];
    }
  }
  return counts;
}

int OrderOf(const std::string& key) { return key[0] - '0'; }

std::string FormatFixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  return buffer;
}

}  // namespace

std::string BleuScore::Format() const {
  std::vector<std::string> precision_texts;
  for (double precision : precisions) precision_texts.push_back(FormatFixed(precision, 1));
  return absl::StrCat("BLEU = ", FormatFixed(score, 2), " ", absl::StrJoin(precision_texts, "/"),
                      " (BP = ", FormatFixed(bp, 3), " ratio = ", FormatFixed(ratio, 3),
                      " hyp_len = ", hyp_len, " ref_len = ", ref_len, ")");
}

std::string BleuScore::Signature() const {
  return absl::StrCat("nrefs:", num_refs == -1 ? "var" : absl::StrCat(num_refs),
                      "|case:mixed|eff:no|tok:13a|smooth:exp|version:", kMetricsVersion);
}

absl::Status BleuStatistics::Add(absl::string_view hypothesis,
                                 const std::vector<absl::string_view>& references) {
  NgramCounts reference_counts;
  std::vector<int64_t> reference_lengths;
  for (absl::string_view reference : references) {
    if (reference.empty()) continue;  // sacreBLEU: fewer references for this sentence
    const std::vector<std::string> tokens = Tokens(reference);
    reference_lengths.push_back(static_cast<int64_t>(tokens.size()));
    for (const auto& [ngram, count] : CountNgrams(tokens)) {
      int64_t& best = reference_counts[ngram];
      best = std::max(best, count);
    }
  }
  if (reference_lengths.empty()) {
    return absl::InvalidArgumentError("every reference of the sentence is empty");
  }
  const std::vector<std::string> hypothesis_tokens = Tokens(hypothesis);
  const int64_t hyp_len = static_cast<int64_t>(hypothesis_tokens.size());
  // The closest reference length; on a tie the shorter.
  int64_t closest = -1;
  for (int64_t length : reference_lengths) {
    const int64_t diff = std::llabs(hyp_len - length);
    const int64_t best_diff = std::llabs(hyp_len - closest);
    if (closest == -1 || diff < best_diff || (diff == best_diff && length < closest)) {
      closest = length;
    }
  }
  for (const auto& [ngram, count] : CountNgrams(hypothesis_tokens)) {
    const int n = OrderOf(ngram);
    total_[n - 1] += count;
    const auto found = reference_counts.find(ngram);
    if (found != reference_counts.end()) correct_[n - 1] += std::min(count, found->second);
  }
  hyp_len_ += hyp_len;
  ref_len_ += closest;
  ++sentences_;
  const int refs = static_cast<int>(reference_lengths.size());
  num_refs_ = num_refs_ == -2 ? refs : (num_refs_ == refs ? refs : -1);
  return absl::OkStatus();
}

BleuScore BleuStatistics::Score() const {
  BleuScore result;
  result.correct = correct_;
  result.total = total_;
  result.hyp_len = hyp_len_;
  result.ref_len = ref_len_;
  result.num_refs = num_refs_ == -2 ? 0 : num_refs_;
  result.ratio = ref_len_ > 0 ? static_cast<double>(hyp_len_) / ref_len_ : 0.0;
  if (hyp_len_ < ref_len_) {
    result.bp = hyp_len_ > 0 ? std::exp(1.0 - static_cast<double>(ref_len_) / hyp_len_) : 0.0;
  }
  bool any_match = false;
  for (int64_t correct : correct_) any_match = any_match || correct > 0;
  if (!any_match) return result;  // sacreBLEU's early stop: score and precisions 0

  double smooth = 1.0;
  double log_sum = 0.0;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    if (total_[n] == 0) {
      // sacreBLEU stops filling precisions here; each remaining order adds log(0).
      for (int rest = n; rest < kBleuMaxOrder; ++rest) log_sum += -9999999999.0;
      break;
    }
    if (correct_[n] == 0) {
      smooth *= 2;
      result.precisions[n] = 100.0 / (smooth * static_cast<double>(total_[n]));
    } else {
      result.precisions[n] = 100.0 * static_cast<double>(correct_[n]) / total_[n];
    }
    log_sum += std::log(result.precisions[n]);
  }
  result.score = result.bp * std::exp(log_sum / kBleuMaxOrder);
  return result;
}

absl::StatusOr<BleuScore> CorpusBleu(const std::vector<std::string>& hypotheses,
                                     const std::vector<std::vector<std::string>>& references) {
  return ScoreCorpus<BleuStatistics>(hypotheses, references);
}

}  // namespace core
