// Least-squares fits of y = a·x + b and y = a·ln x + b, with R², for the depth scans of the
// analysis tool: the paper predicts the output change grows as O(N) for Post-LN and as
// O(log N) for Pre-LN and Admin (docs/formulas.md §8.3), so the better of the two fits says which.
//
//   absl::StatusOr<LineFit> linear = FitLine({1, 2, 4}, {3, 5, 9});      // a = 2, b = 1, R² = 1
//   absl::StatusOr<LineFit> logarithmic = FitLogarithm({1, 2, 4}, {1, 1.69, 2.39});
#ifndef TOOLS_ANALYZE_LEAST_SQUARES_H_
#define TOOLS_ANALYZE_LEAST_SQUARES_H_

#include <vector>

#include "absl/status/statusor.h"

namespace tools::analyze {

struct LineFit {
  double a = 0;
  double b = 0;
  // Coefficient of determination, 1 − SS_res / SS_tot (1 when every y is equal and fitted).
  double r2 = 0;
};

// y ≈ a·x + b. Needs as many x as y, and at least two distinct x.
absl::StatusOr<LineFit> FitLine(const std::vector<double>& x, const std::vector<double>& y);

// y ≈ a·ln(x) + b. Every x must be > 0.
absl::StatusOr<LineFit> FitLogarithm(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace tools::analyze

#endif  // TOOLS_ANALYZE_LEAST_SQUARES_H_
