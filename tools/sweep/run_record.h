// What a sweep knows about one cell, read back from its run directory alone: the cell's
// identity (cell.json, written by the sweep), the trainer's status.json and metrics.jsonl.
// `sweep --collect` rebuilds every result file from these records.
//
//   absl::StatusOr<RunRecord> record = ReadRunRecord("runs/sweeps/x/arch-postln.1a2b3c4d");
//   if (record->state == "done") Use(record->test_bleu, record->valid_curve);
#ifndef TOOLS_SWEEP_RUN_RECORD_H_
#define TOOLS_SWEEP_RUN_RECORD_H_

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/sweep/cell.h"

namespace tools::sweep {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

// One point of a training or validation curve.
struct CurvePoint {
  int64_t update = 0;
  double loss = 0;
  // Training points only (NaN on validation points): the learning rate and the gradient norm
  // before clipping.
  double lr = kUnknown;
  double grad_norm = kUnknown;
};

struct RunRecord {
  std::string name;
  size_t index = 0;
  std::string hash;
  std::vector<std::pair<std::string, std::string>> axes;
  // status.json's state ("done", "diverged", "interrupted", "failed", "running"), or
  // "pending" when the trainer has not started; "failed" also when status.json says
  // "running" but no live trainer holds the run directory; "damaged" when status.json or
  // metrics.jsonl cannot be read (exit_reason says why; a torn last line is skipped).
  std::string state = "pending";
  std::string exit_reason;
  int64_t updates = 0;
  double best_valid_loss = kUnknown;
  // The last validation's loss: where the run ended.
  double last_valid_loss = kUnknown;
  // The loss of the first training batch, before any update (status.json).
  double initial_loss = kUnknown;
  // exp of the lowest validation nll.
  double best_valid_ppl = kUnknown;
  // exp of the last validation's nll: far above best_valid_ppl when a run fell apart after
  // its best point without tripping the divergence test.
  double last_valid_ppl = kUnknown;
  double valid_bleu = kUnknown;
  double test_bleu = kUnknown;
  // Seconds over all of the run's sessions.
  double wall_time = kUnknown;
  // Mean training throughput (target tokens per second) over the logged intervals.
  double tokens_per_s = kUnknown;
  std::vector<CurvePoint> train_curve;
  std::vector<CurvePoint> valid_curve;
};

// The final loss as learning-rate sweeps compare it (Wortsman et al. 2023): the last
// validation loss, capped at the initial loss; a diverged run counts as its initial loss.
// Unknown for a run that has not finished, or without the numbers it needs.
double CappedFinalLoss(const RunRecord& record);

// <run_dir>/cell.json: the cell's name, index, hash, axes and flags.
absl::Status WriteCellFile(const std::string& run_dir, const Cell& cell);

// Reads cell.json, then status.json and metrics.jsonl when present. NotFound when the
// directory has no cell.json (not a sweep cell).
absl::StatusOr<RunRecord> ReadRunRecord(const std::string& run_dir);

// Only the state, as RunRecord::state.
std::string ReadRunState(const std::string& run_dir);

// Every cell directory directly under `sweep_dir`, in cell order.
absl::StatusOr<std::vector<RunRecord>> CollectRunRecords(const std::string& sweep_dir);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_RUN_RECORD_H_
