#include "tools/sweep/local_executor.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/train/stop_signal.h"
#include "core/util/directory_lock.h"
#include "tools/sweep/progress.h"
#include "tools/sweep/run_record.h"

extern char** environ;

namespace tools::sweep {
namespace {

using Clock = std::chrono::steady_clock;

// Exit codes of `train` (core/train/trainer.h) that are not crashes.
constexpr int kTrainDone = 0;
constexpr int kTrainUsage = 2;
constexpr int kTrainDiverged = 3;
constexpr int kTrainInterrupted = 130;
constexpr int kTrainTerminated = 143;

struct RunningCell {
  size_t run = 0;
  int slot = 0;
  Clock::time_point start;
};

// Starts `binary args...` in its own process group (so a terminal's Ctrl-C reaches only
// the sweep, which forwards it exactly once), output appended to `log_path`, dying with
// SIGTERM when the sweep dies. Everything the child needs is built before fork().
absl::StatusOr<pid_t> Spawn(const std::string& binary, const std::vector<std::string>& args,
                            const std::vector<std::string>& extra_env,
                            const std::string& log_path) {
  std::vector<std::string> argv_text = {binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const bool overridden = std::any_of(extra_env.begin(), extra_env.end(), [&](const auto& e) {
      return absl::StartsWith(*entry, e.substr(0, e.find('=') + 1));
    });
    if (!overridden) env_text.push_back(*entry);
  }
  env_text.insert(env_text.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (std::string& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);

  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot open ", log_path, ": ", std::strerror(errno)));
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return absl::ResourceExhaustedError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the sweep died before prctl
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(binary.c_str(), argv.data(), envp.data());
    const char message[] = "sweep: cannot execute the train binary\n";
    (void)!::write(STDERR_FILENO, message, sizeof(message) - 1);
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

// Cells whose run directory a live process holds (a trainer of a stopped sweep finishing its
// update, or one started elsewhere): a trainer started there would exit "in use" and use up
// its retries, so the cell waits, up to `wait_s` seconds, then is left to that process.
class HeldCells {
 public:
  enum class Verdict { kFree, kWait, kLeft };

  HeldCells(double wait_s, std::ostream& log) : wait_(wait_s), log_(log) {}

  Verdict Check(size_t index, const CellRun& run) {
    // A free lock taken here is released at once.
    if (!absl::IsFailedPrecondition(core::DirectoryLock::Acquire(run.run_dir).status())) {
      return Verdict::kFree;
    }
    const auto [since, first] = since_.emplace(index, Clock::now());
    if (first) {
      log_ << "sweep: " << run.name << "'s run directory is held by a live process (a stopped "
           << "sweep's trainer finishing its update?); waiting up to " << wait_.count() << " s\n";
    }
    if (Clock::now() - since->second < wait_) return Verdict::kWait;
    log_ << "sweep: " << run.name << " is still held: left to that process, not run\n";
    return Verdict::kLeft;
  }

 private:
  std::chrono::duration<double> wait_;
  std::ostream& log_;
  std::map<size_t, Clock::time_point> since_;
};

int ExitCode(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

}  // namespace

absl::StatusOr<ExecutionSummary> LocalExecutor::Execute(const std::vector<CellRun>& runs) {
  const int jobs = std::max(1, options_.jobs);
  std::ostream& log = *options_.log;
  SweepProgress progress(runs, jobs);
  ExecutionSummary summary;

  std::deque<size_t> queue;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!IsFinished(runs[i].state)) queue.push_back(i);
  }
  log << progress.Line() << "\n";
  if (queue.empty()) return summary;

  core::InstallStopSignalHandlers();
  std::map<pid_t, RunningCell> running;
  std::vector<bool> slot_busy(jobs, false);
  std::map<size_t, int> attempts;
  HeldCells held_cells(options_.held_wait_s, log);
  Clock::time_point last_overview = Clock::now();
  while (!running.empty() || (!queue.empty() && summary.stop_signal == 0)) {
    if (const int signal = core::PendingStopSignal(); signal != 0 && summary.stop_signal == 0) {
      summary.stop_signal = signal;
      log << "sweep: " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
          << ": no new runs; stopping the " << running.size()
          << " running trainers (they write a checkpoint; run the same command to resume)\n";
      for (const auto& [pid, cell] : running) ::kill(pid, signal);
    }
    std::deque<size_t> held;  // back into the queue after this round of starts
    while (summary.stop_signal == 0 && static_cast<int>(running.size()) < jobs && !queue.empty()) {
      const size_t run_index = queue.front();
      queue.pop_front();
      const CellRun& run = runs[run_index];
      if (const HeldCells::Verdict verdict = held_cells.Check(run_index, run);
          verdict != HeldCells::Verdict::kFree) {
        if (verdict == HeldCells::Verdict::kWait) held.push_back(run_index);
        if (verdict == HeldCells::Verdict::kLeft) ++summary.held;
        continue;
      }
      const int slot = static_cast<int>(std::find(slot_busy.begin(), slot_busy.end(), false) -
                                        slot_busy.begin());
      std::vector<std::string> env;
      if (!options_.gpus.empty()) {
        env.push_back(
            absl::StrCat("CUDA_VISIBLE_DEVICES=", options_.gpus[slot % options_.gpus.size()]));
      }
      absl::StatusOr<pid_t> pid =
          Spawn(options_.train_binary, run.args, env, absl::StrCat(run.run_dir, "/console.log"));
      if (!pid.ok()) return pid.status();
      slot_busy[slot] = true;
      running[*pid] = {run_index, slot, Clock::now()};
      progress.Started(run.name);
      log << "sweep: started " << run.name << (env.empty() ? "" : absl::StrCat(" (", env[0], ")"))
          << "\n";
    }
    queue.insert(queue.end(), held.begin(), held.end());

    int wait_status = 0;
    const pid_t pid = ::waitpid(-1, &wait_status, WNOHANG);
    if (pid <= 0) {
      if (pid < 0 && errno != EINTR && errno != ECHILD) {
        return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
      }
      if (Clock::now() - last_overview >
          std::chrono::duration<double>(options_.overview_interval_s)) {
        log << progress.Line() << "\n";
        last_overview = Clock::now();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    auto ended = running.find(pid);
    if (ended == running.end()) continue;
    const RunningCell cell = ended->second;
    running.erase(ended);
    slot_busy[cell.slot] = false;
    const CellRun& run = runs[cell.run];
    const int code = ExitCode(wait_status);
    const double seconds = std::chrono::duration<double>(Clock::now() - cell.start).count();
    std::string state = ReadRunState(run.run_dir);
    if (code == kTrainDone && state == "done") {
      ++summary.done;
    } else if (code == kTrainDiverged && state == "diverged") {
      ++summary.diverged;
    } else if ((code == kTrainInterrupted || code == kTrainTerminated) &&
               summary.stop_signal != 0) {
      state = "interrupted";
    } else if (code != kTrainUsage && summary.stop_signal == 0 &&
               ++attempts[cell.run] <= options_.max_retries) {
      log << "sweep: " << run.name << " crashed (exit " << code << ", see " << run.run_dir
          << "/console.log); retry " << attempts[cell.run] << " of " << options_.max_retries
          << "\n";
      queue.push_front(cell.run);
      progress.Ended(run.name, "pending", seconds);
      continue;
    } else {
      state = "failed";
      ++summary.failed;
      log << "sweep: " << run.name << " failed (exit " << code << "); see " << run.run_dir
          << "/console.log\n";
    }
    progress.Ended(run.name, state, seconds);
    log << absl::StrFormat("sweep: %s %s after %.1f s\n", run.name, state, seconds)
        << progress.Line() << "\n";
    last_overview = Clock::now();
  }
  return summary;
}

}  // namespace tools::sweep
