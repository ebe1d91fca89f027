#include "tools/analyze/least_squares.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace tools::analyze {

absl::StatusOr<LineFit> FitLine(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("fit: ", x.size(), " x values but ", y.size(), " y values"));
  }
  const double n = static_cast<double>(x.size());
  double mean_x = 0, mean_y = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mean_x += x[i] / n;
    mean_y += y[i] / n;
  }
  // Centred sums: no cancellation when x or y are large.
  double sxx = 0, sxy = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
    syy += (y[i] - mean_y) * (y[i] - mean_y);
  }
  if (!(sxx > 0)) return absl::InvalidArgumentError("fit: needs at least two distinct x values");
  LineFit fit;
  fit.a = sxy / sxx;
  fit.b = mean_y - fit.a * mean_x;
  double residual = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - (fit.a * x[i] + fit.b);
    residual += r * r;
  }
  fit.r2 = syy > 0 ? 1 - residual / syy : 1.0;
  return fit;
}

absl::StatusOr<LineFit> FitLogarithm(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> log_x;
  for (const double v : x) {
    if (!(v > 0))
      return absl::InvalidArgumentError(absl::StrCat("log fit: x = ", v, " is not > 0"));
    log_x.push_back(std::log(v));
  }
  return FitLine(log_x, y);
}

}  // namespace tools::analyze
