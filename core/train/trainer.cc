#include "core/train/intra_op_threads.h"
#include "core/train/trainer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <glog/logging.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
// clip_grad.h uses torch::Tensor without including its header: types.h must come first.
// clang-format off
#include <torch/types.h>
#include <torch/nn/utils/clip_grad.h>
// clang-format on

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/data/batch_tensors.h"
#include "core/data/batcher.h"
#include "core/train/checkpoint.h"
#include "core/distributed/distributed.h"
#include "core/distributed/distributed_env.h"
#include "core/train/divergence_detector.h"
#include "core/train/evaluation.h"
#include "core/train/experiment.h"
#include "core/model/label_smoothed_loss.h"
#include "core/data/parallel_dataset.h"
#include "core/util/sha256.h"
#include "core/util/stable_random.h"
#include "core/train/stop_signal.h"
#include "core/util/text_file.h"
#include "core/model/transformer.h"
#include "core/util/user_path.h"
#include "plugins/lr_schedule.h"
#include "plugins/optimizer.h"

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
    if (before != now) {
      differing.push_back(absl::StrCat(key, " = ", before, " there, ", now, " here"));
    }
  }
  return differing;
}

// Makes <run_dir>/metrics.jsonl (already cut to lines up to `update`) agree with a run that
// resumes at `update`. The end of a run validates, writes checkpoint_last, then scores BLEU,
// so a checkpoint at `update` may come from a run killed while scoring, or from a finished
// run whose command is run again: the BLEU lines at `update` go, since this session scores
// again at its end. The validation at `update` happened before the checkpoint when logged;
// returns whether it was, so that it is not logged twice.
absl::StatusOr<bool> PrepareMetricsForResume(const std::string& path, int64_t update) {
  if (!std::filesystem::exists(path)) return false;
  absl::StatusOr<std::string> text = ReadFileBytes(path);
  if (!text.ok()) return text.status();
  // JsonLine writes "type" first and "update" right after it.
  const std::string at_update = absl::StrCat("\"update\":", update, ",");
  bool validated = false;
  std::string kept;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    if (absl::StrContains(line, at_update)) {
      if (absl::StartsWith(line, "{\"type\":\"bleu\"")) continue;
      if (absl::StartsWith(line, "{\"type\":\"valid\"")) validated = true;
    }
    absl::StrAppend(&kept, line, "\n");
  }
  if (absl::Status status = WriteFileAtomically(path, kept); !status.ok()) return status;
  return validated;
}

// What StopReason() returns, by code: the ranks agree on rank 0's through one maximum.
constexpr const char* kStopReasons[] = {"", "max_updates", "max_epochs", "max_time"};

// A number that differs when the ranks were started with different training flags. The
// device and threads may differ per rank.
int64_t ConfigFingerprint(std::map<std::string, std::string> resolved) {
  resolved.erase("device");
  resolved.erase("threads");
  return static_cast<int64_t>(
      std::stoull(Sha256Hex(FormatConfigIni(resolved)).substr(0, 15), nullptr, 16));
}

}  // namespace

struct Trainer::State {
  TrainConfig config;
  std::map<std::string, std::string> resolved;
  // The data-parallel group (a world of one without a launcher). Rank 0 alone writes the
  // run directory: the others have no `run` and never take its lock.
  std::unique_ptr<Distributed> dist;
  std::string run_path;
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
  // Sums since the last logged training line (carried by checkpoints).
  LogInterval log_interval;
  RunStatus status;
  int64_t updates = 0;
  double best_valid_loss = std::numeric_limits<double>::infinity();
  // Training seconds before this session, and when this session started.
  double previous_train_time = 0;
  Clock::time_point session_start = Clock::now();
  // Update of the last validation (to skip a repeat at the end).
  int64_t validated_at = -1;

  double TrainTime() const { return previous_train_time + SecondsSince(session_start); }
  // The epoch the last update's batches came from: the batcher has moved on to the next
  // epoch after an epoch's last batch, which that update still belongs to.
  int64_t UpdateEpoch() const {
    const DataPosition position = batcher->position();
    return position.batch_index == 0 && position.epoch > 1 ? position.epoch - 1 : position.epoch;
  }
  // The loop of Run(); errors leave status.json to Run().
  absl::StatusOr<TrainOutcome> Train();
  // Whether and why to stop before the next update, the same on every rank: the stop signal
  // any rank got (a signal may reach one rank only), and rank 0's stop reason (max_time
  // reads its clock).
  absl::StatusOr<std::pair<int, std::string>> AgreeOnStop() const;
  EvaluationOptions Evaluation() const;
  absl::Status SaveCheckpoint(const std::string& name);
  absl::Status Validate();
  absl::Status WriteStatus(const std::string& state, const std::string& reason);
  std::string StopReason() const;
  absl::Status ScoreBleu();
  // Valid BLEU of the current model during training (--bleu_interval).
  absl::Status ScorePeriodicBleu();
  absl::StatusOr<TranslationScores> Translate(const std::string& split,
                                              const ParallelDataset& dataset);
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
  if (!run) return absl::OkStatus();
  CheckpointState saved;
  saved.updates = updates;
  saved.data_position = batcher->position();
  saved.train_time = TrainTime();
  saved.best_valid_loss = best_valid_loss;
  saved.fast_loss = detector->fast();
  saved.slow_loss = detector->slow();
  saved.observed_updates = detector->observed();
  saved.log_interval = log_interval;
  saved.config = resolved;
  return core::SaveCheckpoint(run->File(name), *model, *optimizer, saved);
}

absl::Status Trainer::State::WriteStatus(const std::string& state, const std::string& reason) {
  status.state = state;
  status.exit_reason = reason;
  status.updates = updates;
  status.epoch = UpdateEpoch();
  status.best_valid_loss =
      std::isfinite(best_valid_loss) ? best_valid_loss : std::numeric_limits<double>::quiet_NaN();
  status.train_time = TrainTime();
  return run ? run->WriteStatus(status) : absl::OkStatus();
}

absl::Status Trainer::State::Validate() {
  // Only rank 0 validates and scores; the others wait at the next collective.
  if (!run) return absl::OkStatus();
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
                                                   .Add("epoch", UpdateEpoch())
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

absl::StatusOr<TranslationScores> Trainer::State::Translate(const std::string& split,
                                                            const ParallelDataset& dataset) {
  const Clock::time_point start = Clock::now();
  absl::StatusOr<TranslationScores> scores = TranslateAndScore(model, dataset, Evaluation());
  if (!scores.ok()) return scores.status();
  LOG(INFO) << split << " | update " << updates << " | " << scores->bleu.Format() << " | "
            << scores->chrf.Format() << " | " << scores->bleu.Signature()
            << absl::StrFormat(" | %.1f s", SecondsSince(start));
  return scores;
}

absl::Status Trainer::State::ScorePeriodicBleu() {
  if (!run) return absl::OkStatus();
  absl::StatusOr<TranslationScores> scores = Translate("valid", *valid);
  if (!scores.ok()) return scores.status();
  // Its own type: a resume drops the final "bleu" lines it redoes, never these.
  return run->AppendMetrics(JsonLine()
                                .Add("type", "valid_bleu")
                                .Add("update", updates)
                                .Add("bleu", scores->bleu.score)
                                .Add("chrf", scores->chrf.score));
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
    absl::StatusOr<TranslationScores> scores = Translate(split, *dataset);
    if (!scores.ok()) return scores.status();
    *score = scores->bleu.score;
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

  // A launcher's RANK/WORLD_SIZE (or srun's) make this one rank of a data-parallel run.
  // Joining comes first, so that a rank that fails below ends the others' wait at once.
  absl::StatusOr<DistributedEnv> env = ReadDistributedEnv(std::getenv);
  if (!env.ok()) return env.status();
  s->config.device = RankDevice(config.device, *env);
  absl::StatusOr<std::unique_ptr<Distributed>> dist =
      Distributed::Join(*env, absl::StartsWith(config.device, "cuda"));
  if (!dist.ok()) return dist.status();
  s->dist = *std::move(dist);
  if (absl::Status status = s->dist->CheckSame("the training flags (all but --device and "
                                               "--threads must be equal)",
                                               ConfigFingerprint(s->resolved));
      !status.ok()) {
    return status;
  }

  // Data, model and device come first: a mistyped command leaves no run directory behind.
  SetIntraOpThreads(config.threads);
  absl::StatusOr<Experiment> experiment = BuildExperiment(config, /*with_eval_splits=*/true);
  if (!experiment.ok()) return experiment.status();
  s->run_path = ResolveUserPath(config.run_dir);
  if (s->dist->is_main()) {
    absl::StatusOr<std::unique_ptr<RunDirectory>> run = RunDirectory::Open(s->run_path);
    if (!run.ok()) return run.status();
    s->run = *std::move(run);
    s->run_path = s->run->path();
    s->log_sink = std::make_unique<FileLogSink>(s->run->File("train.log"));
  }
  // Every rank resumes from rank 0's checkpoint: the run directory must be shared.
  const std::string last = absl::StrCat(s->run_path, "/checkpoint_last.pt");
  const bool resuming = std::filesystem::exists(last);
  if (absl::Status status = s->dist->CheckSame(
          absl::StrCat("whether ", last,
                       " exists (--run_dir must be on a filesystem all ranks share)"),
          resuming);
      !status.ok()) {
    return status;
  }
  // Only rank 0 initializes (Admin profiles a batch and writes its profile); the weights
  // reach the other ranks by the broadcast below.
  if (!resuming && s->run) {
    if (absl::Status status = InitializeModel(*experiment, config, s->run_path); !status.ok()) {
      return status;
    }
    LOG(INFO) << "new run in " << s->run_path << " (--init=" << config.init << ")";
  }
  s->device = experiment->device;
  s->train = std::move(experiment->train);
  s->valid = std::move(experiment->valid);
  s->test = std::move(experiment->test);
  s->batcher = std::move(experiment->batcher);
  s->model = experiment->model;
  const ModelOptions& model_options = experiment->model_options;

  s->parameters = s->model->parameters();
  auto optimizer = plugins::Optimizers().Create(config.optimizer, experiment->optimizer_options,
                                                {s->parameters, config.lr});
  if (!optimizer.ok()) return absl::InvalidArgumentError(optimizer.status().message());
  s->optimizer = *std::move(optimizer);
  auto schedule = plugins::LrSchedules().Create(config.lr_scheduler, experiment->schedule_options,
                                                {config.lr, config.max_updates});
  if (!schedule.ok()) return absl::InvalidArgumentError(schedule.status().message());
  s->schedule = *std::move(schedule);
  s->detector =
      std::make_unique<DivergenceDetector>(config.divergence_ratio, config.divergence_warmup);

  if (resuming) {
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
    s->log_interval = saved->log_interval;
    if (absl::Status status = s->batcher->Restore(saved->data_position); !status.ok()) {
      return status;
    }
    LOG(INFO) << "resuming " << s->run_path << " at update " << s->updates << ", "
              << saved->data_position.ToString();
  }
  if (s->dist->world_size() > 1) {
    std::vector<at::Tensor> weights = s->model->parameters();
    for (const at::Tensor& buffer : s->model->buffers()) weights.push_back(buffer);
    if (absl::Status status = s->dist->Broadcast(weights); !status.ok()) return status;
    // Each rank its own dropout stream (rank 0 keeps the single-process one).
    if (!s->dist->is_main()) {
      at::manual_seed(MixSeed(MixSeed(static_cast<uint64_t>(config.seed), s->dist->rank()),
                              static_cast<uint64_t>(s->updates)));
    }
  }
  // The other ranks write nothing.
  if (!s->run) return std::unique_ptr<Trainer>(new Trainer(std::move(s)));

  // A fresh start or a resume redoes every update after the checkpoint: drop their lines.
  if (absl::Status status = s->run->TruncateMetricsAfter(s->updates); !status.ok()) return status;
  if (s->updates > 0) {
    absl::StatusOr<bool> validated =
        PrepareMetricsForResume(s->run->File("metrics.jsonl"), s->updates);
    if (!validated.ok()) return validated.status();
    if (*validated) s->validated_at = s->updates;
  }
  if (absl::Status status =
          WriteFileAtomically(s->run->File("config.ini"), FormatConfigIni(s->resolved));
      !status.ok()) {
    return status;
  }
  int64_t parameter_count = 0;
  for (const at::Tensor& p : s->parameters) parameter_count += p.numel();
  LOG(INFO) << absl::StrFormat(
      "model: %d+%d layers, d=%d, %s/%s residuals, %.2fM parameters; %d training pairs; "
      "device %s, %d threads%s",
      model_options.encoder_layers, model_options.decoder_layers, model_options.embed_dim,
      ResidualModeName(model_options.encoder_residual),
      ResidualModeName(model_options.decoder_residual), parameter_count / 1e6,
      s->train->examples().size(), s->device.str(), at::get_num_threads(),
      s->dist->world_size() > 1
          ? absl::StrFormat("; %d data-parallel ranks (%s), %d batches per update",
                            s->dist->world_size(), s->dist->backend(),
                            config.update_freq * s->dist->world_size())
          : "");
  if (absl::Status status = s->WriteStatus("running", ""); !status.ok()) return status;
  return std::unique_ptr<Trainer>(new Trainer(std::move(s)));
}

absl::StatusOr<TrainOutcome> Trainer::Run() {
  absl::StatusOr<TrainOutcome> outcome = state_->Train();
  if (!outcome.ok()) {
    // status.json must not claim a dead run is still running. The original error matters
    // more than one writing status.json, which is only logged.
    if (absl::Status status =
            state_->WriteStatus("failed", std::string(outcome.status().message()));
        !status.ok()) {
      LOG(ERROR) << status.message();
    }
  }
  return outcome;
}

absl::StatusOr<std::pair<int, std::string>> Trainer::State::AgreeOnStop() const {
  const std::string reason = dist->is_main() ? StopReason() : "";
  const int64_t code = std::find(std::begin(kStopReasons), std::end(kStopReasons), reason) -
                       std::begin(kStopReasons);
  // The other ranks contribute reason 0: the maximum is rank 0's.
  absl::StatusOr<std::vector<int64_t>> agreed =
      dist->Max({PendingStopSignal(), code}, "stop flags");
  if (!agreed.ok()) return agreed.status();
  return std::pair<int, std::string>(static_cast<int>((*agreed)[0]), kStopReasons[(*agreed)[1]]);
}

absl::StatusOr<TrainOutcome> Trainer::State::Train() {
  State& s = *this;
  const TrainConfig& config = s.config;
  InstallStopSignalHandlers();
  s.session_start = Clock::now();
  const bool terminal = isatty(STDERR_FILENO) && dist->is_main();
  LogInterval& interval = s.log_interval;
  Clock::time_point interval_start = Clock::now();
  // Seconds inside updates this interval; the rest is logging, validation and checkpoints
  // (the overhead that docs/PERFORMANCE.md measures).
  double interval_update_seconds = 0;
  std::string stop_reason;

  while (true) {
    absl::StatusOr<std::pair<int, std::string>> stop = s.AgreeOnStop();
    if (!stop.ok()) return stop.status();
    if (!(stop_reason = stop->second).empty()) break;
    if (const int signal = stop->first) {
      if (absl::Status status = s.SaveCheckpoint("checkpoint_last.pt"); !status.ok()) return status;
      const std::string name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
      LOG(INFO) << name << ": checkpoint written at update " << s.updates << "; exiting";
      if (absl::Status status = s.WriteStatus("interrupted", name); !status.ok()) return status;
      return TrainOutcome{signal == SIGTERM ? kExitTerminated : kExitInterrupted, s.status,
                          s.run_path};
    }

    // One update: update_freq batches per rank (fewer at an epoch's end), gradients summed
    // over batches and ranks, then divided by the update's target tokens as fairseq does.
    const Clock::time_point update_start = Clock::now();
    s.model->train();
    s.optimizer->zero_grad();
    double loss_sum = 0, nll_sum = 0;
    int64_t tokens = 0;
    const UpdateBatches update =
        s.batcher->NextUpdate(config.update_freq, s.dist->rank(), s.dist->world_size());
    const bool epoch_ended = update.epoch_ended;
    for (const Batch& next : update.batches) {
      const BatchTensors batch = ToTensors(next, s.device);
      const LossSums sums = LabelSmoothedCrossEntropy(
          s.model->forward(batch.source, batch.decoder_input), batch.target, config.label_smoothing,
          s.train->model().pad_id());
      sums.loss.backward();
      // One device-to-host copy for the three sums (each .item() would sync a GPU).
      const at::Tensor host = at::stack({sums.loss.detach().to(at::kDouble),
                                         sums.nll.to(at::kDouble), sums.tokens.to(at::kDouble)})
                                  .cpu();
      loss_sum += host[0].item<double>();
      nll_sum += host[1].item<double>();
      tokens += static_cast<int64_t>(host[2].item<double>());
    }
    if (s.dist->world_size() > 1) {
      absl::StatusOr<std::vector<double>> sums =
          s.dist->Sum({loss_sum, nll_sum, static_cast<double>(tokens)}, "losses and tokens");
      if (!sums.ok()) return sums.status();
      loss_sum = (*sums)[0];
      nll_sum = (*sums)[1];
      tokens = static_cast<int64_t>((*sums)[2]);
      if (absl::Status status = s.dist->AllReduceGradients(s.parameters); !status.ok()) {
        return status;
      }
    }
    for (at::Tensor& p : s.parameters) {
      if (p.grad().defined()) p.grad().div_(static_cast<double>(tokens));
    }
    const double grad_norm = torch::nn::utils::clip_grad_norm_(
        s.parameters,
        config.clip_norm > 0 ? config.clip_norm : std::numeric_limits<double>::infinity());
    const double loss = loss_sum / tokens;
    // Divergence stops before the step: checkpoint_last keeps the last good weights. Every
    // rank follows rank 0's detector (the others contribute 0 to the maximum).
    const std::string why = s.detector->Observe(loss, grad_norm);
    absl::StatusOr<std::vector<int64_t>> diverged =
        s.dist->Max({s.dist->is_main() && !why.empty()}, "divergence flags");
    if (!diverged.ok()) return diverged.status();
    if ((*diverged)[0] != 0) {
      LOG(WARNING) << "diverged at update " << s.updates + 1 << ": "
                   << (why.empty() ? "rank 0's detector" : why);
      if (absl::Status status = s.WriteStatus("diverged", why); !status.ok()) return status;
      return TrainOutcome{kExitDiverged, s.status, s.run_path};
    }
    const double lr = s.schedule->LearningRate(s.updates);
    for (auto& group : s.optimizer->param_groups()) group.options().set_lr(lr);
    s.optimizer->step();
    interval_update_seconds += SecondsSince(update_start);
    ++s.updates;

    interval.loss += loss_sum;
    interval.nll += nll_sum;
    interval.tokens += tokens;
    interval.grad_norm += grad_norm;
    ++interval.updates;
    if (terminal) {
      const double eta =
          config.max_updates > 0 ? s.TrainTime() / s.updates * (config.max_updates - s.updates) : 0;
      std::fprintf(stderr, "\rupdate %ld%s | loss %.3f | lr %.3g | gnorm %.3f | ETA %.0f s   ",
                   static_cast<long>(s.updates),
                   config.max_updates > 0 ? absl::StrCat("/", config.max_updates).c_str() : "",
                   loss, lr, grad_norm, eta);
    }
    if (s.run && s.updates % config.log_interval == 0) {
      const double seconds = SecondsSince(interval_start);
      const double mean_loss = interval.loss / interval.tokens;
      const double mean_nll = interval.nll / interval.tokens;
      if (terminal) std::fprintf(stderr, "\n");
      LOG(INFO) << absl::StrFormat(
          "train | epoch %d | update %d | loss %.4f | nll %.4f | ppl %.2f | lr %.4g | gnorm %.3f "
          "| %.0f tok/s",
          s.UpdateEpoch(), s.updates, mean_loss, mean_nll, std::exp(mean_nll), lr,
          interval.grad_norm / interval.updates, interval.tokens / seconds);
      if (absl::Status status =
              s.run->AppendMetrics(JsonLine()
                                       .Add("type", "train")
                                       .Add("update", s.updates)
                                       .Add("epoch", s.UpdateEpoch())
                                       .Add("loss", mean_loss)
                                       .Add("nll", mean_nll)
                                       .Add("ppl", std::exp(mean_nll))
                                       .Add("lr", lr)
                                       .Add("grad_norm", interval.grad_norm / interval.updates)
                                       .Add("tokens_per_s", interval.tokens / seconds)
                                       .Add("update_seconds", interval_update_seconds)
                                       .Add("elapsed", s.TrainTime()));
          !status.ok()) {
        return status;
      }
      interval = LogInterval();
      interval_start = Clock::now();
      interval_update_seconds = 0;
    }
    const bool validate =
        config.validate_interval > 0 ? s.updates % config.validate_interval == 0 : epoch_ended;
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
    if (config.bleu_interval > 0 && s.updates % config.bleu_interval == 0) {
      if (absl::Status status = s.ScorePeriodicBleu(); !status.ok()) return status;
    }
  }
  if (terminal) std::fprintf(stderr, "\n");
  LOG(INFO) << "stopping at update " << s.updates << ": " << stop_reason;
  // Rank 0 validates and scores alone.
  if (!s.run) {
    if (absl::Status status = s.WriteStatus("done", stop_reason); !status.ok()) return status;
    return TrainOutcome{kExitDone, s.status, s.run_path};
  }
  if (s.validated_at != s.updates) {
    if (absl::Status status = s.Validate(); !status.ok()) return status;
  }
  if (absl::Status status = s.SaveCheckpoint("checkpoint_last.pt"); !status.ok()) return status;
  if (absl::Status status = s.ScoreBleu(); !status.ok()) return status;
  if (absl::Status status = s.WriteStatus("done", stop_reason); !status.ok()) return status;
  return TrainOutcome{kExitDone, s.status, s.run_path};
}

}  // namespace core
