// End-to-end numbers of the real trainer (core::Trainer, the code of `train`): its
// throughput and the share of its time outside updates, read from the metrics.jsonl of a
// run; and what length bucketing saves in padding against random batches.
//
//   absl::StatusOr<TrainerThroughput> run = ReadTrainerThroughput("runs/x/metrics.jsonl");
//   std::cout << run->tokens_per_second() << " tok/s, overhead " << run->overhead();
//   absl::StatusOr<PaddingComparison> padding = ComparePadding(examples, batching, ids);
#ifndef TOOLS_BENCH_END_TO_END_H_
#define TOOLS_BENCH_END_TO_END_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/data/batcher.h"
#include "core/data/translation_example.h"

namespace tools::bench {

// Sums over the "train" lines of a fresh run's metrics.jsonl.
struct TrainerThroughput {
  int64_t updates = 0;
  // Training time at the last train line (TrainTime: updates, logging, validation,
  // checkpoints; not the final validation and BLEU, which come after it).
  double train_seconds = 0;
  // Seconds inside updates (batches to tensors, forward, backward, clipping, step): the
  // lines' update_seconds.
  double update_seconds = 0;
  // Real target tokens trained on (each line's tokens_per_s times its interval).
  double target_tokens = 0;
  // Validations before the last train line.
  int64_t validations = 0;

  double tokens_per_second() const { return target_tokens / train_seconds; }
  // Time outside updates relative to time inside them.
  double overhead() const { return (train_seconds - update_seconds) / update_seconds; }
};

// NotFound without train lines; DataLoss for a line that is not JSON; InvalidArgument for a
// train line without update, elapsed, tokens_per_s or update_seconds (a trainer older than
// this bench writes no update_seconds).
absl::StatusOr<TrainerThroughput> ReadTrainerThroughput(const std::string& metrics_path);

struct PaddingComparison {
  // One epoch of the trainer's batches: sorted by length, then cut (core/data/batcher.h).
  core::PaddingStats bucketed;
  // The same pairs shuffled and cut in that order under the same token budget.
  core::PaddingStats random;
  // Mean seconds of Batcher::Next and the copy into tensors, per bucketed batch.
  double seconds_per_batch = 0;
};

// Epoch 1 of `options` (its seed) against one random order from the same seed.
absl::StatusOr<PaddingComparison> ComparePadding(const std::vector<core::Example>& examples,
                                                 const core::BatcherOptions& options,
                                                 core::BatchSpecialIds ids);

// Trains with `train`'s flags (argv without the program name) in this process, as `train`
// does, and returns its exit code (core/train/trainer.h); the bench runs it in a child.
int RunTrainer(const std::vector<std::string>& train_flags);

}  // namespace tools::bench

#endif  // TOOLS_BENCH_END_TO_END_H_
