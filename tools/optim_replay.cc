// `bazel run //tools:optim_replay -- --optimizer=NAME [its options] [--lr=X] --input=FILE`:
// feeds recorded gradients to an optimizer plugin and prints the parameters after each step,
// to check an optimizer against another implementation (docs/optimizers_and_schedules.md).
//
// FILE: line 1 is the parameter count P, line 2 the P initial values, then one line of P
// gradient values per step; numbers are separated by spaces or tabs, and blank lines at the
// end are ignored. The parameter is one flat float64 tensor (compare with PyTorch float64).
// Output: one line per step, the P values after it, each with 9 significant digits (%.9g).
// A malformed file, an unknown flag or plugin, or a bad option value: a message naming the
// file and line, flag or option, and exit status 1.
#include <torch/types.h>

#include <boost/program_options.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/train/command_line.h"
#include "core/util/user_path.h"
#include "plugins/optimizer.h"
#include "plugins/plugin_options.h"

namespace {

namespace po = boost::program_options;

struct ReplayInput {
  std::vector<double> initial;
  std::vector<std::vector<double>> gradients;
};

// The whitespace-separated fields of `line`.
std::vector<std::string> Fields(const std::string& line) {
  return absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
}

absl::StatusOr<std::vector<double>> ParseValues(const std::string& where, const std::string& line,
                                                size_t count) {
  const std::vector<std::string> fields = Fields(line);
  if (fields.size() != count) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": expected ", count, " numbers, found ", fields.size()));
  }
  std::vector<double> values(count);
  for (size_t i = 0; i < count; ++i) {
    if (!absl::SimpleAtod(fields[i], &values[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": '", fields[i], "' (number ", i + 1, ") is not a number"));
    }
  }
  return values;
}

absl::StatusOr<ReplayInput> ReadReplayInput(const std::string& path) {
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat(path, ": cannot open the input file"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  while (!lines.empty() && Fields(lines.back()).empty()) lines.pop_back();
  if (lines.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ends after line ", lines.size(),
                     "; line 1 must be the parameter count P and line 2 the P initial values"));
  }
  const std::vector<std::string> count_fields = Fields(lines[0]);
  int64_t count = 0;
  if (count_fields.size() != 1 || !absl::SimpleAtoi(count_fields[0], &count) || count <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ":1: expected the parameter count P (an integer > 0), found '", lines[0], "'"));
  }
  ReplayInput input;
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::StatusOr<std::vector<double>> values =
        ParseValues(absl::StrCat(path, ":", i + 1), lines[i], static_cast<size_t>(count));
    if (!values.ok()) return values.status();
    if (i == 1) {
      input.initial = *std::move(values);
    } else {
      input.gradients.push_back(*std::move(values));
    }
  }
  return input;
}

int Fail(const std::string& message) {
  std::cerr << "optim_replay: " << message << "\n";
  return EXIT_FAILURE;
}

}  // namespace

int main(int argc, char** argv) {
  core::CommandLine command_line(
      "optim_replay", "bazel run //tools:optim_replay -- --optimizer=NAME --input=FILE [flags]");
  command_line.AddGroup("optim_replay flags")
      .add_options()("optimizer", po::value<std::string>(),
                     "the optimizer plugin (see --list_plugins)")(
          "lr",
          po::value<double>()->default_value(plugins::OptimizerContext().lr,
                                             absl::StrCat(plugins::OptimizerContext().lr)),
          "learning rate")(
          "input", po::value<std::string>(),
          "file: P, then P initial values, then P gradient values per step, one line each");
  absl::StatusOr<core::PluginToolCommandLine> parsed =
      core::ParsePluginToolCommandLine(argc, argv, command_line, {"optimizer", "input"});
  if (!parsed.ok()) return Fail(std::string(parsed.status().message()));
  if (parsed->answered) return EXIT_SUCCESS;
  const po::variables_map& values = parsed->values;
  const std::string optimizer_name = values["optimizer"].as<std::string>();
  absl::StatusOr<std::vector<plugins::OptionMap>> options = plugins::AssignPluginOptions(
      {{&plugins::Optimizers(), optimizer_name}}, parsed->plugin_options);
  if (!options.ok()) return Fail(std::string(options.status().message()));
  absl::StatusOr<ReplayInput> input =
      ReadReplayInput(core::ResolveUserPath(values["input"].as<std::string>()));
  if (!input.ok()) return Fail(std::string(input.status().message()));

  plugins::OptimizerContext context;
  context.parameters = {torch::tensor(input->initial, torch::kFloat64).requires_grad_()};
  context.lr = values["lr"].as<double>();
  absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> optimizer =
      plugins::Optimizers().Create(optimizer_name, (*options)[0], context);
  if (!optimizer.ok()) return Fail(std::string(optimizer.status().message()));

  torch::Tensor& parameter = context.parameters[0];
  for (const std::vector<double>& gradient : input->gradients) {
    parameter.mutable_grad() = torch::tensor(gradient, torch::kFloat64);
    (*optimizer)->step();
    const auto current = parameter.accessor<double, 1>();
    for (int64_t i = 0; i < current.size(0); ++i) {
      std::printf(i == 0 ? "%.9g" : " %.9g", current[i]);
    }
    std::printf("\n");
  }
  return EXIT_SUCCESS;
}
