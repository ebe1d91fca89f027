// The training run: model, initializer, optimizer, schedule and data in one loop that a
// researcher can stop, resume and compare (README "Training").
//
//   absl::StatusOr<ParsedTrainConfig> parsed = ParseTrainConfig(args);
//   absl::StatusOr<std::unique_ptr<Trainer>> trainer = Trainer::Create(*parsed);
//   absl::StatusOr<TrainOutcome> outcome = (*trainer)->Run();
//   return outcome->exit_code;   // 0 done, 3 diverged, 130/143 interrupted
//
// Create() resumes from <run_dir>/checkpoint_last.pt when it exists (same command, same
// run), and otherwise seeds everything and runs the initializer. Run() trains until a stop
// condition, a signal or divergence, then validates, and scores BLEU on valid and test
// with the best checkpoint.
#ifndef CORE_TRAIN_TRAINER_H_
#define CORE_TRAIN_TRAINER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "core/train/run_directory.h"
#include "core/train/train_config.h"

namespace core {

// Exit codes of `train` (documented in the README).
inline constexpr int kExitDone = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitDiverged = 3;
inline constexpr int kExitInterrupted = 130;  // SIGINT
inline constexpr int kExitTerminated = 143;   // SIGTERM

struct TrainOutcome {
  int exit_code = kExitDone;
  RunStatus status;
  // Where the run's files are.
  std::string run_dir;
};

class Trainer {
 public:
  // Builds everything, or explains what is wrong (missing dataset, locked run directory,
  // checkpoint incompatible with the flags, no CUDA, ...). InvalidArgument means a
  // configuration error (exit code 2).
  static absl::StatusOr<std::unique_ptr<Trainer>> Create(const ParsedTrainConfig& parsed);
  ~Trainer();

  absl::StatusOr<TrainOutcome> Run();

 private:
  struct State;
  explicit Trainer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace core

#endif  // CORE_TRAIN_TRAINER_H_
