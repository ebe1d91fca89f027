// Closest-match suggestions for misspelt names ("did you mean 'radam'?").
//
//   std::string hint = ClosestMatch("radm", {"adam", "radam", "sgd"});  // "radam"
#ifndef PLUGINS_CLOSEST_MATCH_H_
#define PLUGINS_CLOSEST_MATCH_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace plugins {

// Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
int EditDistance(absl::string_view a, absl::string_view b);

// The candidate nearest to `word`, or "" when none is close enough to be a plausible
// typo (distance above max(2, |word| / 3)). Ties go to the earlier candidate.
std::string ClosestMatch(absl::string_view word, const std::vector<std::string>& candidates);

}  // namespace plugins

#endif  // PLUGINS_CLOSEST_MATCH_H_
