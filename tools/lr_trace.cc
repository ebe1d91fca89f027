// `bazel run //tools:lr_trace -- --lr_scheduler=NAME [its options] --lr=X --max_updates=N
// --steps=N`: prints the learning rate of updates 1..N, one per line with 9 significant digits
// (%.9g), to check a schedule against its formula or another implementation. As in fairseq,
// update 1 uses the schedule's value after 0 completed updates (warmup_init_lr with warmup).
// An unknown flag or plugin, or a bad option value: a message and exit status 1.
#include <boost/program_options.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/train/command_line.h"
#include "plugins/lr_schedule.h"
#include "plugins/plugin_options.h"

namespace {

namespace po = boost::program_options;

int Fail(const std::string& message) {
  std::cerr << "lr_trace: " << message << "\n";
  return EXIT_FAILURE;
}

}  // namespace

int main(int argc, char** argv) {
  const plugins::LrScheduleContext defaults;
  core::CommandLine command_line(
      "lr_trace", "bazel run //tools:lr_trace -- --lr_scheduler=NAME --steps=N [flags]");
  command_line.AddGroup("lr_trace flags")
      .add_options()("lr_scheduler", po::value<std::string>(),
                     "the schedule plugin (see --list_plugins)")(
          "lr", po::value<double>()->default_value(defaults.lr, absl::StrCat(defaults.lr)),
          "peak learning rate")("max_updates",
                                po::value<int64_t>()->default_value(defaults.max_updates),
                                "planned number of updates (decaying schedules need > 0)")(
          "steps", po::value<int64_t>(), "how many updates to print, >= 0");
  absl::StatusOr<core::PluginToolCommandLine> parsed =
      core::ParsePluginToolCommandLine(argc, argv, command_line, {"lr_scheduler", "steps"});
  if (!parsed.ok()) return Fail(std::string(parsed.status().message()));
  if (parsed->answered) return EXIT_SUCCESS;
  const po::variables_map& values = parsed->values;
  const int64_t steps = values["steps"].as<int64_t>();
  if (steps < 0) return Fail(absl::StrCat("--steps = ", steps, " must be >= 0"));
  const std::string schedule_name = values["lr_scheduler"].as<std::string>();
  absl::StatusOr<std::vector<plugins::OptionMap>> options = plugins::AssignPluginOptions(
      {{&plugins::LrSchedules(), schedule_name}}, parsed->plugin_options);
  if (!options.ok()) return Fail(std::string(options.status().message()));

  plugins::LrScheduleContext context;
  context.lr = values["lr"].as<double>();
  context.max_updates = values["max_updates"].as<int64_t>();
  absl::StatusOr<std::unique_ptr<plugins::LrSchedule>> schedule =
      plugins::LrSchedules().Create(schedule_name, (*options)[0], context);
  if (!schedule.ok()) return Fail(std::string(schedule.status().message()));
  for (int64_t update = 1; update <= steps; ++update) {
    std::printf("%.9g\n", (*schedule)->LearningRate(update - 1));
  }
  return EXIT_SUCCESS;
}
