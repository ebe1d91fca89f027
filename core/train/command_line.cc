#include "core/train/command_line.h"

#include <torch/version.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/train/plugin_flags.h"
#include "core/util/status_macros.h"
#include "core/util/version.h"
#include "plugins/closest_match.h"
#include "plugins/listing.h"

namespace core {

namespace po = boost::program_options;

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

}  // namespace

CommandLine::CommandLine(std::string tool, std::string usage)
    : tool_(std::move(tool)), usage_(std::move(usage)) {}

po::options_description& CommandLine::AddGroup(const std::string& caption) {
  captions_.push_back(caption);
  groups_.push_back(std::make_unique<po::options_description>());
  if (groups_.size() == 1) {
    groups_.back()->add_options()("help,h", "print this help and exit")(
        "version", "print the version of this tool and of LibTorch, and exit");
  }
  return *groups_.back();
}

bool CommandLine::AnswerStandardFlags(int argc, const char* const argv[]) {
  if (groups_.empty()) AddGroup(absl::StrCat(tool_, " flags"));
  // Answered whatever else the line holds, even an unknown flag.
  const StandardRequest request = FindStandardRequest(std::vector<std::string>(argv + 1, argv + argc));
  if (request == StandardRequest::kNone) return false;
  std::cout << (request == StandardRequest::kVersion ? VersionText(tool_) + "\n" : Help());
  answered_ = true;
  return true;
}

absl::StatusOr<po::variables_map> CommandLine::Parse(int argc, const char* const argv[]) {
  if (AnswerStandardFlags(argc, argv)) return po::variables_map();
  po::options_description all;
  for (const auto& group : groups_) all.add(*group);
  return ParseFlags(argc, argv, all);
}

int CommandLine::Fail(const absl::Status& status) const {
  std::cerr << tool_ << ": " << status.message() << "\n";
  return absl::IsInvalidArgument(status) ? kExitUsage : kExitError;
}

std::string CommandLine::Help() const {
  std::vector<FlagGroup> groups;
  for (size_t i = 0; i < groups_.size(); ++i) groups.push_back({captions_[i], groups_[i].get()});
  return absl::StrCat("usage: ", usage_, "\n\n", FormatFlagHelp(groups));
}

absl::StatusOr<PluginToolCommandLine> ParsePluginToolCommandLine(
    int argc, const char* const argv[], CommandLine& command_line,
    const std::vector<std::string>& required) {
  command_line.AddGroup("plugins").add_options()(
      "list_plugins", "print every linked plugin with its options and their defaults");
  po::options_description& plugin_flags =
      command_line.AddGroup("plugin options (each taken by the plugins it names)");
  RETURN_IF_ERROR(AddPluginOptionFlags(plugin_flags));
  PluginToolCommandLine parsed;
  ASSIGN_OR_RETURN(parsed.values, command_line.Parse(argc, argv));
  if (command_line.answered() || parsed.values.count("list_plugins") > 0) {
    if (!command_line.answered()) std::cout << plugins::FormatPluginListing();
    parsed.answered = true;
    return parsed;
  }
  for (const std::string& name : required) {
    if (parsed.values.count(name) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
    }
  }
  parsed.plugin_options = GivenPluginOptions(plugin_flags, parsed.values);
  return parsed;
}

std::string VersionText(const std::string& tool) {
  return absl::StrCat(tool, " (", kProjectName, " ", kProjectVersion, ", LibTorch ", TORCH_VERSION,
                      ")");
}

absl::Status CheckChoice(const std::string& flag, const std::string& value,
                         const std::vector<std::string>& choices) {
  for (const std::string& choice : choices) {
    if (value == choice) return absl::OkStatus();
  }
  const std::string hint = plugins::ClosestMatch(value, choices);
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, "=", value, ": not one of ", absl::StrJoin(choices, ", "),
                   hint.empty() ? "" : absl::StrCat("; did you mean '", hint, "'?")));
}

}  // namespace core
