#include "tools/bench/run_bench.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/train/train_config.h"
#include "core/util/status_macros.h"
#include "tools/bench/batch_file.h"
#include "tools/bench/child_process.h"
#include "tools/bench/end_to_end.h"
#include "tools/bench/flops.h"
#include "tools/bench/trainer_batches.h"

namespace tools::bench {
namespace {

// Every child runs as `train` does (core/train/runtime_env.h: the bench re-executes itself with
// that environment and its children inherit it): the PyTorch peers too, for fairness.
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

// One side (C++ or a PyTorch peer) of one configuration, over every round.
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

// Why the peers cannot run at all, or "" when they can.
std::string PythonUnavailable(const BenchOptions& options) {
  if (options.python.empty()) return "no --python given";
  absl::StatusOr<ChildResult> probe =
      RunChild({options.python, "-c", "import torch"}, {}, options.work_dir + "/python_probe.log");
  if (!probe.ok() || probe->exit_code != 0) {
    return absl::StrCat(options.python, " cannot import torch (Debian: apt install python3-torch)");
  }
  return "";
}

// The step children's batches: the synthetic one, or the trainer's first batches of a
// dataset written to a batch file in the work directory.
struct BatchPlan {
  // For the tables' title.
  std::string description;
  // The padded shape of each batch, for the FLOP count.
  std::vector<BatchShape> shapes;
  // The batch file; "": the synthetic batch.
  std::string file;
  // The models' vocabulary: the step options', or the dataset's.
  int64_t vocab_size = 0;
};

absl::StatusOr<BatchPlan> PlanBatches(const BenchOptions& options) {
  BatchPlan plan;
  if (!options.data_batches) {
    const BatchShape& batch = options.step.batch;
    plan.description = absl::StrFormat("batch %d x %d source + %d target tokens", batch.sentences,
                                       batch.source_length, batch.target_length);
    plan.shapes = {batch};
    plan.vocab_size = options.step.model.target_vocab_size;
    return plan;
  }
  const DataBatchOptions& wanted = *options.data_batches;
  std::vector<std::string> train_flags = {absl::StrCat("--max_tokens=", wanted.max_tokens)};
  if (!wanted.data_dir.empty()) train_flags.push_back(absl::StrCat("--data_dir=", wanted.data_dir));
  ASSIGN_OR_RETURN(core::ParsedTrainConfig parsed, core::ParseTrainConfig(train_flags));
  ASSIGN_OR_RETURN(TrainerData data, LoadTrainerData(parsed.config));
  if (data.ids.pad != kStepPadId) {
    return absl::InvalidArgumentError(absl::StrCat(data.dir, " pads with id ", data.ids.pad,
                                                   "; the step benchmark's models pad with ",
                                                   kStepPadId));
  }
  ASSIGN_OR_RETURN(std::vector<core::Batch> batches, FirstTrainerBatches(data, wanted.count));
  plan.file = options.work_dir + "/batches.txt";
  RETURN_IF_ERROR(WriteBatchFile(plan.file, batches));
  core::PaddingStats padding;
  BatchShape mean{0, 0, 0};
  for (const core::Batch& batch : batches) {
    plan.shapes.push_back({batch.size, batch.source_width, batch.target_width});
    padding.Add(batch);
    mean.sentences += batch.size;
    mean.source_length += batch.source_width;
    mean.target_length += batch.target_width;
  }
  const double n = static_cast<double>(batches.size());
  plan.description = absl::StrFormat(
      "the trainer's first %d batches of %s at --max_tokens=%d, in %s: on average %.1f x %.1f "
      "source + %.1f target positions, %.1f%% of them padding",
      wanted.count, data.dir, wanted.max_tokens, plan.file, mean.sentences / n,
      mean.source_length / n, mean.target_length / n, 100 * padding.padding_fraction());
  plan.vocab_size = data.train.model().vocab_size();
  return plan;
}

struct ConfigRuns {
  ModelShape shape;
  StepBenchmarkOptions step;
  SideRuns cxx;
  // One per peer that runs, in its order.
  std::vector<SideRuns> peers;
};

// The latest round of `runs` against the C++ child's.
absl::Status CheckPeer(const ConfigRuns& config, const Peer& peer, const SideRuns& runs) {
  const StepBenchmarkResult& cxx = config.cxx.rounds.back();
  const StepBenchmarkResult& py = runs.rounds.back();
  if (peer.same_parameters && cxx.parameters != py.parameters) {
    return absl::InternalError(
        absl::StrCat(ShapeName(config.shape), ": the PyTorch peer ", peer.title, " has ",
                     py.parameters, " parameters, the C++ model ", cxx.parameters, ": ",
                     peer.script, " no longer matches core/model/transformer.cc"));
  }
  if (cxx.batch_checksum != py.batch_checksum) {
    return absl::InternalError(absl::StrCat(ShapeName(config.shape),
                                            ": batch checksums differ (C++ ", cxx.batch_checksum,
                                            ", ", peer.title, " ", py.batch_checksum, ")"));
  }
  return absl::OkStatus();
}

// A Markdown table row.
std::string Row(const std::vector<std::string>& cells) {
  return absl::StrCat("| ", absl::StrJoin(cells, " | "), " |\n");
}

void PrintStepTables(const std::vector<ConfigRuns>& configs, const std::vector<Peer>& peers,
                     const BatchPlan& batches, double peak_gflops, std::ostream& out) {
  const StepBenchmarkOptions& first = configs.front().step;
  out << absl::StrFormat(
      "\n## Training update (%s, vocabulary %d, %s residuals, Adam; median of %d updates x %d "
      "rounds after %d warm-up)\n\n",
      batches.description, batches.vocab_size, first.model.encoder_residual, first.repeats,
      configs.front().cxx.rounds.size(), first.warmup);
  out << "Intra-op threads: C++ " << configs.front().cxx.rounds.front().threads;
  for (size_t p = 0; p < peers.size(); ++p) {
    out << ", " << peers[p].title << " " << configs.front().peers[p].rounds.front().threads;
  }
  out << absl::StrFormat("; MFU against the best fp32 matrix-product rate, %.1f GFLOP/s",
                         peak_gflops);
  if (batches.shapes.size() > 1) out << "; GFLOP / update: the mean over the batches";
  out << ".\n\n";

  std::vector<std::string> header = {"model", "parameters C++"};
  for (const Peer& peer : peers) absl::StrAppend(&header.back(), " / ", peer.title);
  header.push_back("C++ ms");
  for (const Peer& peer : peers) header.push_back(absl::StrCat(peer.title, " ms"));
  for (const Peer& peer : peers) header.push_back(absl::StrCat("speed-up vs ", peer.title));
  if (!peers.empty()) {
    header.push_back("speed-up vs faster peer");
    header.push_back("per round (faster peer)");
  }
  for (const char* column : {"GFLOP / update", "C++ GFLOP/s", "MFU C++"}) header.push_back(column);
  for (const Peer& peer : peers) header.push_back(absl::StrCat("MFU ", peer.title));
  out << Row(header) << "|" << absl::StrJoin(std::vector<std::string>(header.size(), "---"), "|")
      << "|\n";

  for (const ConfigRuns& config : configs) {
    const double cxx = config.cxx.MedianOf(&PhaseSeconds::step);
    double flops = 0;
    for (const BatchShape& shape : batches.shapes) {
      flops += CountStepFlops(config.step.model, shape).update;
    }
    const double gflop = flops / static_cast<double>(batches.shapes.size()) / 1e9;
    std::vector<double> peer_seconds;
    for (const SideRuns& side : config.peers) {
      peer_seconds.push_back(side.MedianOf(&PhaseSeconds::step));
    }

    std::vector<std::string> row = {ShapeName(config.shape),
                                    absl::StrCat(config.cxx.rounds.front().parameters)};
    for (const SideRuns& side : config.peers) {
      absl::StrAppend(&row.back(), " / ", side.rounds.front().parameters);
    }
    row.push_back(Milliseconds(cxx));
    for (const double py : peer_seconds) row.push_back(Milliseconds(py));
    for (const double py : peer_seconds) row.push_back(absl::StrFormat("%.2fx", py / cxx));
    if (!peers.empty()) {
      const double faster = *std::min_element(peer_seconds.begin(), peer_seconds.end());
      row.push_back(absl::StrFormat("**%.2fx**", faster / cxx));
      std::vector<std::string> ratios;
      for (size_t r = 0; r < config.cxx.rounds.size(); ++r) {
        double faster_round = std::numeric_limits<double>::infinity();
        for (const SideRuns& side : config.peers) {
          faster_round = std::min(faster_round, Median(side.rounds[r].seconds.step));
        }
        ratios.push_back(
            absl::StrFormat("%.2f", faster_round / Median(config.cxx.rounds[r].seconds.step)));
      }
      row.push_back(absl::StrJoin(ratios, ", "));
    }
    row.push_back(absl::StrFormat("%.3g", gflop));
    row.push_back(absl::StrFormat("%.3g", gflop / cxx));
    row.push_back(absl::StrFormat("%.0f%%", 100 * gflop / cxx / peak_gflops));
    for (const double py : peer_seconds) {
      row.push_back(absl::StrFormat("%.0f%%", 100 * gflop / py / peak_gflops));
    }
    out << Row(row);
  }

  out << "\n## Where an update's time goes (median ms)\n\n"
         "| model | side | forward + loss | backward | Adam step | update | peak RSS |\n"
         "|---|---|---|---|---|---|---|\n";
  for (const ConfigRuns& config : configs) {
    std::vector<std::pair<std::string, const SideRuns*>> sides = {{"C++", &config.cxx}};
    for (size_t p = 0; p < peers.size(); ++p) sides.emplace_back(peers[p].title, &config.peers[p]);
    for (const auto& [name, side] : sides) {
      out << Row(
          {ShapeName(config.shape), name, Milliseconds(side->MedianOf(&PhaseSeconds::forward)),
           Milliseconds(side->MedianOf(&PhaseSeconds::backward)),
           Milliseconds(side->MedianOf(&PhaseSeconds::optimizer)),
           Milliseconds(side->MedianOf(&PhaseSeconds::step)), Mebibytes(side->peak_rss_bytes)});
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
    out << "\n## Admin initialization (fairseq init + one profiling forward pass on the first "
           "batch)\n\n"
           "| model | Admin init ms | update ms | init / update |\n|---|---|---|---|\n"
        << absl::StrJoin(admin_rows, "");
  }
}

absl::Status RunEndToEnd(const BenchOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(core::ParsedTrainConfig parsed, core::ParseTrainConfig(options.train_flags));
  ASSIGN_OR_RETURN(const TrainerData data, LoadTrainerData(parsed.config));
  ASSIGN_OR_RETURN(const PaddingComparison padding,
                   ComparePadding(data.train.examples(), data.batching, data.ids));

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
      data.dir, options.e2e_updates,
      options.train_flags.empty() ? "defaults" : absl::StrJoin(options.train_flags, " "),
      run.updates, run.validations, run.train_seconds, run.update_seconds,
      run.train_seconds - run.update_seconds, 100 * run.overhead(), run.tokens_per_second(),
      Mebibytes(child.peak_rss_bytes));
  out << absl::StrFormat(
      "\nMaking a batch and its tensors (Batcher::Next + ToTensors, inside the updates above): "
      "%.2f ms per batch.\n",
      padding.seconds_per_batch * 1e3);
  out << "\n## Padding in one epoch (same token budget)\n\n"
         "| batching | batches | real tokens | padded tokens | padding |\n|---|---|---|---|---|\n";
  for (const auto& [name, stats] : {std::pair{"length buckets (trainer)", &padding.bucketed},
                                    std::pair{"random", &padding.random}}) {
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

absl::StatusOr<std::vector<Peer>> ParsePeers(absl::string_view names,
                                             const std::string& mirror_script,
                                             const std::string& torch_transformer_script) {
  const Peer known[] = {{"mirror", "mirror", mirror_script, /*same_parameters=*/true},
                        {"torch_transformer", "nn.Transformer", torch_transformer_script,
                         /*same_parameters=*/false}};
  std::vector<Peer> peers;
  for (absl::string_view name : absl::StrSplit(names, ',', absl::SkipEmpty())) {
    const Peer* peer = std::find_if(std::begin(known), std::end(known),
                                    [&](const Peer& p) { return p.name == name; });
    if (peer == std::end(known)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown peer '", name, "' (known: mirror, torch_transformer)"));
    }
    if (std::any_of(peers.begin(), peers.end(), [&](const Peer& p) { return p.name == name; })) {
      return absl::InvalidArgumentError(absl::StrCat("peer '", name, "' named twice"));
    }
    peers.push_back(*peer);
  }
  return peers;
}

absl::Status RunBench(const BenchOptions& options, std::ostream& out) {
  std::filesystem::create_directories(options.work_dir);
  const std::vector<MatmulRate> rates = MeasureMatmulRates(options.matmul_sizes, 5);
  double peak_gflops = 0;
  for (const MatmulRate& rate : rates) peak_gflops = std::max(peak_gflops, rate.gflops);

  out << "## Machine\n\n"
      << "- CPU: " << CpuModel() << ", " << std::thread::hardware_concurrency() << " cores\n"
      << "- BLAS in use: " << LoadedBlas() << "\n"
      << "- every measurement in its own child process with " << kPassiveOpenMp << "\n"
      << "- load average (1, 5, 15 min) at the start: " << LoadAverage() << "\n";
  const std::string python_unavailable = options.peers.empty() ? "" : PythonUnavailable(options);
  std::vector<Peer> peers;
  for (const Peer& peer : options.peers) {
    std::string unavailable = python_unavailable;
    if (unavailable.empty() && !std::filesystem::exists(peer.script)) {
      unavailable = absl::StrCat(peer.script, " not found");
    }
    out << "- PyTorch peer " << peer.title << ": "
        << (unavailable.empty() ? absl::StrCat(options.python, " ", peer.script)
                                : absl::StrCat("skipped: ", unavailable))
        << "\n";
    if (unavailable.empty()) peers.push_back(peer);
  }
  out << "\n## fp32 matrix product (LibTorch at::mm, best of 5)\n\n| n | GFLOP/s |\n|---|---|\n";
  for (const MatmulRate& rate : rates) {
    out << absl::StrFormat("| %d | %.1f |\n", rate.size, rate.gflops);
  }
  out.flush();

  if (options.rounds > 0) {
    ASSIGN_OR_RETURN(const BatchPlan batches, PlanBatches(options));
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
      config.step.model.source_vocab_size = config.step.model.target_vocab_size =
          batches.vocab_size;
      config.step.batch_file = batches.file;
      config.peers.resize(peers.size());
      configs.push_back(config);
    }
    for (int64_t round = 0; round < options.rounds; ++round) {
      for (ConfigRuns& config : configs) {
        const std::string tag =
            absl::StrFormat("d%d_%dL-%dL_round%d", config.shape.embed_dim,
                            config.shape.encoder_layers, config.shape.decoder_layers, round);
        std::vector<std::string> cxx = {options.self, kStepChildFlag};
        for (const std::string& flag : StepFlags(config.step)) cxx.push_back(flag);
        RETURN_IF_ERROR(RunSide(cxx, absl::StrCat(options.work_dir, "/cxx_", tag, ".log"),
                                "the C++ step benchmark", config.cxx));
        // The peers run fp32 on one thread whatever the C++ side's precision and batch threads.
        StepBenchmarkOptions fp32 = config.step;
        fp32.precision = core::Precision::kFp32;
        fp32.batch_threads = 1;
        for (size_t p = 0; p < peers.size(); ++p) {
          std::vector<std::string> py = {options.python, peers[p].script};
          for (const std::string& flag : StepFlags(fp32)) py.push_back(flag);
          RETURN_IF_ERROR(
              RunSide(py, absl::StrCat(options.work_dir, "/", peers[p].name, "_", tag, ".log"),
                      absl::StrCat("the PyTorch peer ", peers[p].title), config.peers[p]));
          RETURN_IF_ERROR(CheckPeer(config, peers[p], config.peers[p]));
        }
      }
    }
    PrintStepTables(configs, peers, batches, peak_gflops, out);
  }
  if (options.e2e_updates > 0) {
    RETURN_IF_ERROR(RunEndToEnd(options, out));
  }
  out << "\nLoad average at the end: " << LoadAverage() << "\n";
  return absl::OkStatus();
}

}  // namespace tools::bench
