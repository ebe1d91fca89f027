#include "tools/sweep/progress.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tools::sweep {

SweepProgress::SweepProgress(const std::vector<CellRun>& runs, int jobs) : jobs_(jobs) {
  for (const CellRun& run : runs) state_[run.name] = IsFinished(run.state) ? run.state : "pending";
}

void SweepProgress::Started(const std::string& name) {
  state_[name] = "running";
  started_[name] = std::chrono::steady_clock::now();
}

void SweepProgress::Ended(const std::string& name, const std::string& state, double seconds) {
  // An interrupted cell runs again next time: pending, as far as this sweep knows.
  state_[name] = state == "interrupted" ? "pending" : state;
  started_.erase(name);
  if (IsFinished(state)) {
    finished_seconds_ += seconds;
    ++finished_in_session_;
  }
}

int SweepProgress::Count(const std::string& state) const {
  return static_cast<int>(std::count_if(state_.begin(), state_.end(),
                                        [&](const auto& entry) { return entry.second == state; }));
}

std::string SweepProgress::Line() const {
  const int done = Count("done"), diverged = Count("diverged"), running = Count("running");
  const int pending = Count("pending");
  std::string line = absl::StrFormat(
      "sweep: %d/%d finished (%d done, %d diverged), %d running, %d pending, %d failed",
      done + diverged, state_.size(), done, diverged, running, pending, Count("failed"));
  if (finished_in_session_ > 0 && running + pending > 0) {
    const double mean = finished_seconds_ / finished_in_session_;
    double remaining = pending * mean;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& [name, start] : started_) {
      remaining += std::max(0.0, mean - std::chrono::duration<double>(now - start).count());
    }
    const int seconds = static_cast<int>(std::ceil(remaining / std::max(1, jobs_)));
    absl::StrAppend(&line, absl::StrFormat("; ETA %dm%02ds", seconds / 60, seconds % 60));
  }
  return line;
}

}  // namespace tools::sweep
