#include "core/train/divergence_detector.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace core {

std::string DivergenceDetector::Observe(double loss, double grad_norm) {
  if (!std::isfinite(loss)) return absl::StrFormat("loss is %f", loss);
  if (!std::isfinite(grad_norm)) return absl::StrFormat("gradient norm is %f", grad_norm);
  // The first loss starts both averages, so neither is biased towards 0.
  const bool first = observed_ == 0;
  if (first) initial_ = loss;
  fast_ = first ? loss : 0.9 * fast_ + 0.1 * loss;
  slow_ = first ? loss : 0.99 * slow_ + 0.01 * loss;
  ++observed_;
  if (ratio_ <= 0) return "";
  if (observed_ > warmup_ && fast_ > ratio_ * slow_) {
    return absl::StrFormat("loss exploded: fast average %.4g > %g x slow average %.4g", fast_,
                           ratio_, slow_);
  }
  if (observed_ <= warmup_ && fast_ > ratio_ * initial_) {
    return absl::StrFormat("loss exploded: fast average %.4g > %g x the first loss %.4g", fast_,
                           ratio_, initial_);
  }
  return "";
}

}  // namespace core
