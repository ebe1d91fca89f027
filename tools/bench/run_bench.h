// `bazel run //tools/bench`: the training-throughput benchmark of docs/PERFORMANCE.md.
//
// It measures, each in its own child process (for its peak RSS and a clean allocator):
// the seconds per update of each configuration in C++ (tools/bench/step_benchmark.h) and
// in each PyTorch eager peer (a script run with the given Python when it can import torch:
// the mirror of the C++ model, bench/step_reference.py, and torch.nn.Transformer,
// bench/step_torch_transformer.py), taking turns (C++, then each peer) configuration by
// configuration for `rounds` rounds so that a change in the machine's load hits every side;
// on a synthetic batch, or on the trainer's first real batches of a dataset written to a
// batch file (tools/bench/batch_file.h); the fp32 matrix-product peak and each
// configuration's MFU; the Admin initializer's cost; the real trainer's throughput and
// overhead on a dataset, and the padding its length bucketing saves. Every child runs with
// OMP_WAIT_POLICY=PASSIVE, as `train` does (core/train/runtime_env.h). The result is
// Markdown tables on `out`.
//
//   BenchOptions options;
//   options.configs = *ParseModelShapes("256:1024:4:6:6");
//   options.self = "/proc/self/exe";   // the binary that runs `--child=step|train`
//   absl::Status status = RunBench(options, std::cout);
#ifndef TOOLS_BENCH_RUN_BENCH_H_
#define TOOLS_BENCH_RUN_BENCH_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/bench/step_benchmark.h"

namespace tools::bench {

// The first argument of a child process, then StepFlags or train's flags.
inline constexpr char kStepChildFlag[] = "--child=step";
inline constexpr char kTrainChildFlag[] = "--child=train";

// A model shape "d:ffn:heads:encoder_layers:decoder_layers", e.g. "512:2048:8:6:6".
struct ModelShape {
  int64_t embed_dim = 0;
  int64_t ffn_dim = 0;
  int64_t attention_heads = 0;
  int64_t encoder_layers = 0;
  int64_t decoder_layers = 0;
};
// Comma-separated shapes; InvalidArgument names a malformed one.
absl::StatusOr<std::vector<ModelShape>> ParseModelShapes(absl::string_view text);

// A PyTorch peer of the C++ update: a script that takes StepFlags and prints
// FormatStepResult's keys.
struct Peer {
  // Its name in --peers and in its log files' names.
  std::string name;
  // Its column in the tables.
  std::string title;
  std::string script;
  // It builds the C++ model's parameters one for one, so that a different count is an
  // error; otherwise both counts are shown. The batch checksums must match either way.
  bool same_parameters = false;
};

// The peers named in `names` (comma-separated, in that order): "mirror" (the script
// `mirror_script`, with the C++ model's parameters) and "torch_transformer" (the script
// `torch_transformer_script`, title nn.Transformer). InvalidArgument names an unknown or
// repeated one.
absl::StatusOr<std::vector<Peer>> ParsePeers(absl::string_view names,
                                             const std::string& mirror_script,
                                             const std::string& torch_transformer_script);

// Real batches for the step benchmark instead of the synthetic one.
struct DataBatchOptions {
  // The dataset; "": the trainer's default (<workspace>/data/ding-de-en).
  std::string data_dir;
  // The trainer's --max_tokens for cutting them.
  int64_t max_tokens = 1000;
  // How many: the first of the trainer's order (its default --seed).
  int64_t count = 10;
};

struct BenchOptions {
  std::vector<ModelShape> configs;
  // Everything but the shape: vocabulary, batch, residuals, dropout, warm-up, repeats,
  // threads.
  StepBenchmarkOptions step;
  // Set: every configuration trains on these real batches (the vocabulary is then the
  // dataset's); unset: on the synthetic batch of step.batch.
  std::optional<DataBatchOptions> data_batches;
  // Turns of the C++ child and each peer's per configuration; 0 skips the step benchmark.
  int64_t rounds = 2;
  // The interpreter of the peers; "" skips them.
  std::string python = "/usr/bin/python3";
  // Run in this order after the C++ child.
  std::vector<Peer> peers;
  // Sizes n of the n x n matrix products of the peak.
  std::vector<int64_t> matmul_sizes = {1024, 2048};
  // Updates of the end-to-end run (a multiple of e2e_log_interval); 0 skips it and the
  // padding comparison.
  int64_t e2e_updates = 150;
  int64_t e2e_log_interval = 25;
  // More flags of that run (e.g. --data_dir=...); it also gets --run_dir, --max_updates,
  // --log_interval and --bleu_sentences=10 (the final BLEU is not measured).
  std::vector<std::string> train_flags;
  // Child logs and the end-to-end run directory.
  std::string work_dir;
  // The bench binary itself, started with kStepChildFlag / kTrainChildFlag.
  std::string self = "/proc/self/exe";
};

// Runs everything and prints the tables. Errors: a child that fails, a peer whose batch
// checksum differs from the C++ one, or one with same_parameters whose parameter count does.
absl::Status RunBench(const BenchOptions& options, std::ostream& out);

}  // namespace tools::bench

#endif  // TOOLS_BENCH_RUN_BENCH_H_
