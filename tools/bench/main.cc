// `bazel run //tools/bench -- [flags]`: training throughput against PyTorch eager (the mirror
// script and torch.nn.Transformer) and the machine's matrix-product peak; the tables of
// docs/PERFORMANCE.md (tools/bench/run_bench.h).
//
// It starts itself again as its child processes: `--child=step FLAGS` times updates of one
// configuration, `--child=train FLAGS` trains as `train` does.
#include <glog/logging.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "core/train/batch_shards.h"
#include "core/train/command_line.h"
#include "core/train/runtime_env.h"
#include "core/train/train_config.h"
#include "core/util/user_path.h"
#include "tools/bench/end_to_end.h"
#include "tools/bench/run_bench.h"
#include "tools/bench/step_benchmark.h"

namespace po = boost::program_options;

namespace {

void AddFlags(core::CommandLine& command_line) {
  // The model defaults are train's (Admin residuals, dropout 0.1).
  const core::ModelOptions model = core::TrainConfig().model;
  command_line.AddGroup("bench flags")
      .add_options()("configs",
                     po::value<std::string>()->default_value("256:1024:4:6:6,512:2048:8:6:6"),
                     "model shapes d:ffn:heads:encoder_layers:decoder_layers, comma-separated")(
          "batches", po::value<std::string>()->default_value("synthetic"),
          "what every update trains on: synthetic (one batch of --batch_size x --source_length + "
          "--target_length ids from a fixed formula, no padding) or data (the trainer's first "
          "--batch_count batches of --data_dir cut at --max_tokens, padding and masks included, "
          "written to WORK_DIR/batches.txt for every side; timed update r trains on batch r mod "
          "--batch_count)")(
          "vocab_size", po::value<int64_t>()->default_value(8000),
          "vocabulary (shared embedding) of synthetic batches; data: the dataset's")(
          "batch_size", po::value<int64_t>()->default_value(64), "synthetic: sentences per batch")(
          "source_length", po::value<int64_t>()->default_value(20),
          "synthetic: source tokens per sentence")("target_length",
                                                   po::value<int64_t>()->default_value(20),
                                                   "synthetic: target tokens per sentence")(
          "data_dir", po::value<std::string>()->default_value(""),
          "data: the prepared dataset (tools/prepare_data); \"\": train's default, "
          "<workspace>/data/ding-de-en (the end-to-end run takes its own from --train_flags)")(
          "max_tokens", po::value<int64_t>()->default_value(1000),
          "data: train's --max_tokens for cutting the batches (the CPU matrix's 1,000)")(
          "batch_count", po::value<int64_t>()->default_value(10),
          "data: how many batches, from the first of train's order (its default --seed)")(
          "residual", po::value<std::string>()->default_value(model.encoder_residual),
          "residual arrangement of both stacks (the mirror has post, pre, admin, none; "
          "nn.Transformer is Pre-LN for pre, Post-LN for any other)")(
          "dropout", po::value<double>()->default_value(model.dropout), "dropout")(
          "precision", po::value<std::string>()->default_value("fp32"),
          "the C++ update's --precision: fp32 or bf16 (the PyTorch peers stay fp32)")(
          "warmup", po::value<int64_t>()->default_value(3), "untimed updates per process")(
          "repeats", po::value<int64_t>()->default_value(10), "timed updates per process")(
          "rounds", po::value<int64_t>()->default_value(2),
          "processes per configuration and side, taking turns (C++, then each peer); 0: no step "
          "benchmark")("threads", po::value<int64_t>()->default_value(0),
                       "intra-op threads; 0: LibTorch's default")(
          "batch_threads", po::value<int64_t>()->default_value(0),
          "the C++ update's --batch_threads, as train resolves it (0: one per core when "
          "--threads is 0); the peers run one")(
          "peers", po::value<std::string>()->default_value("mirror,torch_transformer"),
          "the PyTorch eager peers, comma-separated: mirror (bench/step_reference.py, the C++ "
          "model op for op; a different parameter count fails) and torch_transformer "
          "(bench/step_torch_transformer.py, torch.nn.Transformer with its packed q/k/v; both "
          "parameter counts are shown); \"\": none")(
          "python", po::value<std::string>()->default_value("/usr/bin/python3"),
          "interpreter of the peers (needs torch); \"\": skip them")(
          "reference_script", po::value<std::string>()->default_value(""),
          "the mirror peer's script; \"\": bench/step_reference.py of the workspace")(
          "torch_transformer_script", po::value<std::string>()->default_value(""),
          "the torch_transformer peer's script; \"\": bench/step_torch_transformer.py of the "
          "workspace")("matmul_sizes", po::value<std::string>()->default_value("1024,2048"),
                       "n of the n x n products measured for the peak")(
          "e2e_updates", po::value<int64_t>()->default_value(150),
          "updates of the end-to-end training run (just past one epoch of the default data); 0: "
          "skip")("e2e_log_interval", po::value<int64_t>()->default_value(25),
                  "its --log_interval")(
          "train_flags", po::value<std::string>()->default_value(""),
          "more flags of that run, space-separated (e.g. \"--data_dir=DIR --embed_dim=512\")")(
          "work_dir", po::value<std::string>()->default_value("runs/bench"),
          "child logs, the batch file of --batches=data and the end-to-end run directory");
}

// The script of flag `name`, or `default_name` in the workspace's bench/ folder.
std::string ScriptPath(const po::variables_map& flag, const char* name, const char* default_name) {
  const std::string& given = flag[name].as<std::string>();
  return given.empty() ? core::WorkspacePath(std::string("bench/") + default_name)
                       : core::ResolveUserPath(given);
}

int RunStepChild(const std::vector<std::string>& flags) {
  absl::StatusOr<tools::bench::StepBenchmarkOptions> options = tools::bench::ParseStepFlags(flags);
  if (!options.ok()) {
    std::cerr << "bench: " << options.status().message() << "\n";
    return EXIT_FAILURE;
  }
  absl::StatusOr<tools::bench::StepBenchmarkResult> result =
      tools::bench::RunStepBenchmark(*options);
  if (!result.ok()) {
    std::cerr << "bench: " << result.status().message() << "\n";
    return EXIT_FAILURE;
  }
  std::cout << tools::bench::FormatStepResult(*result);
  return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  core::ReexecWithRuntimeEnvironment(argv);
  if (argc >= 2 && std::string(argv[1]) == tools::bench::kStepChildFlag) {
    return RunStepChild(std::vector<std::string>(argv + 2, argv + argc));
  }
  if (argc >= 2 && std::string(argv[1]) == tools::bench::kTrainChildFlag) {
    FLAGS_logtostderr = true;
    google::InitGoogleLogging(argv[0]);
    return tools::bench::RunTrainer(std::vector<std::string>(argv + 2, argv + argc));
  }

  core::CommandLine command_line("bench", "bazel run //tools/bench -- [flags]");
  AddFlags(command_line);
  const absl::StatusOr<po::variables_map> values = command_line.Parse(argc, argv);
  if (!values.ok()) return command_line.Fail(values.status());
  if (command_line.answered()) return EXIT_SUCCESS;
  const po::variables_map& flag = *values;
  tools::bench::BenchOptions options;
  absl::StatusOr<std::vector<tools::bench::ModelShape>> configs =
      tools::bench::ParseModelShapes(flag["configs"].as<std::string>());
  std::vector<std::string> step_flags = {
      "--vocab_size=" + std::to_string(flag["vocab_size"].as<int64_t>()),
      "--batch_size=" + std::to_string(flag["batch_size"].as<int64_t>()),
      "--source_length=" + std::to_string(flag["source_length"].as<int64_t>()),
      "--target_length=" + std::to_string(flag["target_length"].as<int64_t>()),
      "--residual=" + flag["residual"].as<std::string>(),
      "--dropout=" + std::to_string(flag["dropout"].as<double>()),
      "--precision=" + flag["precision"].as<std::string>(),
      "--warmup=" + std::to_string(flag["warmup"].as<int64_t>()),
      "--repeats=" + std::to_string(flag["repeats"].as<int64_t>()),
      "--threads=" + std::to_string(flag["threads"].as<int64_t>())};
  const absl::StatusOr<core::Precision> precision =
      core::ParsePrecision(flag["precision"].as<std::string>());
  const absl::StatusOr<int64_t> batch_threads =
      precision.ok() ? core::ResolveBatchThreads(
                           flag["batch_threads"].as<int64_t>(), flag["threads"].as<int64_t>(),
                           *precision, at::Device(at::kCPU), std::thread::hardware_concurrency(),
                           /*runs_concurrently=*/true)
                     : absl::StatusOr<int64_t>(precision.status());
  if (!batch_threads.ok()) {
    std::cerr << "bench: " << batch_threads.status().message() << "\n";
    return 2;
  }
  step_flags.push_back("--batch_threads=" + std::to_string(*batch_threads));
  absl::StatusOr<tools::bench::StepBenchmarkOptions> step =
      tools::bench::ParseStepFlags(step_flags);
  for (const absl::Status& status : {configs.status(), step.status()}) {
    if (!status.ok()) {
      std::cerr << "bench: " << status.message() << "\n";
      return 2;
    }
  }
  options.configs = *configs;
  options.step = *step;
  options.rounds = flag["rounds"].as<int64_t>();
  options.python = flag["python"].as<std::string>();
  const std::string batches = flag["batches"].as<std::string>();
  if (batches == "data") {
    options.data_batches = tools::bench::DataBatchOptions{flag["data_dir"].as<std::string>(),
                                                          flag["max_tokens"].as<int64_t>(),
                                                          flag["batch_count"].as<int64_t>()};
    if (options.data_batches->max_tokens < 1 || options.data_batches->count < 1) {
      std::cerr << "bench: --max_tokens and --batch_count must be positive\n";
      return 2;
    }
  } else if (batches != "synthetic") {
    std::cerr << "bench: --batches: '" << batches << "' is neither synthetic nor data\n";
    return 2;
  }
  absl::StatusOr<std::vector<tools::bench::Peer>> peers = tools::bench::ParsePeers(
      flag["peers"].as<std::string>(), ScriptPath(flag, "reference_script", "step_reference.py"),
      ScriptPath(flag, "torch_transformer_script", "step_torch_transformer.py"));
  if (!peers.ok()) {
    std::cerr << "bench: --peers: " << peers.status().message() << "\n";
    return 2;
  }
  options.peers = *std::move(peers);
  options.matmul_sizes.clear();
  for (absl::string_view size : absl::StrSplit(flag["matmul_sizes"].as<std::string>(), ',')) {
    int64_t n = 0;
    if (!absl::SimpleAtoi(size, &n) || n < 1) {
      std::cerr << "bench: --matmul_sizes: '" << size << "' is not a positive integer\n";
      return 2;
    }
    options.matmul_sizes.push_back(n);
  }
  options.e2e_updates = flag["e2e_updates"].as<int64_t>();
  options.e2e_log_interval = flag["e2e_log_interval"].as<int64_t>();
  if (options.e2e_log_interval < 1 || options.e2e_updates % options.e2e_log_interval != 0) {
    // The last metrics line must fall on the last update.
    std::cerr << "bench: --e2e_updates must be a multiple of --e2e_log_interval\n";
    return 2;
  }
  options.train_flags =
      absl::StrSplit(flag["train_flags"].as<std::string>(), ' ', absl::SkipEmpty());
  options.work_dir = core::ResolveUserPath(flag["work_dir"].as<std::string>());
  const absl::Status status = tools::bench::RunBench(options, std::cout);
  if (!status.ok()) {
    std::cerr << "bench: " << status.message() << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
