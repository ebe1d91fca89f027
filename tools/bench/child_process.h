// Child processes of the bench: one measurement per process, so that each reports its own
// peak memory (getrusage of the child) and none inherits another's allocator or thread
// state. A child prints `key=value` lines on stdout; its stderr goes to a log file.
//
//   absl::StatusOr<ChildResult> child =
//       RunChild({"/usr/bin/python3", "bench/step_reference.py"}, {"OMP_WAIT_POLICY=PASSIVE"},
//                "/tmp/bench/python.log");
//   KeyValues values = ParseKeyValues(child->output);
//   absl::StatusOr<std::vector<double>> seconds = Numbers(values, "step_seconds");
#ifndef TOOLS_BENCH_CHILD_PROCESS_H_
#define TOOLS_BENCH_CHILD_PROCESS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tools::bench {

struct ChildResult {
  // The exit status, or 128 + the signal that killed it.
  int exit_code = 0;
  // Everything it printed on stdout.
  std::string output;
  // Its peak resident set (ru_maxrss), in bytes.
  int64_t peak_rss_bytes = 0;
  double wall_seconds = 0;
};

// Runs argv[0] (a path) with `argv`, this process's environment plus `extra_env`
// ("NAME=value", replacing a variable of the same name), stderr appended to `log_path`.
// Errors only when it cannot be started; a failing child is a result with its exit code.
absl::StatusOr<ChildResult> RunChild(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& extra_env,
                                     const std::string& log_path);

// The last `max_bytes` of a file (a child's log, for error messages); "" when unreadable.
std::string FileTail(const std::string& path, int64_t max_bytes);

// `key=value` lines; other lines are ignored, a repeated key keeps its last value.
using KeyValues = std::map<std::string, std::string>;
KeyValues ParseKeyValues(absl::string_view text);

// The comma-separated numbers of `key`; InvalidArgument when absent or not numbers.
absl::StatusOr<std::vector<double>> Numbers(const KeyValues& values, const std::string& key);

}  // namespace tools::bench

#endif  // TOOLS_BENCH_CHILD_PROCESS_H_
