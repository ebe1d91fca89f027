// The command-line convention every tool shares (README "Command lines"):
//   -h, --help   grouped help on stdout, exit 0, nothing run (answered before any other check)
//   --version    the project's version and LibTorch's
//   an unknown flag, or an unknown value of a flag with a fixed set of values, is an error with
//   a did-you-mean; defaults read "(default X)"; help text wraps between words.
//
//   CommandLine command_line("sweep", "bazel run //:sweep -- --grid=FILE [flags]");
//   command_line.AddGroup("sweep flags").add_options()(
//       "jobs", po::value<int>()->default_value(1), "trainer processes at once");
//   absl::StatusOr<po::variables_map> values = command_line.Parse(argc, argv);
//   if (!values.ok()) return command_line.Fail(values.status());  // printed; returns 2
//   if (command_line.answered()) return 0;                          // --help or --version
#ifndef CORE_TRAIN_COMMAND_LINE_H_
#define CORE_TRAIN_COMMAND_LINE_H_

#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/train/flag_help.h"
#include "plugins/options.h"

namespace core {

class CommandLine {
 public:
  // `usage`: the line printed first by --help, e.g. "bazel run //:sweep -- --grid=FILE [flags]".
  CommandLine(std::string tool, std::string usage);

  // A group of flags, printed under `caption` in the order groups are added. The first group
  // also holds -h/--help and --version. The reference stays valid.
  boost::program_options::options_description& AddGroup(const std::string& caption);

  // Parses argv (core::ParseFlags: no abbreviations, did-you-mean for unknown flags). With
  // --help or --version anywhere on the line, prints the answer and sets answered() instead of
  // checking anything else.
  absl::StatusOr<boost::program_options::variables_map> Parse(int argc, const char* const argv[]);

  // Prints the help or the version when argv asks for either (-h, --help, --version anywhere)
  // and returns true: for tools that parse the rest of their line themselves.
  bool AnswerStandardFlags(int argc, const char* const argv[]);

  // Whether Parse printed the help or the version: the tool should exit 0.
  bool answered() const { return answered_; }

  // Prints "<tool>: <message>" on stderr; the exit code for `status` (2 for InvalidArgument, a
  // usage or input error; 1 otherwise).
  int Fail(const absl::Status& status) const;

  std::string Help() const;

 private:
  std::string tool_;
  std::string usage_;
  std::vector<std::string> captions_;
  std::vector<std::unique_ptr<boost::program_options::options_description>> groups_;
  bool answered_ = false;
};

// The command line of a tool that builds one plugin (optim_replay, lr_trace): the groups the
// tool added to `command_line`, plus --list_plugins and every plugin option.
struct PluginToolCommandLine {
  boost::program_options::variables_map values;
  // The plugin options the user set.
  plugins::OptionMap plugin_options;
  // True when --help, --version or --list_plugins was answered: the tool should exit 0.
  bool answered = false;
};

// Parses the command line; prints the help, version or plugin listing when asked. Errors for
// unknown flags and for each of `required` that is missing ("--steps is required").
absl::StatusOr<PluginToolCommandLine> ParsePluginToolCommandLine(
    int argc, const char* const argv[], CommandLine& command_line,
    const std::vector<std::string>& required);

// "<tool> (admin_trainer 0.3.0, LibTorch 1.13.0)".
std::string VersionText(const std::string& tool);

// InvalidArgument unless `value` is one of `choices`: "--executor=lcoal: not one of local,
// slurm, print; did you mean 'local'?".
absl::Status CheckChoice(const std::string& flag, const std::string& value,
                         const std::vector<std::string>& choices);

}  // namespace core

#endif  // CORE_TRAIN_COMMAND_LINE_H_
