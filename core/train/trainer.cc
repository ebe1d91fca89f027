#include "core/train/trainer.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>
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
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <utility>
// clip_grad.h uses torch::Tensor without including its header: types.h must come first.
// clang-format off
#include <torch/types.h>
#include <torch/nn/utils/clip_grad.h>
// clang-format on

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/data/batch_tensors.h"
#include "core/data/batcher.h"
#include "core/data/parallel_dataset.h"
#include "core/distributed/device_selection.h"
#include "core/distributed/distributed.h"
#include "core/distributed/distributed_env.h"
#include "core/model/transformer.h"
#include "core/train/batch_shards.h"
#include "core/train/checkpoint.h"
#include "core/train/determinism.h"
#include "core/train/device.h"
#include "core/train/divergence_detector.h"
#include "core/train/evaluation.h"
#include "core/train/experiment.h"
#include "core/train/intra_op_threads.h"
#include "core/train/loss_scaler.h"
#include "core/train/stop_signal.h"
#include "core/train/training_log.h"
#include "core/util/json_io.h"
#include "core/util/sha256.h"
#include "core/util/stable_random.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"
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

// What metrics.jsonl holds of the update a run resumes at.
struct MetricsAtResume {
  // Its validation (logged before the checkpoint was written).
  bool validated = false;
  // Its periodic valid BLEU (--bleu_interval), scored after the checkpoint was written.
  bool scored_bleu = false;
};

// Makes <run_dir>/metrics.jsonl (already cut to lines up to `update`) agree with a run that
// resumes at `update`. The end of a run validates, writes checkpoint_last, then scores BLEU,
// so a checkpoint at `update` may come from a run killed while scoring, or from a finished
// run whose command is run again: the BLEU lines at `update` go, since this session scores
// again at its end. Says what of `update` was logged, so that it is neither logged twice nor
// lost.
absl::StatusOr<MetricsAtResume> PrepareMetricsForResume(const std::string& path, int64_t update) {
  MetricsAtResume found;
  if (!std::filesystem::exists(path)) return found;
  ASSIGN_OR_RETURN(std::string text, ReadFileBytes(path));
  std::string kept;
  int64_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    ++line_number;
    ASSIGN_OR_RETURN(const nlohmann::ordered_json metrics,
                     ParseJson(line, absl::StrCat(path, ":", line_number)));
    if (JsonInteger(metrics, "update") == update) {
      const std::optional<std::string> type = JsonString(metrics, "type");
      if (type == "bleu") continue;
      if (type == "valid") found.validated = true;
      if (type == "valid_bleu") found.scored_bleu = true;
    }
    absl::StrAppend(&kept, line, "\n");
  }
  RETURN_IF_ERROR(WriteFileAtomically(path, kept));
  return found;
}

// What StopReason() returns, by code: the ranks agree on rank 0's through one maximum.
constexpr const char* kStopReasons[] = {"", "max_updates", "max_epochs", "max_time", "patience"};

// A number that differs when the ranks were started with different training flags. The
// device and threads (both kinds) may differ per rank.
int64_t ConfigFingerprint(std::map<std::string, std::string> resolved) {
  resolved.erase("device");
  resolved.erase("threads");
  resolved.erase("batch_threads");
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
  // --start_over: discard an earlier run's results in run_path.
  bool start_over = false;
  c10::Device device = c10::Device(c10::kCPU);
  Precision precision = Precision::kFp32;
  // --batch_threads, resolved, and the loss the shards compute.
  ShardOptions shards;
  // Dynamic loss scaling; enabled for --precision=fp16 only.
  LossScaler scaler{LossScalerOptions(), /*enabled=*/false};
  // An epoch end closed by an update that fp16 overflow skipped: the next update carries it.
  bool epoch_end_pending = false;
  std::unique_ptr<ParallelDataset> train;
  std::unique_ptr<ParallelDataset> valid;
  std::unique_ptr<ParallelDataset> test;
  std::string dataset_id;
  std::unique_ptr<Batcher> batcher;
  Transformer model{nullptr};
  std::vector<at::Tensor> parameters;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::unique_ptr<plugins::LrSchedule> schedule;
  // The schedule's options, to rebuild it with a checkpoint's --max_updates.
  plugins::OptionMap schedule_options;
  std::unique_ptr<DivergenceDetector> detector;
  std::unique_ptr<TrainingLog> log;
  RunStatus status;
  int64_t updates = 0;
  double best_valid_loss = std::numeric_limits<double>::infinity();
  // Validations in a row without a new best (--patience).
  int64_t stale_validations = 0;
  // (loss, update) of the checkpoints --keep_best_checkpoints keeps, best first.
  std::vector<std::pair<double, int64_t>> best_kept;
  // Training seconds before this session, and when this session started.
  double previous_train_time = 0;
  Clock::time_point session_start = Clock::now();
  // Update of the last validation (to skip a repeat at the end) and periodic BLEU.
  int64_t validated_at = -1;
  int64_t periodic_bleu_at = -1;

  double TrainTime() const { return previous_train_time + SecondsSince(session_start); }
  // The epoch the last update's batches came from: the batcher has moved on to the next
  // epoch after an epoch's last batch, which that update still belongs to.
  int64_t UpdateEpoch() const {
    const DataPosition position = batcher->position();
    return position.batch_index == 0 && position.epoch > 1 ? position.epoch - 1 : position.epoch;
  }
  // Create(), step by step.
  absl::Status JoinGroup();
  // Returns whether the run resumes (checkpoint_last.pt exists).
  absl::StatusOr<bool> OpenRunDirectory();
  void TakeExperiment(Experiment& experiment);
  // --batch_threads for this machine and model; more than one makes every kernel one-threaded.
  absl::Status ResolveShards(const Experiment& experiment);
  absl::Status BuildOptimization(const Experiment& experiment);
  absl::Status Resume();
  // InvalidArgument when this --max_updates changes the rates a checkpoint's run would use.
  absl::Status CheckScheduleUnchanged(const std::map<std::string, std::string>& saved_config);
  absl::Status SynchronizeRanks();
  absl::Status PrepareRunDirectory(const ModelOptions& model_options);

  // The loop of Run(); errors leave status.json to Run().
  absl::StatusOr<TrainOutcome> Train();
  // Whether and why to stop before the next update, the same on every rank: the stop signal
  // any rank got (a signal may reach one rank only), and rank 0's stop reason (max_time
  // reads its clock).
  absl::StatusOr<std::pair<int, std::string>> AgreeOnStop() const;
  // Forward and backward over the update's batches, gradients summed over the ranks and
  // divided by the update's target tokens, their norm, clipping.
  absl::StatusOr<UpdateRecord> ComputeGradients();
  // Whether rank 0's divergence detector stops the run (before the step, so that
  // checkpoint_last keeps the last good weights); `why` gets rank 0's reason.
  absl::StatusOr<bool> AgreeOnDivergence(const UpdateRecord& update, std::string& why);
  // --precision=fp16, gradients overflowed: no step and no update counted (as fairseq), a
  // smaller loss scale for the next batches.
  void SkipOverflowedUpdate(const UpdateRecord& update);
  // The optimizer step at the schedule's learning rate (recorded in `update`).
  void Step(UpdateRecord& update);
  // Validation, checkpoints and periodic BLEU that fall on this update; `resuming`: only
  // what a process killed after this update's checkpoint_last may have left undone.
  absl::Status RunCadence(bool epoch_ended, bool resuming);
  // --keep_best_checkpoints: this update's weights as checkpoint_best_<update>.pt when `loss`
  // is among the N best validations; the one it displaces is removed.
  absl::Status KeepIfAmongBest(double loss);
  // A stop signal: checkpoint_last at this update, then Interrupted.
  absl::StatusOr<TrainOutcome> Interrupt(int signal);
  // Status "interrupted" and exit 128 + signal, the checkpoint already written.
  absl::StatusOr<TrainOutcome> Interrupted(int signal);
  absl::StatusOr<TrainOutcome> Diverge(const std::string& why);
  absl::StatusOr<TrainOutcome> Finish(const std::string& stop_reason);
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
  EvaluationOptions options = EvaluationOptionsFor(config, device);
  options.cancelled = [] { return PendingStopSignal() != 0; };
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
  saved.initial_loss = detector->initial();
  saved.observed_updates = detector->observed();
  saved.stale_validations = stale_validations;
  saved.best_kept = best_kept;
  saved.log_interval = log->interval();
  saved.config = resolved;
  saved.dataset_id = dataset_id;
  saved.loss_scale = scaler.scale();
  saved.loss_scale_growth_tracker = scaler.growth_tracker();
  return core::SaveCheckpoint(run->File(name), *model, *optimizer, saved);
}

absl::Status Trainer::State::WriteStatus(const std::string& state, const std::string& reason) {
  status.state = state;
  status.exit_reason = reason;
  status.updates = updates;
  status.epoch = UpdateEpoch();
  status.best_valid_loss =
      std::isfinite(best_valid_loss) ? best_valid_loss : std::numeric_limits<double>::quiet_NaN();
  if (detector && detector->observed() > 0) status.initial_loss = detector->initial();
  status.train_time = TrainTime();
  return run ? run->WriteStatus(status) : absl::OkStatus();
}

absl::Status Trainer::State::KeepIfAmongBest(double loss) {
  const size_t keep = static_cast<size_t>(config.keep_best_checkpoints);
  if (keep == 0 || (best_kept.size() >= keep && loss >= best_kept.back().first)) {
    return absl::OkStatus();
  }
  const auto name = [this](int64_t update) {
    return absl::StrCat("checkpoint_best_", update, ".pt");
  };
  best_kept.insert(std::upper_bound(best_kept.begin(), best_kept.end(), std::pair(loss, updates)),
                   {loss, updates});
  RETURN_IF_ERROR(SaveCheckpoint(name(updates)));
  // Removed only once the new file is in place; a missing one (a kill between) is fine.
  while (best_kept.size() > keep) {
    std::error_code error;
    std::filesystem::remove(run->File(name(best_kept.back().second)), error);
    best_kept.pop_back();
  }
  return absl::OkStatus();
}

absl::Status Trainer::State::Validate() {
  // Only rank 0 validates and scores; the others wait at the next collective.
  if (!run) return absl::OkStatus();
  ASSIGN_OR_RETURN(LossResult result, EvaluateLoss(*model, *valid, Evaluation()));
  validated_at = updates;
  const bool best = result.loss < best_valid_loss;
  LOG(INFO) << absl::StrFormat("valid | update %d | loss %.4f | nll %.4f | ppl %.2f%s", updates,
                               result.loss, result.nll, result.perplexity, best ? " | best" : "");
  RETURN_IF_ERROR(run->AppendMetrics(nlohmann::ordered_json{{"type", "valid"},
                                                            {"update", updates},
                                                            {"epoch", UpdateEpoch()},
                                                            {"loss", result.loss},
                                                            {"nll", result.nll},
                                                            {"ppl", result.perplexity}}));
  RETURN_IF_ERROR(KeepIfAmongBest(result.loss));
  if (!best) {
    ++stale_validations;
    return absl::OkStatus();
  }
  stale_validations = 0;
  best_valid_loss = result.loss;
  return SaveCheckpoint("checkpoint_best.pt");
}

std::string Trainer::State::StopReason() const {
  if (config.max_updates > 0 && updates >= config.max_updates) return "max_updates";
  if (config.max_epochs > 0 && batcher->position().epoch > config.max_epochs) return "max_epochs";
  if (config.max_time > 0 && TrainTime() >= config.max_time) return "max_time";
  if (config.patience > 0 && stale_validations >= config.patience) return "patience";
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
  absl::StatusOr<TranslationScores> translated = Translate("valid", *valid);
  if (absl::IsCancelled(translated.status())) {
    // The loop's next stop agreement ends the run; a resume at this update redoes it.
    LOG(INFO) << "periodic BLEU of update " << updates << " stopped by a signal";
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(TranslationScores scores, std::move(translated));
  periodic_bleu_at = updates;
  // Its own type: a resume drops the final "bleu" lines it redoes, never these.
  return run->AppendMetrics(nlohmann::ordered_json{{"type", "valid_bleu"},
                                                   {"update", updates},
                                                   {"bleu", scores.bleu.score},
                                                   {"chrf", scores.chrf.score}});
}

absl::Status Trainer::State::ScoreBleu() {
  // Scores come from the best checkpoint (lowest validation loss), as a paper reports them.
  if (std::filesystem::exists(run->File("checkpoint_best.pt"))) {
    RETURN_IF_ERROR(LoadCheckpointModel(run->File("checkpoint_best.pt"), *model, device));
  }
  for (auto [split, dataset, score] : {std::tuple{"valid", valid.get(), &status.valid_bleu},
                                       std::tuple{"test", test.get(), &status.test_bleu}}) {
    ASSIGN_OR_RETURN(TranslationScores scores, Translate(split, *dataset));
    *score = scores.bleu.score;
    RETURN_IF_ERROR(
        run->AppendMetrics(nlohmann::ordered_json{{"type", "bleu"},
                                                  {"split", split},
                                                  {"update", updates},
                                                  {"bleu", scores.bleu.score},
                                                  {"chrf", scores.chrf.score},
                                                  {"signature", scores.bleu.Signature()}}));
    RETURN_IF_ERROR(
        WriteFileAtomically(run->File(absl::StrCat(split, ".hyp")), JoinLines(scores.hypotheses)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Trainer>> Trainer::Create(const ParsedTrainConfig& parsed) {
  auto s = std::make_unique<State>();
  s->config = parsed.config;
  s->resolved = parsed.resolved;
  s->start_over = parsed.start_over;
  // Before anything touches CUDA (JoinGroup counts the GPUs): cuBLAS reads its workspace
  // setting once.
  if (s->config.deterministic) RequestDeterminism();
  RETURN_IF_ERROR(s->JoinGroup());
  // Data, model and device come first: a mistyped command leaves no run directory behind.
  // More intra-op threads than cores only slow LibTorch down (1,000 turn seconds into minutes);
  // checked here, on the machine that trains, not where a sweep plans the run.
  if (const unsigned cores = std::thread::hardware_concurrency();
      cores > 0 && s->config.threads > static_cast<int64_t>(cores)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--threads = ", s->config.threads, " is more than the ", cores, " cores of this machine"));
  }
  SetIntraOpThreads(s->config.threads);
  ASSIGN_OR_RETURN(Experiment experiment, BuildExperiment(s->config, /*with_eval_splits=*/true));
  RETURN_IF_ERROR(s->ResolveShards(experiment));
  ASSIGN_OR_RETURN(const bool resuming, s->OpenRunDirectory());
  // Only rank 0 initializes (Admin profiles a batch and writes its profile); the weights
  // reach the other ranks in SynchronizeRanks().
  if (!resuming && s->run && !s->config.restore.empty()) {
    RETURN_IF_ERROR(RestoreModel(experiment, ResolveUserPath(s->config.restore)));
    LOG(INFO) << "new run in " << s->run_path << " from the weights of " << s->config.restore;
  } else if (!resuming && s->run) {
    RETURN_IF_ERROR(InitializeModel(experiment, s->config, s->run_path));
    LOG(INFO) << "new run in " << s->run_path << " (--init=" << s->config.init << ")";
  }
  s->TakeExperiment(experiment);
  RETURN_IF_ERROR(s->BuildOptimization(experiment));
  if (resuming) RETURN_IF_ERROR(s->Resume());
  RETURN_IF_ERROR(s->SynchronizeRanks());
  // The other ranks write nothing.
  if (s->run) RETURN_IF_ERROR(s->PrepareRunDirectory(experiment.model_options));
  return std::unique_ptr<Trainer>(new Trainer(std::move(s)));
}

absl::Status Trainer::State::JoinGroup() {
  // A launcher's RANK/WORLD_SIZE (or srun's) make this one rank of a data-parallel run.
  // Joining comes first, so that a rank that fails later ends the others' wait at once.
  ASSIGN_OR_RETURN(const DistributedEnv env, ReadDistributedEnv(std::getenv));
  ASSIGN_OR_RETURN(config.device, SelectDevice(config.device, env, VisibleGpus()));
  ASSIGN_OR_RETURN(const c10::Device device, ParseDevice(config.device));
  // NCCL, and CUDA allocations without an index, use the current device: this rank's.
  if (device.is_cuda()) c10::impl::getDeviceGuardImpl(device.type())->setDevice(device);
  ASSIGN_OR_RETURN(dist, Distributed::Join(env, device));
  return dist->CheckSame("the training flags (all but --device and --threads must be equal)",
                         ConfigFingerprint(resolved));
}

absl::StatusOr<bool> Trainer::State::OpenRunDirectory() {
  run_path = ResolveUserPath(config.run_dir);
  if (dist->is_main()) {
    ASSIGN_OR_RETURN(run, RunDirectory::Open(run_path));
    run_path = run->path();
    log_sink = std::make_unique<FileLogSink>(run->File("train.log"));
    if (start_over) RETURN_IF_ERROR(run->DiscardResults());
    run->RemoveStaleTemporaries();
  }
  // Every rank resumes from rank 0's checkpoint: the run directory must be shared.
  const std::string last = absl::StrCat(run_path, "/checkpoint_last.pt");
  const bool resuming = !start_over && std::filesystem::exists(last);
  RETURN_IF_ERROR(dist->CheckSame(
      absl::StrCat("whether ", last, " exists (--run_dir must be on a filesystem all ranks share)"),
      resuming));
  // A fresh start would overwrite what an earlier run left: never without --start_over.
  if (const std::vector<std::string> results =
          run ? run->EarlierResults() : std::vector<std::string>();
      !resuming && !results.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        run_path, " holds the results of an earlier run (", absl::StrJoin(results, ", "),
        ") but no checkpoint_last.pt to resume from, and a new run would overwrite them. To "
        "resume from the best checkpoint, copy checkpoint_best.pt to checkpoint_last.pt; to "
        "discard them and train anew, add --start_over; or choose another --run_dir"));
  }
  return resuming;
}

void Trainer::State::TakeExperiment(Experiment& experiment) {
  device = experiment.device;
  precision = experiment.precision;
  scaler = LossScaler(LossScalerOptions(), precision == Precision::kFp16);
  train = std::move(experiment.train);
  valid = std::move(experiment.valid);
  test = std::move(experiment.test);
  batcher = std::move(experiment.batcher);
  dataset_id = experiment.dataset_id;
  model = experiment.model;
  parameters = model->parameters();
}

absl::Status Trainer::State::ResolveShards(const Experiment& experiment) {
  ASSIGN_OR_RETURN(shards.threads,
                   ResolveBatchThreads(config.batch_threads, config.threads,
                                       experiment.precision, experiment.device,
                                       std::thread::hardware_concurrency(),
                                       RunsConcurrently(*experiment.model)));
  shards.label_smoothing = config.label_smoothing;
  shards.pad_id = experiment.train->model().pad_id();
  if (shards.threads > 1) SetIntraOpThreads(1);
  return absl::OkStatus();
}

absl::Status Trainer::State::BuildOptimization(const Experiment& experiment) {
  auto created = plugins::Optimizers().Create(config.optimizer, experiment.optimizer_options,
                                              {parameters, config.lr});
  if (!created.ok()) return absl::InvalidArgumentError(created.status().message());
  optimizer = *std::move(created);
  auto scheduled = plugins::LrSchedules().Create(config.lr_scheduler, experiment.schedule_options,
                                                 {config.lr, config.max_updates});
  if (!scheduled.ok()) return absl::InvalidArgumentError(scheduled.status().message());
  schedule = *std::move(scheduled);
  schedule_options = experiment.schedule_options;
  detector =
      std::make_unique<DivergenceDetector>(config.divergence_ratio, config.divergence_warmup);
  TrainingLogOptions log_options;
  log_options.terminal = isatty(STDERR_FILENO) != 0;
  log_options.log_interval = config.log_interval;
  log_options.max_updates = config.max_updates;
  log = std::make_unique<TrainingLog>(log_options, run.get());
  return absl::OkStatus();
}

absl::Status Trainer::State::Resume() {
  const std::string last = absl::StrCat(run_path, "/checkpoint_last.pt");
  absl::StatusOr<CheckpointState> saved = ReadCheckpointState(last);
  if (saved.ok()) UpgradeSavedConfig(saved->config);
  if (!saved.ok()) {
    return absl::DataLossError(absl::StrCat(
        saved.status().message(),
        "; checkpoint_best.pt and checkpoint_<update>.pt (if any) are kept: copy one to "
        "checkpoint_last.pt to resume from it, or use another --run_dir"));
  }
  const std::vector<std::string> differing = IncompatibleKeys(saved->config, resolved);
  if (!differing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        last, " was written by a run with other settings: ", absl::StrJoin(differing, "; "),
        ". Resume with the same settings, or choose another --run_dir"));
  }
  if (!saved->dataset_id.empty() && saved->dataset_id != dataset_id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the dataset in ",
        saved->config["data_dir"].empty() ? "the default data directory"
                                          : saved->config["data_dir"],
        " is not the one this run started on (its manifest.json differs: rebuilt since?). "
        "Resume on the original dataset, or start a new run (--start_over or another "
        "--run_dir)"));
  }
  RETURN_IF_ERROR(CheckScheduleUnchanged(saved->config));
  ASSIGN_OR_RETURN(saved, LoadCheckpoint(last, *model, *optimizer, device));
  for (const std::string& skipped : saved->skipped_generators) {
    LOG(WARNING) << "random generator not restored: " << skipped;
  }
  updates = saved->updates;
  previous_train_time = saved->train_time;
  best_valid_loss = saved->best_valid_loss;
  stale_validations = saved->stale_validations;
  best_kept = saved->best_kept;
  detector->Restore(saved->fast_loss, saved->slow_loss, saved->initial_loss,
                    saved->observed_updates);
  log->Restore(saved->log_interval);
  scaler.Restore(saved->loss_scale, saved->loss_scale_growth_tracker);
  RETURN_IF_ERROR(batcher->Restore(saved->data_position));
  LOG(INFO) << "resuming " << run_path << " at update " << updates << ", "
            << saved->data_position.ToString();
  return absl::OkStatus();
}

absl::Status Trainer::State::CheckScheduleUnchanged(
    const std::map<std::string, std::string>& saved_config) {
  const auto saved = saved_config.find("max_updates");
  int64_t saved_max_updates = 0;
  if (saved == saved_config.end() || !absl::SimpleAtoi(saved->second, &saved_max_updates) ||
      saved_max_updates == config.max_updates) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<plugins::LrSchedule> before,
                   plugins::LrSchedules().Create(config.lr_scheduler, schedule_options,
                                                 {config.lr, saved_max_updates}));
  // A stop condition may change on resume, unless the schedule is shaped by it (cosine,
  // linear and poly decay over --max_updates): the rates ahead must stay those of the run.
  const int64_t horizon = std::max(saved_max_updates, config.max_updates);
  for (int64_t update = updates; update < horizon; ++update) {
    const double was = before->LearningRate(update);
    const double now = schedule->LearningRate(update);
    if (was == now) continue;
    return absl::InvalidArgumentError(absl::StrFormat(
        "--max_updates = %d changes the learning rates of --lr_scheduler=%s, which this run "
        "started with --max_updates = %d (update %d: lr %.6g, not %.6g). Resume with "
        "--max_updates=%d, or start a new run (--start_over or another --run_dir)",
        config.max_updates, config.lr_scheduler, saved_max_updates, update, now, was,
        saved_max_updates));
  }
  return absl::OkStatus();
}

absl::Status Trainer::State::SynchronizeRanks() {
  if (dist->world_size() == 1) return absl::OkStatus();
  std::vector<at::Tensor> weights = model->parameters();
  for (const at::Tensor& buffer : model->buffers()) weights.push_back(buffer);
  RETURN_IF_ERROR(dist->Broadcast(weights));
  // Each rank its own dropout stream (rank 0 keeps the single-process one).
  if (!dist->is_main()) {
    at::manual_seed(MixSeed(MixSeed(static_cast<uint64_t>(config.seed), dist->rank()),
                            static_cast<uint64_t>(updates)));
  }
  return absl::OkStatus();
}

absl::Status Trainer::State::PrepareRunDirectory(const ModelOptions& model_options) {
  // A fresh start or a resume redoes every update after the checkpoint: drop their lines.
  RETURN_IF_ERROR(run->TruncateMetricsAfter(updates));
  if (updates > 0) {
    ASSIGN_OR_RETURN(const MetricsAtResume logged,
                     PrepareMetricsForResume(run->File("metrics.jsonl"), updates));
    if (logged.validated) validated_at = updates;
    if (logged.scored_bleu) periodic_bleu_at = updates;
  }
  RETURN_IF_ERROR(WriteFileAtomically(run->File("config.ini"), FormatConfigIni(resolved)));
  int64_t parameter_count = 0;
  for (const at::Tensor& p : parameters) parameter_count += p.numel();
  LOG(INFO) << absl::StrFormat(
      "model: %d+%d layers, d=%d, %s/%s residuals, %.2fM parameters; %d training pairs; "
      "device %s, %d threads, %d batch threads, %s%s%s",
      model_options.encoder_layers, model_options.decoder_layers, model_options.embed_dim,
      model_options.encoder_residual, model_options.decoder_residual, parameter_count / 1e6,
      train->examples().size(), device.str(), at::get_num_threads(), shards.threads,
      PrecisionName(precision),
      config.deterministic ? ", deterministic kernels" : "",
      dist->world_size() > 1
          ? absl::StrFormat("; %d data-parallel ranks (%s), %d batches per update",
                            dist->world_size(), dist->backend(),
                            config.update_freq * dist->world_size())
          : "");
  return WriteStatus("running", "");
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
  ASSIGN_OR_RETURN(const std::vector<int64_t> agreed,
                   dist->Max({PendingStopSignal(), code}, "stop flags"));
  return std::pair<int, std::string>(static_cast<int>(agreed[0]), kStopReasons[agreed[1]]);
}

absl::StatusOr<TrainOutcome> Trainer::State::Train() {
  InstallStopSignalHandlers();
  session_start = Clock::now();
  log->StartSession();
  // A process killed after checkpoint_last of update U but before the rest of U's cadence
  // (a kept checkpoint, periodic BLEU) left it undone: the resumed weights are U's, so do it.
  if (updates > 0) RETURN_IF_ERROR(RunCadence(/*epoch_ended=*/false, /*resuming=*/true));
  while (true) {
    ASSIGN_OR_RETURN(const auto stop, AgreeOnStop());
    const auto& [signal, stop_reason] = stop;
    if (!stop_reason.empty()) return Finish(stop_reason);
    if (signal != 0) return Interrupt(signal);

    const Clock::time_point update_start = Clock::now();
    ASSIGN_OR_RETURN(UpdateRecord update, ComputeGradients());
    if (update.overflow) {
      SkipOverflowedUpdate(update);
      if (scaler.exhausted()) {
        return Diverge(absl::StrFormat(
            "fp16 gradients overflow at every loss scale (down to %g)", scaler.scale()));
      }
      continue;
    }
    update.epoch_ended |= std::exchange(epoch_end_pending, false);
    std::string why;
    ASSIGN_OR_RETURN(const bool diverged, AgreeOnDivergence(update, why));
    if (diverged) return Diverge(why);
    Step(update);
    scaler.Update(/*found_inf=*/false);
    update.seconds = SecondsSince(update_start);
    ++updates;

    RETURN_IF_ERROR(log->Record(update, updates, UpdateEpoch(), TrainTime()));
    RETURN_IF_ERROR(RunCadence(update.epoch_ended, /*resuming=*/false));
  }
}

absl::StatusOr<UpdateRecord> Trainer::State::ComputeGradients() {
  // update_freq batches per rank (fewer at an epoch's end), gradients summed over batches and
  // ranks, then divided by the update's target tokens as fairseq does.
  model->train();
  optimizer->zero_grad();
  UpdateRecord update;
  const UpdateBatches batches =
      batcher->NextUpdate(config.update_freq, dist->rank(), dist->world_size());
  update.epoch_ended = batches.epoch_ended;
  for (const Batch& next : batches.batches) {
    const BatchLoss loss = ForwardBackward(*model, ToTensors(next, device), parameters, shards,
                                           precision, device, scaler);
    update.loss_sum += loss.loss_sum;
    update.nll_sum += loss.nll_sum;
    update.tokens += loss.tokens;
  }
  if (dist->world_size() > 1) {
    ASSIGN_OR_RETURN(const std::vector<double> sums, dist->Sum({update.loss_sum, update.nll_sum,
                                                                static_cast<double>(update.tokens)},
                                                               "losses and tokens"));
    update.loss_sum = sums[0];
    update.nll_sum = sums[1];
    update.tokens = static_cast<int64_t>(sums[2]);
    RETURN_IF_ERROR(dist->AllReduceGradients(parameters));
  }
  // fp16: back to true gradients before their norm and clipping; the sum over the ranks is
  // the same on every rank, and so is the verdict.
  update.overflow = !scaler.Unscale(parameters);
  for (at::Tensor& p : parameters) {
    if (p.grad().defined()) p.grad().div_(static_cast<double>(update.tokens));
  }
  update.grad_norm = torch::nn::utils::clip_grad_norm_(
      parameters,
      config.clip_norm > 0 ? config.clip_norm : std::numeric_limits<double>::infinity());
  return update;
}

absl::StatusOr<bool> Trainer::State::AgreeOnDivergence(const UpdateRecord& update,
                                                       std::string& why) {
  // Every rank follows rank 0's detector (the others contribute 0 to the maximum).
  why = detector->Observe(update.loss(), update.grad_norm);
  ASSIGN_OR_RETURN(const std::vector<int64_t> diverged,
                   dist->Max({dist->is_main() && !why.empty()}, "divergence flags"));
  return diverged[0] != 0;
}

void Trainer::State::SkipOverflowedUpdate(const UpdateRecord& update) {
  const double scale = scaler.scale();
  scaler.Update(/*found_inf=*/true);
  epoch_end_pending |= update.epoch_ended;
  LOG(INFO) << absl::StrFormat(
      "fp16 gradient overflow after update %d at loss scale %g: update skipped, scale now %g",
      updates, scale, scaler.scale());
}

void Trainer::State::Step(UpdateRecord& update) {
  update.lr = schedule->LearningRate(updates);
  for (auto& group : optimizer->param_groups()) group.options().set_lr(update.lr);
  optimizer->step();
}

absl::Status Trainer::State::RunCadence(bool epoch_ended, bool resuming) {
  const auto every = [this](int64_t interval) { return interval > 0 && updates % interval == 0; };
  // Resuming at a checkpoint: its validation and checkpoint_last were done before it.
  if (!resuming) {
    const bool validate =
        config.validate_interval > 0 ? every(config.validate_interval) : epoch_ended;
    if (validate) RETURN_IF_ERROR(Validate());
    if (every(config.save_interval) || epoch_ended) {
      RETURN_IF_ERROR(SaveCheckpoint("checkpoint_last.pt"));
      RETURN_IF_ERROR(WriteStatus("running", ""));
    }
  }
  const std::string kept = absl::StrCat("checkpoint_", updates, ".pt");
  if (every(config.keep_interval) &&
      !(run && resuming && std::filesystem::exists(run->File(kept)))) {
    RETURN_IF_ERROR(SaveCheckpoint(kept));
    if (run && config.keep_last_checkpoints > 0) {
      RETURN_IF_ERROR(run->KeepLastUpdateCheckpoints(config.keep_last_checkpoints));
    }
  }
  if (every(config.bleu_interval) && periodic_bleu_at != updates) {
    RETURN_IF_ERROR(ScorePeriodicBleu());
  }
  return absl::OkStatus();
}

absl::StatusOr<TrainOutcome> Trainer::State::Interrupt(int signal) {
  RETURN_IF_ERROR(SaveCheckpoint("checkpoint_last.pt"));
  LOG(INFO) << StopSignalName(signal) << ": checkpoint written at update " << updates
            << "; exiting";
  return Interrupted(signal);
}

absl::StatusOr<TrainOutcome> Trainer::State::Interrupted(int signal) {
  RETURN_IF_ERROR(WriteStatus("interrupted", StopSignalName(signal)));
  return TrainOutcome{signal == SIGTERM ? kExitTerminated : kExitInterrupted, status, run_path};
}

absl::StatusOr<TrainOutcome> Trainer::State::Diverge(const std::string& why) {
  LOG(WARNING) << "diverged at update " << updates + 1 << ": "
               << (why.empty() ? "rank 0's detector" : why);
  RETURN_IF_ERROR(WriteStatus("diverged", why));
  return TrainOutcome{kExitDiverged, status, run_path};
}

absl::StatusOr<TrainOutcome> Trainer::State::Finish(const std::string& stop_reason) {
  log->EndProgressLine();
  LOG(INFO) << "stopping at update " << updates << ": " << stop_reason;
  // Rank 0 validates and scores alone.
  if (run) {
    if (validated_at != updates) RETURN_IF_ERROR(Validate());
    RETURN_IF_ERROR(SaveCheckpoint("checkpoint_last.pt"));
    const absl::Status scored = ScoreBleu();
    if (absl::IsCancelled(scored)) {
      // The checkpoint is written: the same command resumes here and scores again.
      LOG(INFO) << StopSignalName(PendingStopSignal()) << " during the final BLEU; exiting";
      return Interrupted(PendingStopSignal());
    }
    RETURN_IF_ERROR(scored);
  }
  RETURN_IF_ERROR(WriteStatus("done", stop_reason));
  return TrainOutcome{kExitDone, status, run_path};
}

}  // namespace core
