#include "tools/bench/step_benchmark.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/nn/module.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/data/batch_tensors.h"
#include "core/model/label_smoothed_loss.h"
#include "core/model/transformer.h"
#include "core/train/batch_shards.h"
#include "core/train/intra_op_threads.h"
#include "core/util/status_macros.h"
#include "plugins/initializer.h"
#include "plugins/optimizer.h"
#include "plugins/residual.h"
#include "tools/bench/batch_file.h"

namespace tools::bench {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The special ids of the project's SentencePiece models (core/data/subword_model.h); synthetic
// tokens start after them.
constexpr int64_t kPad = kStepPadId;
constexpr int64_t kBos = 2;
constexpr int64_t kFirstToken = 4;

// The flags StepFlags writes and ParseStepFlags reads, bound to one options struct.
struct BoundFields {
  std::vector<std::pair<const char*, int64_t*>> integers;
  std::vector<std::pair<const char*, double*>> reals;
};

BoundFields Bind(StepBenchmarkOptions& o) {
  return {{{"vocab_size", &o.model.target_vocab_size},
           {"embed_dim", &o.model.embed_dim},
           {"ffn_dim", &o.model.ffn_dim},
           {"attention_heads", &o.model.attention_heads},
           {"encoder_layers", &o.model.encoder_layers},
           {"decoder_layers", &o.model.decoder_layers},
           {"batch_size", &o.batch.sentences},
           {"source_length", &o.batch.source_length},
           {"target_length", &o.batch.target_length},
           {"warmup", &o.warmup},
           {"repeats", &o.repeats},
           {"threads", &o.threads}},
          {{"dropout", &o.model.dropout},
           {"attention_dropout", &o.model.attention_dropout},
           {"activation_dropout", &o.model.activation_dropout},
           {"label_smoothing", &o.label_smoothing},
           {"lr", &o.lr}}};
}

// [rows, length] ids from a fixed formula (bench/step_reference.py, synthetic_batch).
at::Tensor SyntheticIds(int64_t rows, int64_t length, int64_t salt, int64_t vocab_size) {
  const at::Tensor row = at::arange(rows, at::kLong).unsqueeze(1);
  const at::Tensor column = at::arange(length, at::kLong).unsqueeze(0);
  return (row * 131 + column * 31 + salt * 17).remainder(vocab_size - kFirstToken) + kFirstToken;
}

// The synthetic batch: no padding, decoder input = BOS then the target without its last id.
core::BatchTensors SyntheticBatch(const BatchShape& shape, int64_t vocab_size) {
  const at::Tensor source = SyntheticIds(shape.sentences, shape.source_length, 1, vocab_size);
  const at::Tensor target = SyntheticIds(shape.sentences, shape.target_length, 2, vocab_size);
  const at::Tensor previous =
      at::cat({at::full({shape.sentences, 1}, kBos, at::kLong), target.slice(1, 0, -1)}, 1);
  return {source, previous, target};
}

// The batch file's batches, or the synthetic batch.
absl::StatusOr<std::vector<core::BatchTensors>> StepBatches(const StepBenchmarkOptions& options) {
  const int64_t vocab_size = options.model.target_vocab_size;
  if (options.batch_file.empty()) return std::vector{SyntheticBatch(options.batch, vocab_size)};
  ASSIGN_OR_RETURN(std::vector<core::Batch> batches, ReadBatchFile(options.batch_file));
  if (batches.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(options.batch_file, " has no batches"));
  }
  std::vector<core::BatchTensors> tensors;
  for (const core::Batch& batch : batches) {
    const core::BatchTensors& ids = tensors.emplace_back(core::ToTensors(batch, at::kCPU));
    int64_t largest = 0;
    for (const at::Tensor* part : {&ids.source, &ids.decoder_input, &ids.target}) {
      largest = std::max(largest, part->max().item<int64_t>());
    }
    if (largest >= vocab_size) {
      return absl::InvalidArgumentError(absl::StrCat(options.batch_file, " holds id ", largest,
                                                     ", beyond --vocab_size=", vocab_size));
    }
  }
  return tensors;
}

// Sums of the source, decoder input and target ids, batch b weighted by b + 1
// (bench/step_common.py, batch_checksum).
std::string BatchChecksum(const std::vector<core::BatchTensors>& batches) {
  int64_t sums[3] = {0, 0, 0};
  for (size_t b = 0; b < batches.size(); ++b) {
    const at::Tensor* parts[] = {&batches[b].source, &batches[b].decoder_input, &batches[b].target};
    for (int i = 0; i < 3; ++i) {
      sums[i] += static_cast<int64_t>(b + 1) * parts[i]->sum().item<int64_t>();
    }
  }
  return absl::StrJoin(sums, ",");
}

std::string JoinSeconds(const std::vector<double>& seconds) {
  return absl::StrJoin(
      seconds, ",", [](std::string* out, double s) { absl::StrAppend(out, absl::SixDigits(s)); });
}

}  // namespace

std::vector<std::string> StepFlags(const StepBenchmarkOptions& options) {
  StepBenchmarkOptions copy = options;
  const BoundFields fields = Bind(copy);
  std::vector<std::string> flags;
  for (const auto& [name, value] : fields.integers) {
    flags.push_back(absl::StrCat("--", name, "=", *value));
  }
  for (const auto& [name, value] : fields.reals) {
    flags.push_back(absl::StrCat("--", name, "=", *value));
  }
  flags.push_back(absl::StrCat("--residual=", options.model.encoder_residual));
  flags.push_back(absl::StrCat("--precision=", core::PrecisionName(options.precision)));
  if (!options.batch_file.empty()) {
    flags.push_back(absl::StrCat("--batch_file=", options.batch_file));
  }
  // The C++ side's own knob: the peers, which run one thread, never see it.
  if (options.batch_threads != 1) {
    flags.push_back(absl::StrCat("--batch_threads=", options.batch_threads));
  }
  return flags;
}

absl::StatusOr<StepBenchmarkOptions> ParseStepFlags(const std::vector<std::string>& flags) {
  StepBenchmarkOptions options;
  const BoundFields fields = Bind(options);
  for (const std::string& flag : flags) {
    const size_t equals = flag.find('=');
    if (!absl::StartsWith(flag, "--") || equals == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("'", flag, "' is not --name=value"));
    }
    const std::string name = flag.substr(2, equals - 2);
    const std::string value = flag.substr(equals + 1);
    bool known = false;
    bool parsed = false;
    for (const auto& [field, target] : fields.integers) {
      if (name != field) continue;
      known = true;
      parsed = absl::SimpleAtoi(value, target);
    }
    for (const auto& [field, target] : fields.reals) {
      if (name != field) continue;
      known = true;
      parsed = absl::SimpleAtod(value, target);
    }
    if (name == "precision") {
      ASSIGN_OR_RETURN(options.precision, core::ParsePrecision(value));
      RETURN_IF_ERROR(core::CheckPrecision(options.precision, at::Device(at::kCPU)));
      known = parsed = true;
    }
    if (name == "batch_threads") {
      known = true;
      parsed = absl::SimpleAtoi(value, &options.batch_threads) && options.batch_threads >= 1;
    }
    if (name == "batch_file") {
      options.batch_file = value;
      known = parsed = true;
    }
    if (name == "residual") {
      RETURN_IF_ERROR(plugins::Residuals().Find(value).status());
      options.model.encoder_residual = options.model.decoder_residual = value;
      known = parsed = true;
    }
    if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    if (!parsed) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": bad value '", value, "'"));
    }
  }
  options.model.source_vocab_size = options.model.target_vocab_size;
  options.model.pad_id = kPad;
  RETURN_IF_ERROR(core::ValidateModelOptions(options.model));
  if (options.warmup < 0 || options.repeats < 1 || options.batch.sentences < 1 ||
      options.batch.source_length < 1 || options.batch.target_length < 1 ||
      options.model.target_vocab_size <= kFirstToken) {
    return absl::InvalidArgumentError(
        "need --warmup >= 0, --repeats, --batch_size and lengths >= 1, --vocab_size > 4");
  }
  return options;
}

absl::StatusOr<StepBenchmarkResult> RunStepBenchmark(const StepBenchmarkOptions& options) {
  core::SetIntraOpThreads(options.batch_threads > 1 ? 1 : options.threads);
  at::manual_seed(1);
  ASSIGN_OR_RETURN(const std::vector<core::BatchTensors> batches, StepBatches(options));
  const int64_t count = static_cast<int64_t>(batches.size());

  core::Transformer model(options.model);
  model->train();
  std::vector<at::Tensor> parameters = model->parameters();
  absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> optimizer =
      plugins::Optimizers().Create("adam", {}, {parameters, options.lr});
  if (!optimizer.ok()) return optimizer.status();

  StepBenchmarkResult result;
  for (const at::Tensor& p : parameters) result.parameters += p.numel();
  result.batch_checksum = BatchChecksum(batches);
  result.threads = at::get_num_threads();
  core::ShardOptions shards;
  shards.threads = options.batch_threads;
  shards.label_smoothing = options.label_smoothing;
  shards.pad_id = kPad;
  const core::LossScaler scaler(core::LossScalerOptions(), /*enabled=*/false);
  for (int64_t update = 0; update < options.warmup + options.repeats; ++update) {
    // Timed update r on batch r mod count; the warm-up on the batches before it.
    const core::BatchTensors& batch = batches[((update - options.warmup) % count + count) % count];
    const Clock::time_point start = Clock::now();
    (*optimizer)->zero_grad();
    double forward = 0;
    if (options.batch_threads > 1) {
      const core::BatchLoss loss = core::ForwardBackward(
          *model, batch, parameters, shards, options.precision, at::Device(at::kCPU), scaler);
      for (const at::Tensor& p : parameters) p.grad().div_(static_cast<double>(loss.tokens));
      forward = SecondsSince(start);
    } else {
      core::LossSums sums;
      {
        const core::MixedPrecisionScope mixed_precision(options.precision, at::Device(at::kCPU));
        sums = core::LabelSmoothedCrossEntropy(model->forward(batch.source, batch.decoder_input),
                                               batch.target, options.label_smoothing, kPad);
      }
      forward = SecondsSince(start);
      (sums.loss / sums.tokens).backward();
    }
    const double backward = options.batch_threads > 1 ? 0 : SecondsSince(start) - forward;
    (*optimizer)->step();
    const double step = SecondsSince(start);
    if (update < options.warmup) continue;
    result.seconds.step.push_back(step);
    result.seconds.forward.push_back(forward);
    result.seconds.backward.push_back(backward);
    result.seconds.optimizer.push_back(step - forward - backward);
  }

  if (options.model.encoder_residual == "admin" && options.model.decoder_residual == "admin") {
    ASSIGN_OR_RETURN(std::unique_ptr<plugins::Initializer> admin,
                     plugins::Initializers().Create("admin", {}));
    plugins::InitContext context;
    context.forward_sample_batch = [&](core::SublayerObserver* observer) {
      // As core/train/experiment.cc profiles: train mode, no gradients.
      at::NoGradGuard no_grad;
      model->train();
      model->forward(batches.front().source, batches.front().decoder_input, observer);
      return absl::OkStatus();
    };
    for (int run = 0; run < 3; ++run) {
      const Clock::time_point start = Clock::now();
      RETURN_IF_ERROR(admin->Initialize(*model, context));
      result.admin_init_seconds.push_back(SecondsSince(start));
    }
  }
  return result;
}

std::string FormatStepResult(const StepBenchmarkResult& result) {
  std::string text = absl::StrCat(
      "parameters=", result.parameters, "\n", "batch_checksum=", result.batch_checksum, "\n",
      "threads=", result.threads, "\n", "step_seconds=", JoinSeconds(result.seconds.step), "\n",
      "forward_seconds=", JoinSeconds(result.seconds.forward), "\n",
      "backward_seconds=", JoinSeconds(result.seconds.backward), "\n",
      "optimizer_seconds=", JoinSeconds(result.seconds.optimizer), "\n");
  if (!result.admin_init_seconds.empty()) {
    absl::StrAppend(&text, "admin_init_seconds=", JoinSeconds(result.admin_init_seconds), "\n");
  }
  return text;
}

absl::StatusOr<StepBenchmarkResult> ParseStepResult(const KeyValues& values) {
  StepBenchmarkResult result;
  for (const auto& [key, target] :
       {std::pair{"parameters", &result.parameters}, std::pair{"threads", &result.threads}}) {
    ASSIGN_OR_RETURN(std::vector<double> number, Numbers(values, key));
    *target = static_cast<int64_t>(number.front());
  }
  const auto checksum = values.find("batch_checksum");
  if (checksum == values.end()) return absl::InvalidArgumentError("no 'batch_checksum='");
  result.batch_checksum = checksum->second;
  for (const auto& [key, target] : {std::pair{"step_seconds", &result.seconds.step},
                                    std::pair{"forward_seconds", &result.seconds.forward},
                                    std::pair{"backward_seconds", &result.seconds.backward},
                                    std::pair{"optimizer_seconds", &result.seconds.optimizer}}) {
    absl::StatusOr<std::vector<double>> seconds = Numbers(values, key);
    if (!seconds.ok()) return seconds.status();
    *target = *std::move(seconds);
  }
  if (values.count("admin_init_seconds")) {
    absl::StatusOr<std::vector<double>> seconds = Numbers(values, "admin_init_seconds");
    if (!seconds.ok()) return seconds.status();
    result.admin_init_seconds = *std::move(seconds);
  }
  return result;
}

std::vector<MatmulRate> MeasureMatmulRates(const std::vector<int64_t>& sizes, int64_t repeats) {
  std::vector<MatmulRate> rates;
  for (const int64_t n : sizes) {
    const at::Tensor a = at::randn({n, n});
    const at::Tensor b = at::randn({n, n});
    at::Tensor c = at::mm(a, b);  // warm-up: threads, page faults
    double best = 0;
    for (int64_t r = 0; r < repeats; ++r) {
      const Clock::time_point start = Clock::now();
      at::mm_out(c, a, b);
      best = std::max(best, 2.0 * n * n * n / SecondsSince(start) / 1e9);
    }
    rates.push_back({n, best});
  }
  return rates;
}

}  // namespace tools::bench
