#include "tools/bench/run_bench.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/data/parallel_dataset.h"
#include "core/data/translation_direction.h"
#include "core/train/train_config.h"
#include "core/util/status_macros.h"
#include "core/util/user_path.h"
#include "tools/bench/child_process.h"
#include "tools/bench/end_to_end.h"
#include "tools/bench/flops.h"

namespace tools::bench {
namespace {

// Every child runs as `train` does (core/train/runtime_env.h: the bench re-executes itself with
// that environment and its children inherit it): the reference too, for fairness.
constexpr char kPassiveOpenMp[] = "OMP_WAIT_POLICY=PASSIVE";

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string CpuModel() {
  for (absl::string_view line : absl::StrSplit(ReadText("/proc/cpuinfo"), '\n')) {
    if (absl::StartsWith(line, "model name")) {
      return std::string(absl::StripAsciiWhitespace(line.substr(line.find(':') + 1)));
    }
  }
  return "unknown";
}

// The BLAS libraries mapped into this process (after a matrix product has run): what
// libblas.so.3 resolved to through Debian's alternatives.
std::string LoadedBlas() {
  std::set<std::string> paths;
  for (absl::string_view line : absl::StrSplit(ReadText("/proc/self/maps"), '\n')) {
    const size_t slash = line.find('/');
    if (slash != absl::string_view::npos && absl::StrContains(line, "blas")) {
      paths.insert(std::string(line.substr(slash)));
    }
  }
  return paths.empty() ? "none mapped" : absl::StrJoin(paths, ", ");
}

std::string LoadAverage() {
  const std::vector<std::string> fields = absl::StrSplit(ReadText("/proc/loadavg"), ' ');
  return fields.size() >= 3 ? absl::StrCat(fields[0], " ", fields[1], " ", fields[2]) : "?";
}

std::string ShapeName(const ModelShape& shape) {
  return absl::StrFormat("d=%d ffn=%d h=%d %dL-%dL", shape.embed_dim, shape.ffn_dim,
                         shape.attention_heads, shape.encoder_layers, shape.decoder_layers);
}

std::string Milliseconds(double seconds) { return absl::StrFormat("%.1f", seconds * 1e3); }
std::string Mebibytes(int64_t bytes) { return absl::StrFormat("%.0f MiB", bytes / 1048576.0); }

// One side (C++ or PyTorch) of one configuration, over every round.
struct SideRuns {
  std::vector<StepBenchmarkResult> rounds;
  int64_t peak_rss_bytes = 0;

  std::vector<double> All(std::vector<double> PhaseSeconds::*phase) const {
    std::vector<double> all;
    for (const StepBenchmarkResult& r : rounds) {
      all.insert(all.end(), (r.seconds.*phase).begin(), (r.seconds.*phase).end());
    }
    return all;
  }
  double MedianOf(std::vector<double> PhaseSeconds::*phase) const { return Median(All(phase)); }
};

absl::Status RunSide(const std::vector<std::string>& argv, const std::string& log_path,
                     const std::string& what, SideRuns& side) {
  absl::StatusOr<ChildResult> child = RunChild(argv, {kPassiveOpenMp}, log_path);
  if (!child.ok()) return child.status();
  if (child->exit_code != 0) {
    return absl::InternalError(absl::StrCat(what, " exited with ", child->exit_code, "; ", log_path,
                                            " ends with:\n", FileTail(log_path, 2000)));
  }
  // The raw numbers stay beside the child's stderr, for a look at single updates.
  std::ofstream(log_path, std::ios::app) << child->output;
  absl::StatusOr<StepBenchmarkResult> result = ParseStepResult(ParseKeyValues(child->output));
  if (!result.ok()) {
    return absl::InternalError(absl::StrCat(what, " printed no result (", result.status().message(),
                                            "):\n", child->output, FileTail(log_path, 2000)));
  }
  side.rounds.push_back(*std::move(result));
  side.peak_rss_bytes = std::max(side.peak_rss_bytes, child->peak_rss_bytes);
  return absl::OkStatus();
}

// Why the reference cannot run, or "" when it can.
std::string ReferenceUnavailable(const BenchOptions& options) {
  if (options.python.empty()) return "no --python given";
  if (!std::filesystem::exists(options.reference_script)) {
    return absl::StrCat(options.reference_script, " not found");
  }
  absl::StatusOr<ChildResult> probe =
      RunChild({options.python, "-c", "import torch"}, {}, options.work_dir + "/python_probe.log");
  if (!probe.ok() || probe->exit_code != 0) {
    return absl::StrCat(options.python, " cannot import torch (Debian: apt install python3-torch)");
  }
  return "";
}

struct ConfigRuns {
  ModelShape shape;
  StepBenchmarkOptions step;
  SideRuns cxx;
  SideRuns python;
};

absl::Status CheckSameModel(const ConfigRuns& config) {
  const StepBenchmarkResult& cxx = config.cxx.rounds.front();
  const StepBenchmarkResult& py = config.python.rounds.front();
  if (cxx.parameters != py.parameters) {
    return absl::InternalError(
        absl::StrCat(ShapeName(config.shape), ": the PyTorch reference has ", py.parameters,
                     " parameters, the C++ model ", cxx.parameters,
                     ": bench/step_reference.py no longer matches core/model/transformer.cc"));
  }
  if (cxx.batch_checksum != py.batch_checksum) {
    return absl::InternalError(absl::StrCat(ShapeName(config.shape),
                                            ": batch checksums differ (C++ ", cxx.batch_checksum,
                                            ", PyTorch ", py.batch_checksum, ")"));
  }
  return absl::OkStatus();
}

void PrintStepTables(const std::vector<ConfigRuns>& configs, double peak_gflops, bool reference,
                     std::ostream& out) {
  const StepBenchmarkOptions& first = configs.front().step;
  out << absl::StrFormat(
      "\n## Training update (batch %d x %d source + %d target tokens, vocabulary %d, %s "
      "residuals, Adam; median of %d updates x %d rounds after %d warm-up)\n\n",
      first.batch.sentences, first.batch.source_length, first.batch.target_length,
      first.model.target_vocab_size, first.model.encoder_residual, first.repeats,
      configs.front().cxx.rounds.size(), first.warmup);
  out << "Intra-op threads: C++ " << configs.front().cxx.rounds.front().threads;
  if (reference) out << ", PyTorch " << configs.front().python.rounds.front().threads;
  out << absl::StrFormat("; MFU against the best fp32 matrix-product rate, %.1f GFLOP/s.\n\n",
                         peak_gflops);
  out << "| model | parameters C++ / PyTorch | C++ ms | PyTorch ms | speed-up (PyTorch / C++) | "
         "per round | GFLOP / update | C++ GFLOP/s | MFU C++ | MFU PyTorch |\n"
         "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const ConfigRuns& config : configs) {
    const double cxx = config.cxx.MedianOf(&PhaseSeconds::step);
    const double gflop = CountStepFlops(config.step.model, config.step.batch).update / 1e9;
    std::string py_ms = "skipped", ratio = "-", per_round = "-", py_mfu = "-";
    std::string py_parameters = "-";
    if (reference) {
      const double py = config.python.MedianOf(&PhaseSeconds::step);
      py_ms = Milliseconds(py);
      ratio = absl::StrFormat("**%.2fx**", py / cxx);
      std::vector<std::string> ratios;
      for (size_t r = 0; r < config.cxx.rounds.size(); ++r) {
        ratios.push_back(absl::StrFormat("%.2f", Median(config.python.rounds[r].seconds.step) /
                                                     Median(config.cxx.rounds[r].seconds.step)));
      }
      per_round = absl::StrJoin(ratios, ", ");
      py_mfu = absl::StrFormat("%.0f%%", 100 * gflop / py / peak_gflops);
      py_parameters = absl::StrCat(config.python.rounds.front().parameters);
    }
    out << absl::StrFormat("| %s | %d / %s | %s | %s | %s | %s | %.3g | %.3g | %.0f%% | %s |\n",
                           ShapeName(config.shape), config.cxx.rounds.front().parameters,
                           py_parameters, Milliseconds(cxx), py_ms, ratio, per_round, gflop,
                           gflop / cxx, 100 * gflop / cxx / peak_gflops, py_mfu);
  }

  out << "\n## Where an update's time goes (median ms)\n\n"
         "| model | side | forward + loss | backward | Adam step | update | peak RSS |\n"
         "|---|---|---|---|---|---|---|\n";
  for (const ConfigRuns& config : configs) {
    for (const auto& [name, side] :
         {std::pair{"C++", &config.cxx}, std::pair{"PyTorch", &config.python}}) {
      if (side->rounds.empty()) continue;
      out << absl::StrFormat("| %s | %s | %s | %s | %s | %s | %s |\n", ShapeName(config.shape),
                             name, Milliseconds(side->MedianOf(&PhaseSeconds::forward)),
                             Milliseconds(side->MedianOf(&PhaseSeconds::backward)),
                             Milliseconds(side->MedianOf(&PhaseSeconds::optimizer)),
                             Milliseconds(side->MedianOf(&PhaseSeconds::step)),
                             Mebibytes(side->peak_rss_bytes));
    }
  }

  std::vector<std::string> admin_rows;
  for (const ConfigRuns& config : configs) {
    std::vector<double> init;
    for (const StepBenchmarkResult& r : config.cxx.rounds) {
      init.insert(init.end(), r.admin_init_seconds.begin(), r.admin_init_seconds.end());
    }
    if (init.empty()) continue;
    const double update = config.cxx.MedianOf(&PhaseSeconds::step);
    admin_rows.push_back(absl::StrFormat("| %s | %s | %s | %.2f |\n", ShapeName(config.shape),
                                         Milliseconds(Median(init)), Milliseconds(update),
                                         Median(init) / update));
  }
  if (!admin_rows.empty()) {
    out << "\n## Admin initialization (fairseq init + one profiling forward pass on the batch)\n\n"
           "| model | Admin init ms | update ms | init / update |\n|---|---|---|---|\n"
        << absl::StrJoin(admin_rows, "");
  }
}

absl::Status RunEndToEnd(const BenchOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(core::ParsedTrainConfig parsed, core::ParseTrainConfig(options.train_flags));
  const core::TrainConfig& config = parsed.config;
  const std::string data_dir = config.data_dir.empty() ? core::WorkspacePath("data/ding-de-en")
                                                       : core::ResolveUserPath(config.data_dir);
  absl::StatusOr<core::TranslationDirection> direction =
      core::ParseTranslationDirection(config.direction);
  if (!direction.ok()) return direction.status();
  core::ParallelDatasetOptions dataset_options;
  dataset_options.dir = data_dir;
  dataset_options.direction = *direction;
  dataset_options.max_positions = static_cast<int>(config.model.max_positions);
  absl::StatusOr<core::ParallelDataset> train = core::ParallelDataset::Load(dataset_options);
  if (!train.ok()) return train.status();
  core::BatcherOptions batching;
  batching.max_tokens = config.max_tokens;
  batching.seed = static_cast<uint64_t>(config.seed);
  absl::StatusOr<PaddingComparison> padding = ComparePadding(
      train->examples(), batching, {train->model().pad_id(), train->model().bos_id()});
  if (!padding.ok()) return padding.status();

  const std::string run_dir = options.work_dir + "/e2e_run";
  std::filesystem::remove_all(run_dir);
  std::vector<std::string> argv = {options.self, kTrainChildFlag};
  argv.insert(argv.end(), options.train_flags.begin(), options.train_flags.end());
  for (const std::string& flag :
       {absl::StrCat("--run_dir=", run_dir), absl::StrCat("--max_updates=", options.e2e_updates),
        absl::StrCat("--log_interval=", options.e2e_log_interval),
        std::string("--bleu_sentences=10")}) {
    argv.push_back(flag);
  }
  if (options.step.threads > 0) argv.push_back(absl::StrCat("--threads=", options.step.threads));
  const std::string log_path = options.work_dir + "/e2e_train.log";
  ASSIGN_OR_RETURN(ChildResult child, RunChild(argv, {kPassiveOpenMp}, log_path));
  if (child.exit_code != 0) {
    return absl::InternalError(absl::StrCat("the end-to-end training exited with ", child.exit_code,
                                            "; ", log_path, " ends with:\n",
                                            FileTail(log_path, 2000)));
  }
  ASSIGN_OR_RETURN(TrainerThroughput run, ReadTrainerThroughput(run_dir + "/metrics.jsonl"));

  out << absl::StrFormat(
      "\n## End to end: the trainer on %s, %d updates (train flags: %s)\n\n"
      "| updates | validations | training s | inside updates s | outside (overhead) | "
      "overhead / update time | target tokens/s | peak RSS |\n"
      "|---|---|---|---|---|---|---|---|\n"
      "| %d | %d | %.1f | %.1f | %.1f s | **%.1f%%** | %.0f | %s |\n",
      data_dir, options.e2e_updates,
      options.train_flags.empty() ? "defaults" : absl::StrJoin(options.train_flags, " "),
      run.updates, run.validations, run.train_seconds, run.update_seconds,
      run.train_seconds - run.update_seconds, 100 * run.overhead(), run.tokens_per_second(),
      Mebibytes(child.peak_rss_bytes));
  out << absl::StrFormat(
      "\nMaking a batch and its tensors (Batcher::Next + ToTensors, inside the updates above): "
      "%.2f ms per batch.\n",
      padding->seconds_per_batch * 1e3);
  out << "\n## Padding in one epoch (same token budget)\n\n"
         "| batching | batches | real tokens | padded tokens | padding |\n|---|---|---|---|---|\n";
  for (const auto& [name, stats] : {std::pair{"length buckets (trainer)", &padding->bucketed},
                                    std::pair{"random", &padding->random}}) {
    out << absl::StrFormat("| %s | %d | %d | %d | %.1f%% |\n", name, stats->batches,
                           stats->real_tokens, stats->padded_tokens,
                           100 * stats->padding_fraction());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<ModelShape>> ParseModelShapes(absl::string_view text) {
  std::vector<ModelShape> shapes;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    const std::vector<absl::string_view> fields = absl::StrSplit(item, ':');
    ModelShape shape;
    int64_t* targets[] = {&shape.embed_dim, &shape.ffn_dim, &shape.attention_heads,
                          &shape.encoder_layers, &shape.decoder_layers};
    bool ok = fields.size() == 5;
    for (size_t i = 0; ok && i < fields.size(); ++i) {
      ok = absl::SimpleAtoi(fields[i], targets[i]) && *targets[i] > 0;
    }
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model shape '", item, "' is not d:ffn:heads:encoder_layers:decoder_layers"));
    }
    shapes.push_back(shape);
  }
  if (shapes.empty()) return absl::InvalidArgumentError("no model shape given");
  return shapes;
}

absl::Status RunBench(const BenchOptions& options, std::ostream& out) {
  std::filesystem::create_directories(options.work_dir);
  const std::vector<MatmulRate> rates = MeasureMatmulRates(options.matmul_sizes, 5);
  double peak_gflops = 0;
  for (const MatmulRate& rate : rates) peak_gflops = std::max(peak_gflops, rate.gflops);
  const std::string unavailable = ReferenceUnavailable(options);

  out << "## Machine\n\n"
      << "- CPU: " << CpuModel() << ", " << std::thread::hardware_concurrency() << " cores\n"
      << "- BLAS in use: " << LoadedBlas() << "\n"
      << "- every measurement in its own child process with " << kPassiveOpenMp << "\n"
      << "- load average (1, 5, 15 min) at the start: " << LoadAverage() << "\n"
      << "- PyTorch reference: "
      << (unavailable.empty() ? absl::StrCat(options.python, " ", options.reference_script)
                              : absl::StrCat("skipped: ", unavailable))
      << "\n\n## fp32 matrix product (LibTorch at::mm, best of 5)\n\n| n | GFLOP/s |\n|---|---|\n";
  for (const MatmulRate& rate : rates) {
    out << absl::StrFormat("| %d | %.1f |\n", rate.size, rate.gflops);
  }
  out.flush();

  std::vector<ConfigRuns> configs;
  for (const ModelShape& shape : options.configs) {
    ConfigRuns config;
    config.shape = shape;
    config.step = options.step;
    config.step.model.embed_dim = shape.embed_dim;
    config.step.model.ffn_dim = shape.ffn_dim;
    config.step.model.attention_heads = shape.attention_heads;
    config.step.model.encoder_layers = shape.encoder_layers;
    config.step.model.decoder_layers = shape.decoder_layers;
    configs.push_back(config);
  }
  for (int64_t round = 0; round < options.rounds; ++round) {
    for (ConfigRuns& config : configs) {
      const std::vector<std::string> flags = StepFlags(config.step);
      const std::string tag = absl::StrCat("d", config.shape.embed_dim, "_round", round);
      std::vector<std::string> cxx = {options.self, kStepChildFlag};
      cxx.insert(cxx.end(), flags.begin(), flags.end());
      RETURN_IF_ERROR(RunSide(cxx, absl::StrCat(options.work_dir, "/cxx_", tag, ".log"),
                              "the C++ step benchmark", config.cxx));
      if (!unavailable.empty()) continue;
      std::vector<std::string> py = {options.python, options.reference_script};
      py.insert(py.end(), flags.begin(), flags.end());
      RETURN_IF_ERROR(RunSide(py, absl::StrCat(options.work_dir, "/python_", tag, ".log"),
                              "the PyTorch reference", config.python));
      RETURN_IF_ERROR(CheckSameModel(config));
    }
  }
  if (options.rounds > 0) PrintStepTables(configs, peak_gflops, unavailable.empty(), out);
  if (options.e2e_updates > 0) {
    RETURN_IF_ERROR(RunEndToEnd(options, out));
  }
  out << "\nLoad average at the end: " << LoadAverage() << "\n";
  return absl::OkStatus();
}

}  // namespace tools::bench
