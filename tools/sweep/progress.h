// The live overview of a sweep: how many cells are done, running, pending, diverged or
// failed, and when the rest should finish.
//
//   SweepProgress progress(runs, /*jobs=*/2);
//   progress.Started("cell-a");
//   progress.Ended("cell-a", "done", /*seconds=*/41.5);
//   std::cerr << progress.Line() << "\n";
//   // sweep: 1/4 finished (1 done, 0 diverged), 0 running, 3 pending, 0 failed; ETA 2m05s
#ifndef TOOLS_SWEEP_PROGRESS_H_
#define TOOLS_SWEEP_PROGRESS_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tools/sweep/executor.h"

namespace tools::sweep {

class SweepProgress {
 public:
  // Cells finished before this session count as finished; the rest as pending.
  SweepProgress(const std::vector<CellRun>& runs, int jobs);

  void Started(const std::string& name);
  // `state` as status.json says: done, diverged, failed, interrupted. `seconds`: how long
  // this session's run of the cell took (the ETA's measure).
  void Ended(const std::string& name, const std::string& state, double seconds);

  // One line; the ETA appears once a cell has finished in this session: the mean time of
  // the cells finished so far for each pending cell and for what running cells have left,
  // shared among the jobs.
  std::string Line() const;
  int Count(const std::string& state) const;

 private:
  std::map<std::string, std::string> state_;
  // When each running cell started.
  std::map<std::string, std::chrono::steady_clock::time_point> started_;
  int jobs_;
  double finished_seconds_ = 0;
  int finished_in_session_ = 0;
};

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_PROGRESS_H_
