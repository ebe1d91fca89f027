// A run directory: one training run's files, owned by one live trainer at a time.
//
//   <run_dir>/config.ini          the resolved configuration
//   <run_dir>/train.log           the log
//   <run_dir>/metrics.jsonl       one JSON object per logged update / validation / score
//   <run_dir>/status.json         state, progress, best and final scores, exit reason
//   <run_dir>/checkpoint_*.pt     checkpoints (core/train/checkpoint.h)
//   <run_dir>/profile.ratio.init  the Admin profile, when --init=admin
//
//   absl::StatusOr<std::unique_ptr<RunDirectory>> run = RunDirectory::Open("runs/x");
//   (*run)->AppendMetrics(nlohmann::ordered_json{{"type", "train"}, {"update", 1}});
#ifndef CORE_TRAIN_RUN_DIRECTORY_H_
#define CORE_TRAIN_RUN_DIRECTORY_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/util/directory_lock.h"

namespace core {

// What status.json says about a run.
struct RunStatus {
  // "running", "done", "diverged", "interrupted" or "failed".
  std::string state = "running";
  int64_t updates = 0;
  int64_t epoch = 1;
  // NaN until known.
  double best_valid_loss = std::numeric_limits<double>::quiet_NaN();
  // The loss of the first training batch, before any update: where the model starts (sweeps
  // cap a diverged run's loss at it when they compare learning rates).
  double initial_loss = std::numeric_limits<double>::quiet_NaN();
  double valid_bleu = std::numeric_limits<double>::quiet_NaN();
  double test_bleu = std::numeric_limits<double>::quiet_NaN();
  // Seconds the run has taken over all its sessions (training, validation, scoring);
  // status.json calls it wall_time.
  double train_time = 0;
  // Why the run stopped ("max_updates", "loss is NaN", "SIGTERM", ...); "" while running.
  std::string exit_reason;
};

class RunDirectory {
 public:
  // Creates `path` if needed and locks it. FailedPrecondition when another live process
  // holds the lock (the lock dies with its process, so kill -9 never leaves it stale).
  static absl::StatusOr<std::unique_ptr<RunDirectory>> Open(const std::string& path);
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  const std::string& path() const { return path_; }
  // <path>/<name>.
  std::string File(absl::string_view name) const;

  // Writes status.json atomically.
  absl::Status WriteStatus(const RunStatus& status) const;
  // Appends one line to metrics.jsonl (flushed: a killed run loses no logged line).
  absl::Status AppendMetrics(const nlohmann::ordered_json& line) const;
  // Drops metrics lines whose "update" exceeds `update` (a resumed run redoes them) and a
  // torn last line (no '\n'); any other line that is not a metrics object is a DataLoss error
  // naming metrics.jsonl:<line>, and the file is left as it is.
  absl::Status TruncateMetricsAfter(int64_t update) const;

  // What an earlier run left here that a fresh start would overwrite: its best and kept
  // checkpoints and a final status ("status.json (done)"). Empty when there is nothing of
  // value (e.g. a run killed before its first checkpoint).
  std::vector<std::string> EarlierResults() const;
  // Removes what a run writes but its log (train.log keeps the history) and config.ini
  // (rewritten): checkpoints, metrics, status, translations, the Admin profile.
  absl::Status DiscardResults() const;
  // Removes the kept checkpoints (checkpoint_<update>.pt) but the `keep` of the latest updates;
  // called after the newest is in place.
  absl::Status KeepLastUpdateCheckpoints(int64_t keep) const;
  // Removes the temporaries that writes of a killed process left (checkpoints: NAME.tmp;
  // other files: NAME.tmp-PID); the lock guarantees no writer is alive.
  void RemoveStaleTemporaries() const;

 private:
  // The names of the directory's entries.
  std::vector<std::string> EntryNames() const;

  RunDirectory(std::string path, DirectoryLock lock)
      : path_(std::move(path)), lock_(std::move(lock)) {}
  std::string path_;
  DirectoryLock lock_;
};

// The kept checkpoints (checkpoint_<update>.pt) in `dir`: (update, path), oldest first.
std::vector<std::pair<int64_t, std::string>> KeptCheckpoints(const std::string& dir);

}  // namespace core

#endif  // CORE_TRAIN_RUN_DIRECTORY_H_
