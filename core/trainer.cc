#include "core/trainer.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <limits>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <glog/logging.h>
#include <torch/types.h>  // clip_grad.h uses torch::Tensor without including it
#include <torch/nn/utils/clip_grad.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/batch_tensors.h"
#include "core/batcher.h"
#include "core/checkpoint.h"
#include "core/divergence_detector.h"
#include "core/evaluation.h"
#include "core/label_smoothed_loss.h"
#include "core/parallel_dataset.h"
#include "core/stop_signal.h"
#include "core/text_file.h"
#include "core/translation_direction.h"
#include "core/transformer.h"
#include "core/user_path.h"
#include "plugins/initializer.h"
#include "plugins/lr_schedule.h"
#include "plugins/optimizer.h"
#include "plugins/plugin_options.h"

namespace core {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Copies every log line into <run_dir>/train.log (glog still prints to stderr).
class FileLogSink : public google::LogSink {
 public:
  explicit FileLogSink(const std::string& path) : out_(path, std::ios::app) {
    google::AddLogSink(this);
  }
  ~FileLogSink() override { google::RemoveLogSink(this); }
  void send(google::LogSeverity severity, const char* full_filename, const char* base_filename,
            int line, const google::LogMessageTime& time, const char* message,
            size_t message_len) override {
    out_ << ToString(severity, base_filename, line, time, message, message_len) << "\n";
    out_.flush();
  }

 private:
  std::ofstream out_;
};

absl::StatusOr<c10::Device> ParseDevice(const std::string& name) {
  try {
    c10::Device device(name);
    if (device.is_cuda() && !at::hasCUDA()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--device=", name,
          ": this LibTorch has no CUDA (or no GPU is visible); build against a CUDA LibTorch "
          "with LIBTORCH_HOME (docs/building.md) or use --device=cpu"));
    }
    return device;
  } catch (const c10::Error&) {
    return absl::InvalidArgumentError(
        absl::StrCat("--device=", name, " is not a device (cpu, cuda, cuda:N)"));
  }
}

// The keys whose values differ between a checkpoint's config and this command's, among
// those a resumed run may not change.
std::vector<std::string> IncompatibleKeys(const std::map<std::string, std::string>& saved,
                                          const std::map<std::string, std::string>& current) {
  std::map<std::string, bool> changeable;
  for (const TrainFlagInfo& info : TrainFlagInfos()) {
    changeable[info.name] = info.changeable_on_resume;
  }
  std::set<std::string> keys;
  for (const auto& [key, unused] : saved) keys.insert(key);
  for (const auto& [key, unused] : current) keys.insert(key);
  std::vector<std::string> differing;
  for (const std::string& key : keys) {
    if (changeable[key]) continue;
    const auto a = saved.find(key);
    const auto b = current.find(key);
    const std::string before = a == saved.end() ? "(unset)" : a->second;
    const std::string now = b == current.end() ? "(unset)" : b->second;
    if (before != now) differing.push_back(absl::StrCat(key, " = ", before, " there, ", now, " here"));
  }
  return differing;
}

}  // namespace

struct Trainer::State {
  TrainConfig config;
  std::map<std::string, std::string> resolved;
  std::unique_ptr<RunDirectory> run;
  std::unique_ptr<FileLogSink> log_sink;
  c10::Device device = c10::Device(c10::kCPU);
  std::unique_ptr<ParallelDataset> train;
  std::unique_ptr<ParallelDataset> valid;
  std::unique_ptr<ParallelDataset> test;
  std::unique_ptr<Batcher> batcher;
  Transformer model{nullptr};
  std::vector<at::Tensor> parameters;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::unique_ptr<plugins::LrSchedule> schedule;
  std::unique_ptr<DivergenceDetector> detector;
  RunStatus status;
  int64_t updates = 0;
  double best_valid_loss = std::numeric_limits<double>::infinity();
  // Training seconds before this session, and when this session started.
  double previous_train_time = 0;
  Clock::time_point session_start = Clock::now();
  // Update of the last validation (to skip a repeat at the end).
  int64_t validated_at = -1;

  double TrainTime() const { return previous_train_time + SecondsSince(session_start); }
  EvaluationOptions Evaluation() const;
  absl::Status SaveCheckpoint(const std::string& name);
  absl::Status Validate();
  absl::Status WriteStatus(const std::string& state, const std::string& reason);
  std::string StopReason() const;
  absl::Status ScoreBleu();
};

Trainer::Trainer(std::unique_ptr<State> state) : state_(std::move(state)) {}
Trainer::~Trainer() = default;

EvaluationOptions Trainer::State::Evaluation() const {
  EvaluationOptions options;
  options.device = device;
  options.max_tokens = config.max_tokens;
  options.label_smoothing = config.label_smoothing;
  options.generation.beam_size = config.beam_size;
  options.generation.length_penalty = config.lenpen;
  options.generation.max_len_a = config.max_len_a;
  options.generation.max_len_b = config.max_len_b;
  options.max_sentences = config.bleu_sentences;
  return options;
}

absl::Status Trainer::State::SaveCheckpoint(const std::string& name) {
  CheckpointState saved;
  saved.updates = updates;
  saved.data_position = batcher->position();
  saved.train_time = TrainTime();
  saved.best_valid_loss = best_valid_loss;
  saved.fast_loss = detector->fast();
  saved.slow_loss = detector->slow();
  saved.observed_updates = detector->observed();
  saved.config = resolved;
  return core::SaveCheckpoint(run->File(name), *model, *optimizer, saved);
}

absl::Status Trainer::State::WriteStatus(const std::string& state, const std::string& reason) {
  status.state = state;
  status.exit_reason = reason;
  status.updates = updates;
  status.epoch = batcher->position().epoch;
  status.best_valid_loss = std::isfinite(best_valid_loss)
                               ? best_valid_loss
                               : std::numeric_limits<double>::quiet_NaN();
  status.train_time = TrainTime();
  return run->WriteStatus(status);
}

absl::Status Trainer::State::Validate() {
  absl::StatusOr<LossResult> result = EvaluateLoss(*model, *valid, Evaluation());
  if (!result.ok()) return result.status();
  validated_at = updates;
  const bool best = result->loss < best_valid_loss;
  LOG(INFO) << absl::StrFormat("valid | update %d | loss %.4f | nll %.4f | ppl %.2f%s", updates,
                               result->loss, result->nll, result->perplexity,
                               best ? " | best" : "");
  if (absl::Status status = run->AppendMetrics(JsonLine()
                                                   .Add("type", "valid")
                                                   .Add("update", updates)
                                                   .Add("epoch", batcher->position().epoch)
                                                   .Add("loss", result->loss)
                                                   .Add("nll", result->nll)
                                                   .Add("ppl", result->perplexity));
      !status.ok()) {
    return status;
  }
  if (!best) return absl::OkStatus();
  best_valid_loss = result->loss;
  return SaveCheckpoint("checkpoint_best.pt");
}

std::string Trainer::State::StopReason() const {
  if (config.max_updates > 0 && updates >= config.max_updates) return "max_updates";
  if (config.max_epochs > 0 && batcher->position().epoch > config.max_epochs) return "max_epochs";
  if (config.max_time > 0 && TrainTime() >= config.max_time) return "max_time";
  return "";
}

absl::Status Trainer::State::ScoreBleu() {
  // Scores come from the best checkpoint (lowest validation loss), as a paper reports them.
  if (std::filesystem::exists(run->File("checkpoint_best.pt"))) {
    if (absl::Status status = LoadCheckpointModel(run->File("checkpoint_best.pt"), *model);
        !status.ok()) {
      return status;
    }
  }
  for (auto [split, dataset, score] : {std::tuple{"valid", valid.get(), &status.valid_bleu},
                                       std::tuple{"test", test.get(), &status.test_bleu}}) {
    const Clock::time_point start = Clock::now();
    absl::StatusOr<TranslationScores> scores = TranslateAndScore(model, *dataset, Evaluation());
    if (!scores.ok()) return scores.status();
    *score = scores->bleu.score;
    LOG(INFO) << split << " | " << scores->bleu.Format() << " | " << scores->chrf.Format() << " | "
              << scores->bleu.Signature() << absl::StrFormat(" | %.1f s", SecondsSince(start));
    if (absl::Status status = run->AppendMetrics(JsonLine()
                                                     .Add("type", "bleu")
                                                     .Add("split", split)
                                                     .Add("update", updates)
                                                     .Add("bleu", scores->bleu.score)
                                                     .Add("chrf", scores->chrf.score)
                                                     .Add("signature", scores->bleu.Signature()));
        !status.ok()) {
      return status;
    }
    if (absl::Status status = WriteFileAtomically(run->File(absl::StrCat(split, ".hyp")),
                                                  JoinLines(scores->hypotheses));
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Trainer>> Trainer::Create(const ParsedTrainConfig& parsed) {
  auto s = std::make_unique<State>();
  s->config = parsed.config;
  s->resolved = parsed.resolved;
  const TrainConfig& config = s->config;

  absl::StatusOr<std::unique_ptr<RunDirectory>> run =
      RunDirectory::Open(ResolveUserPath(config.run_dir));
  if (!run.ok()) return run.status();
  s->run = *std::move(run);
  s->log_sink = std::make_unique<FileLogSink>(s->run->File("train.log"));
  absl::StatusOr<c10::Device> device = ParseDevice(config.device);
  if (!device.ok()) return device.status();
  s->device = *device;
  if (config.threads > 0) at::set_num_threads(static_cast<int>(config.threads));

  // Data.
  const std::string data_dir =
      config.data_dir.empty() ? WorkspacePath("data/ding-de-en") : ResolveUserPath(config.data_dir);
  if (!std::filesystem::exists(data_dir)) {
    return absl::NotFoundError(absl::StrCat(
        "dataset ", data_dir, " not found; build it with `bazel run //tools:prepare_data -- "
        "--output_dir=", data_dir, "` (tools/setup.sh builds the default one)"));
  }
  absl::StatusOr<TranslationDirection> direction = ParseTranslationDirection(config.direction);
  if (!direction.ok()) return absl::InvalidArgumentError(direction.status().message());
  for (auto [split, target] : {std::pair{"train", &s->train}, std::pair{"valid", &s->valid},
                               std::pair{"test", &s->test}}) {
    ParallelDatasetOptions options;
    options.dir = data_dir;
    options.split = split;
    options.direction = *direction;
    options.max_positions = static_cast<int>(config.model.max_positions);
    absl::StatusOr<ParallelDataset> dataset = ParallelDataset::Load(options);
    if (!dataset.ok()) return dataset.status();
    *target = std::make_unique<ParallelDataset>(*std::move(dataset));
  }
  const SubwordModel& vocabulary = s->train->model();
  BatcherOptions batching;
  batching.max_tokens = config.max_tokens;
  batching.seed = static_cast<uint64_t>(config.seed);
  absl::StatusOr<Batcher> batcher =
      Batcher::Create(&s->train->examples(), batching, {vocabulary.pad_id(), vocabulary.bos_id()});
  if (!batcher.ok()) return batcher.status();
  s->batcher = std::make_unique<Batcher>(*std::move(batcher));

  // Model and plugins. Seeding first makes a fresh run's weights a function of --seed.
  at::manual_seed(static_cast<uint64_t>(config.seed));
  ModelOptions model_options = config.model;
  model_options.source_vocab_size = model_options.target_vocab_size = vocabulary.vocab_size();
  model_options.pad_id = vocabulary.pad_id();
  if (absl::Status status = ValidateModelOptions(model_options); !status.ok()) {
    return absl::InvalidArgumentError(status.message());
  }
  s->model = Transformer(model_options);
  s->model->to(s->device);
  s->parameters = s->model->parameters();
  absl::StatusOr<std::vector<plugins::OptionMap>> assigned = plugins::AssignPluginOptions(
      {{&plugins::Initializers(), config.init},
       {&plugins::Optimizers(), config.optimizer},
       {&plugins::LrSchedules(), config.lr_scheduler}},
      config.plugin_options);
  if (!assigned.ok()) return absl::InvalidArgumentError(assigned.status().message());
  auto optimizer =
      plugins::Optimizers().Create(config.optimizer, (*assigned)[1], {s->parameters, config.lr});
  if (!optimizer.ok()) return absl::InvalidArgumentError(optimizer.status().message());
  s->optimizer = *std::move(optimizer);
  auto schedule = plugins::LrSchedules().Create(config.lr_scheduler, (*assigned)[2],
                                                {config.lr, config.max_updates});
  if (!schedule.ok()) return absl::InvalidArgumentError(schedule.status().message());
  s->schedule = *std::move(schedule);
  s->detector = std::make_unique<DivergenceDetector>(config.divergence_ratio,
                                                     config.divergence_warmup);

  const std::string last = s->run->File("checkpoint_last.pt");
  if (std::filesystem::exists(last)) {
    absl::StatusOr<CheckpointState> saved = ReadCheckpointState(last);
    if (!saved.ok()) {
      return absl::DataLossError(absl::StrCat(
          saved.status().message(),
          "; checkpoint_best.pt and checkpoint_<update>.pt (if any) are kept: copy one to "
          "checkpoint_last.pt to resume from it, or use another --run_dir"));
    }
    const std::vector<std::string> differing = IncompatibleKeys(saved->config, s->resolved);
    if (!differing.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          last, " was written by a run with other settings: ", absl::StrJoin(differing, "; "),
          ". Resume with the same settings, or choose another --run_dir"));
    }
    saved = LoadCheckpoint(last, *s->model, *s->optimizer);
    if (!saved.ok()) return saved.status();
    s->updates = saved->updates;
    s->previous_train_time = saved->train_time;
    s->best_valid_loss = saved->best_valid_loss;
    s->detector->Restore(saved->fast_loss, saved->slow_loss, saved->observed_updates);
    if (absl::Status status = s->batcher->Restore(saved->data_position); !status.ok()) {
      return status;
    }
    LOG(INFO) << "resuming " << s->run->path() << " at update " << s->updates << ", "
              << saved->data_position.ToString();
  } else {
    auto initializer = plugins::Initializers().Create(config.init, (*assigned)[0]);
    if (!initializer.ok()) return absl::InvalidArgumentError(initializer.status().message());
    if (absl::Status status = (*initializer)->CheckModelOptions(model_options); !status.ok()) {
      return absl::InvalidArgumentError(status.message());
    }
    plugins::InitContext context;
    context.output_dir = s->run->path();
    State* state = s.get();
    context.forward_sample_batch = [state](SublayerObserver* observer) {
      // The first batch of the seed's order: the one training starts with.
      const BatchTensors batch = ToTensors(
          state->batcher->MakeBatch(state->batcher->PlanEpoch(1).front()), state->device);
      at::NoGradGuard no_grad;
      state->model->train();
      state->model->forward(batch.source, batch.decoder_input, observer);
      return absl::OkStatus();
    };
    if (absl::Status status = (*initializer)->Initialize(*s->model, context); !status.ok()) {
      return status;
    }
    LOG(INFO) << "new run in " << s->run->path() << " (--init=" << config.init << ")";
  }
  // A fresh start or a resume redoes every update after the checkpoint: drop their lines.
  if (absl::Status status = s->run->TruncateMetricsAfter(s->updates); !status.ok()) return status;
  if (absl::Status status =
          WriteFileAtomically(s->run->File("config.ini"), FormatConfigIni(s->resolved));
      !status.ok()) {
    return status;
  }
  int64_t parameter_count = 0;
  for (const at::Tensor& p : s->parameters) parameter_count += p.numel();
  LOG(INFO) << absl::StrFormat(
      "model: %d+%d layers, d=%d, %s/%s residuals, %.2fM parameters; %d training pairs; "
      "device %s, %d threads",
      model_options.encoder_layers, model_options.decoder_layers, model_options.embed_dim,
      ResidualModeName(model_options.encoder_residual),
      ResidualModeName(model_options.decoder_residual), parameter_count / 1e6,
      s->train->examples().size(), s->device.str(), at::get_num_threads());
  if (absl::Status status = s->WriteStatus("running", ""); !status.ok()) return status;
  return std::unique_ptr<Trainer>(new Trainer(std::move(s)));
}

absl::StatusOr<TrainOutcome> Trainer::Run() {
  State& s = *state_;
  const TrainConfig& config = s.config;
  InstallStopSignalHandlers();
  s.session_start = Clock::now();
  const bool terminal = isatty(STDERR_FILENO);
  // Sums over the current logging interval.
  double interval_loss = 0, interval_nll = 0, interval_norm = 0;
  int64_t interval_tokens = 0, interval_updates = 0;
  Clock::time_point interval_start = Clock::now();
  std::string stop_reason;

  while ((stop_reason = s.StopReason()).empty()) {
    if (const int signal = PendingStopSignal()) {
      if (absl::Status status = s.SaveCheckpoint("checkpoint_last.pt"); !status.ok()) return status;
      const std::string name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
      LOG(INFO) << name << ": checkpoint written at update " << s.updates << "; exiting";
      if (absl::Status status = s.WriteStatus("interrupted", name); !status.ok()) return status;
      return TrainOutcome{signal == SIGTERM ? kExitTerminated : kExitInterrupted, s.status,
                          s.run->path()};
    }

    // One update: update_freq batches (fewer at an epoch's end), gradients summed, then
    // divided by the update's target tokens as fairseq does.
    s.model->train();
    s.optimizer->zero_grad();
    double loss_sum = 0, nll_sum = 0;
    int64_t tokens = 0;
    bool epoch_ended = false;
    for (int64_t k = 0; k < config.update_freq && !epoch_ended; ++k) {
      const int64_t epoch = s.batcher->position().epoch;
      const BatchTensors batch = ToTensors(s.batcher->Next(), s.device);
      epoch_ended = s.batcher->position().epoch != epoch;
      const LossSums sums =
          LabelSmoothedCrossEntropy(s.model->forward(batch.source, batch.decoder_input),
                                    batch.target, config.label_smoothing, s.train->model().pad_id());
      sums.loss.backward();
      loss_sum += sums.loss.item<double>();
      nll_sum += sums.nll.item<double>();
      tokens += sums.tokens.item<int64_t>();
    }
    for (at::Tensor& p : s.parameters) {
      if (p.grad().defined()) p.grad().div_(static_cast<double>(tokens));
    }
    const double grad_norm = torch::nn::utils::clip_grad_norm_(
        s.parameters,
        config.clip_norm > 0 ? config.clip_norm : std::numeric_limits<double>::infinity());
    const double loss = loss_sum / tokens;
    // Divergence stops before the step: checkpoint_last keeps the last good weights.
    if (const std::string why = s.detector->Observe(loss, grad_norm); !why.empty()) {
      LOG(WARNING) << "diverged at update " << s.updates + 1 << ": " << why;
      if (absl::Status status = s.WriteStatus("diverged", why); !status.ok()) return status;
      return TrainOutcome{kExitDiverged, s.status, s.run->path()};
    }
    const double lr = s.schedule->LearningRate(s.updates);
    for (auto& group : s.optimizer->param_groups()) group.options().set_lr(lr);
    s.optimizer->step();
    ++s.updates;

    interval_loss += loss_sum;
    interval_nll += nll_sum;
    interval_tokens += tokens;
    interval_norm += grad_norm;
    ++interval_updates;
    if (terminal) {
      const double eta = config.max_updates > 0 ? s.TrainTime() / s.updates *
                                                      (config.max_updates - s.updates)
                                                : 0;
      std::fprintf(stderr, "\rupdate %ld%s | loss %.3f | lr %.3g | gnorm %.3f | ETA %.0f s   ",
                   static_cast<long>(s.updates),
                   config.max_updates > 0 ? absl::StrCat("/", config.max_updates).c_str() : "",
                   loss, lr, grad_norm, eta);
    }
    if (s.updates % config.log_interval == 0) {
      const double seconds = SecondsSince(interval_start);
      const double mean_loss = interval_loss / interval_tokens;
      const double mean_nll = interval_nll / interval_tokens;
      if (terminal) std::fprintf(stderr, "\n");
      LOG(INFO) << absl::StrFormat(
          "train | epoch %d | update %d | loss %.4f | nll %.4f | ppl %.2f | lr %.4g | gnorm %.3f "
          "| %.0f tok/s",
          s.batcher->position().epoch, s.updates, mean_loss, mean_nll, std::exp(mean_nll), lr,
          interval_norm / interval_updates, interval_tokens / seconds);
      if (absl::Status status =
              s.run->AppendMetrics(JsonLine()
                                       .Add("type", "train")
                                       .Add("update", s.updates)
                                       .Add("epoch", s.batcher->position().epoch)
                                       .Add("loss", mean_loss)
                                       .Add("nll", mean_nll)
                                       .Add("ppl", std::exp(mean_nll))
                                       .Add("lr", lr)
                                       .Add("grad_norm", interval_norm / interval_updates)
                                       .Add("tokens_per_s", interval_tokens / seconds)
                                       .Add("elapsed", s.TrainTime()));
          !status.ok()) {
        return status;
      }
      interval_loss = interval_nll = interval_norm = 0;
      interval_tokens = interval_updates = 0;
      interval_start = Clock::now();
    }
    const bool validate = config.validate_interval > 0
                              ? s.updates % config.validate_interval == 0
                              : epoch_ended;
    if (validate) {
      if (absl::Status status = s.Validate(); !status.ok()) return status;
    }
    if ((config.save_interval > 0 && s.updates % config.save_interval == 0) || epoch_ended) {
      if (absl::Status status = s.SaveCheckpoint("checkpoint_last.pt"); !status.ok()) return status;
      if (absl::Status status = s.WriteStatus("running", ""); !status.ok()) return status;
    }
    if (config.keep_interval > 0 && s.updates % config.keep_interval == 0) {
      if (absl::Status status = s.SaveCheckpoint(absl::StrCat("checkpoint_", s.updates, ".pt"));
          !status.ok()) {
        return status;
      }
    }
  }
  if (terminal) std::fprintf(stderr, "\n");
  LOG(INFO) << "stopping at update " << s.updates << ": " << stop_reason;
  if (s.validated_at != s.updates) {
    if (absl::Status status = s.Validate(); !status.ok()) return status;
  }
  if (absl::Status status = s.SaveCheckpoint("checkpoint_last.pt"); !status.ok()) return status;
  if (absl::Status status = s.ScoreBleu(); !status.ok()) return status;
  if (absl::Status status = s.WriteStatus("done", stop_reason); !status.ok()) return status;
  return TrainOutcome{kExitDone, s.status, s.run->path()};
}

}  // namespace core
