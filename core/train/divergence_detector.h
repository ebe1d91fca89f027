// Decides when a run has diverged, so divergence is recorded as a result, not a crash.
//
// A NaN or infinite loss or gradient norm is divergence at once. A loss explosion is
// caught as Marian does: a fast moving average (about 10 updates) rising above `ratio`
// times a slow one (about 100 updates), tested once `warmup` updates have been seen (the
// loss falls fast early on, which the slow average lags behind). Within the warmup the fast
// average is held against `ratio` times the first loss instead (about ln V for a fresh
// model), so that a run exploding from its first updates is caught too.
//
//   DivergenceDetector detector(/*ratio=*/2.0, /*warmup=*/100);
//   if (std::string why = detector.Observe(loss, grad_norm); !why.empty()) stop(why);
#ifndef CORE_TRAIN_DIVERGENCE_DETECTOR_H_
#define CORE_TRAIN_DIVERGENCE_DETECTOR_H_

#include <cstdint>
#include <string>

namespace core {

class DivergenceDetector {
 public:
  // ratio <= 0 turns the loss-explosion test off.
  DivergenceDetector(double ratio, int64_t warmup) : ratio_(ratio), warmup_(warmup) {}

  // Takes one update's loss per token and gradient norm; returns why the run diverged, or "".
  std::string Observe(double loss, double grad_norm);

  // The averages, for checkpoints (a resumed run decides as the uninterrupted one would).
  double fast() const { return fast_; }
  double slow() const { return slow_; }
  double initial() const { return initial_; }
  int64_t observed() const { return observed_; }
  void Restore(double fast, double slow, double initial, int64_t observed) {
    fast_ = fast;
    slow_ = slow;
    initial_ = initial;
    observed_ = observed;
  }

 private:
  double ratio_;
  int64_t warmup_;
  double fast_ = 0;
  double slow_ = 0;
  // The first loss observed.
  double initial_ = 0;
  int64_t observed_ = 0;
};

}  // namespace core

#endif  // CORE_TRAIN_DIVERGENCE_DETECTOR_H_
