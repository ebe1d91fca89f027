#include "core/train/stop_signal.h"

#include <csignal>

namespace core {
namespace {

volatile std::sig_atomic_t pending_signal = 0;

void OnStopSignal(int signal) {
  if (pending_signal == signal) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  pending_signal = signal;
}

}  // namespace

void InstallStopSignalHandlers() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

int PendingStopSignal() { return pending_signal; }

const char* StopSignalName(int signal) { return signal == SIGTERM ? "SIGTERM" : "SIGINT"; }

}  // namespace core
