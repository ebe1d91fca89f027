// SIGTERM and SIGINT as a request to stop at the next safe point, not an abrupt death:
// the trainer finishes its update, writes a checkpoint and exits with 128 + signal
// (143, 130), which cluster schedulers read as "preempted, requeue me".
//
//   InstallStopSignalHandlers();
//   while (...) { if (int signal = PendingStopSignal()) return Checkpoint(signal); ... }
#ifndef CORE_TRAIN_STOP_SIGNAL_H_
#define CORE_TRAIN_STOP_SIGNAL_H_

namespace core {

// Routes SIGTERM and SIGINT to a flag. A second signal of the same kind while the first
// is pending kills the process as usual (for a user who really wants it gone).
void InstallStopSignalHandlers();

// The signal received since installation (SIGTERM or SIGINT), or 0.
int PendingStopSignal();

// "SIGTERM" or "SIGINT" (what status.json and the log call a stop signal).
const char* StopSignalName(int signal);

}  // namespace core

#endif  // CORE_TRAIN_STOP_SIGNAL_H_
