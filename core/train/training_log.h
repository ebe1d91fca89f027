// The training side of a run's log: the progress line on a terminal after every update, and
// every `log_interval` updates a `train` line in the log and in metrics.jsonl with the means
// over the interval. The interval's sums travel in checkpoints (LogInterval), so a resumed
// run logs the same averages as an uninterrupted one.
//
//   TrainingLog log(TrainingLogOptions(), run);   // run: the RunDirectory, or null
//   log.StartSession();
//   RETURN_IF_ERROR(log.Record(update, updates, epoch, train_time));
//   log.EndProgressLine();
#ifndef CORE_TRAIN_TRAINING_LOG_H_
#define CORE_TRAIN_TRAINING_LOG_H_

#include <chrono>
#include <cstdint>

#include "absl/status/status.h"

namespace core {

class RunDirectory;

// Sums over the updates since the last logged training line.
struct LogInterval {
  double loss = 0;
  double nll = 0;
  double grad_norm = 0;
  int64_t tokens = 0;
  int64_t updates = 0;
};

// What one update measured, summed over its batches and ranks.
struct UpdateRecord {
  double loss_sum = 0;
  double nll_sum = 0;
  int64_t tokens = 0;
  // Before clipping.
  double grad_norm = 0;
  // The learning rate the update used.
  double lr = 0;
  // Seconds inside the update (forward, backward, all-reduce, step).
  double seconds = 0;
  // Whether its batches ended an epoch.
  bool epoch_ended = false;
  // --precision=fp16: its gradients overflowed at the loss scale (the update is skipped).
  bool overflow = false;

  double loss() const { return loss_sum / tokens; }
};

struct TrainingLogOptions {
  // Whether to redraw a progress line on stderr after every update.
  bool terminal = false;
  // A `train` line every this many updates.
  int64_t log_interval = 100;
  // For the progress line's ETA; 0: no ETA.
  int64_t max_updates = 0;
};

class TrainingLog {
 public:
  // `run` is null on ranks that write nothing (they still draw no progress line).
  TrainingLog(TrainingLogOptions options, const RunDirectory* run);

  // Carries the sums of a checkpoint's interval on.
  void Restore(const LogInterval& interval) { interval_ = interval; }
  const LogInterval& interval() const { return interval_; }

  // Starts the interval's clock (a session's first interval excludes the set-up time).
  void StartSession();

  // Adds update number `updates` (1-based, of epoch `epoch`; `train_time`: seconds of training
  // so far) and writes the `train` line when the interval is full.
  absl::Status Record(const UpdateRecord& update, int64_t updates, int64_t epoch,
                      double train_time);

  // Ends the progress line, so the next log line starts on its own line.
  void EndProgressLine() const;

 private:
  using Clock = std::chrono::steady_clock;

  void DrawProgress(const UpdateRecord& update, int64_t updates, double train_time) const;
  absl::Status WriteLine(double lr, int64_t updates, int64_t epoch, double train_time);

  TrainingLogOptions options_;
  const RunDirectory* run_;
  LogInterval interval_;
  Clock::time_point interval_start_ = Clock::now();
  // Seconds inside updates this interval; the rest is logging, validation and checkpoints
  // (the overhead that docs/PERFORMANCE.md measures).
  double interval_update_seconds_ = 0;
};

}  // namespace core

#endif  // CORE_TRAIN_TRAINING_LOG_H_
