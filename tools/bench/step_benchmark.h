// The step benchmark: seconds per training update (forward with the label-smoothed loss,
// backward, Adam step) of the project's Transformer on a fixed synthetic batch or on the
// batches of a batch file (tools/bench/batch_file.h), and the fp32 matrix-product peak it
// is compared with. Torch-free header; the C++ child of `bench` runs it, and its PyTorch
// peers (bench/step_reference.py, bench/step_torch_transformer.py, sharing
// bench/step_common.py) are the same measurement in PyTorch eager.
//
// Options travel between the bench and its children as the peers' flags (StepFlags /
// ParseStepFlags), and results as `key=value` lines with the peers' keys (FormatStepResult /
// ParseStepResult), so that every side is measured and read alike.
//
//   StepBenchmarkOptions options;
//   options.model.embed_dim = 512;
//   absl::StatusOr<StepBenchmarkResult> result = RunStepBenchmark(options);
//   std::cout << FormatStepResult(*result);   // parameters=..., step_seconds=...
#ifndef TOOLS_BENCH_STEP_BENCHMARK_H_
#define TOOLS_BENCH_STEP_BENCHMARK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model/model_options.h"
#include "core/train/precision.h"
#include "tools/bench/child_process.h"
#include "tools/bench/flops.h"

namespace tools::bench {

// The padding id of every step child's model and loss (the project's SentencePiece models
// pad with it too): a batch file's batches must pad with it.
inline constexpr int32_t kStepPadId = 0;

struct StepBenchmarkOptions {
  // The model; source and target vocabulary sizes are equal (one shared embedding).
  core::ModelOptions model;
  // The synthetic batch (ids from a fixed formula, no padding), unless batch_file is set.
  BatchShape batch;
  // A batch file (tools/bench/batch_file.h) instead of the synthetic batch: timed update r
  // trains on batch r mod count, the warm-up updates on the batches before it (cyclically).
  std::string batch_file;
  // Untimed updates first (allocator and BLAS warm-up), then timed ones.
  int64_t warmup = 3;
  int64_t repeats = 10;
  double label_smoothing = 0.1;
  double lr = 1e-4;
  // Intra-op threads; 0: LibTorch's default.
  int64_t threads = 0;
  // The trainer's --precision: bf16 runs the forward pass and loss under autocast.
  core::Precision precision = core::Precision::kFp32;
  // The trainer's --batch_threads (resolved: >= 1). Above 1 the update runs the trainer's
  // core::ForwardBackward, and its forward seconds are forward, loss and backward together
  // (backward seconds 0): the shards' phases overlap.
  int64_t batch_threads = 1;
};

// Seconds of each timed update and of its phases.
struct PhaseSeconds {
  std::vector<double> step;
  // Forward pass and loss.
  std::vector<double> forward;
  std::vector<double> backward;
  std::vector<double> optimizer;
};

struct StepBenchmarkResult {
  int64_t parameters = 0;
  // Sums of the source, decoder input and target ids, batch b weighted by b + 1: every side
  // must print the same.
  std::string batch_checksum;
  int64_t threads = 0;
  PhaseSeconds seconds;
  // Admin models only: seconds of each run of the `admin` initializer (fairseq init and
  // one profiling forward pass on the batch), to compare with an update.
  std::vector<double> admin_init_seconds;
};

// The flags of the PyTorch peers for `options` (--embed_dim=256 ...); the C++ child takes
// the same.
std::vector<std::string> StepFlags(const StepBenchmarkOptions& options);
// Inverse of StepFlags; flags not given keep their defaults. InvalidArgument names an
// unknown flag or a bad value.
absl::StatusOr<StepBenchmarkOptions> ParseStepFlags(const std::vector<std::string>& flags);

// Builds the model and Adam, runs warmup + repeats updates, and profiles Admin (on the
// first batch) when both stacks have Admin residuals. Errors: an unreadable batch file, or
// one with ids beyond the vocabulary.
absl::StatusOr<StepBenchmarkResult> RunStepBenchmark(const StepBenchmarkOptions& options);

std::string FormatStepResult(const StepBenchmarkResult& result);
// From a child's output (either language; admin_init_seconds is optional).
absl::StatusOr<StepBenchmarkResult> ParseStepResult(const KeyValues& values);

struct MatmulRate {
  // An n x n by n x n fp32 product.
  int64_t size = 0;
  // Best of the repeats: 2n³ / seconds / 1e9.
  double gflops = 0;
};

// The fp32 matrix-product rate of LibTorch (at::mm on the CPU) for each size.
std::vector<MatmulRate> MeasureMatmulRates(const std::vector<int64_t>& sizes, int64_t repeats);

}  // namespace tools::bench

#endif  // TOOLS_BENCH_STEP_BENCHMARK_H_
