#include "core/train/plugin_flags.h"

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "core/util/status_macros.h"
#include "plugins/closest_match.h"
#include "plugins/listing.h"
#include "plugins/plugin_options.h"

namespace core {

namespace po = boost::program_options;

absl::Status AddPluginOptionFlags(po::options_description& flags) {
  absl::StatusOr<std::map<std::string, plugins::DeclaredOption>> options =
      plugins::AllPluginOptions();
  if (!options.ok()) return options.status();
  for (const auto& [name, declared] : *options) {
    po::typed_value<std::string>* value = po::value<std::string>();
    if (declared.spec.type == plugins::OptionType::kBool) value->implicit_value("true");
    // Plugins sharing a name share its type, not always its default or exact meaning: the
    // help is the first plugin's, and --list_plugins shows every plugin's.
    std::string help = absl::StrCat(plugins::OptionTypeName(declared.spec.type), "; ",
                                    declared.owners.front(), ": ", declared.spec.help);
    if (declared.owners.size() > 1) {
      const std::vector<std::string> others(declared.owners.begin() + 1, declared.owners.end());
      absl::StrAppend(&help, "; also taken by ", absl::StrJoin(others, ", "));
    }
    flags.add_options()(name.c_str(), value, help.c_str());
  }
  return absl::OkStatus();
}

absl::StatusOr<po::variables_map> ParseFlags(int argc, const char* const argv[],
                                             const po::options_description& flags) {
  po::variables_map values;
  try {
    const po::parsed_options parsed =
        po::command_line_parser(argc, argv)
            .options(flags)
            .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
            .allow_unregistered()
            .run();
    const std::vector<std::string> unknown =
        po::collect_unrecognized(parsed.options, po::include_positional);
    if (!unknown.empty()) {
      const std::string& token = unknown.front();
      if (!absl::StartsWith(token, "-")) {
        return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", token, "'"));
      }
      absl::string_view name = token;
      while (absl::ConsumePrefix(&name, "-")) {
      }
      name = name.substr(0, name.find('='));
      std::vector<std::string> known;
      for (const auto& option : flags.options()) known.push_back(option->long_name());
      const std::string hint = plugins::ClosestMatch(name, known);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name,
                       hint.empty() ? "" : absl::StrCat("; did you mean --", hint, "?")));
    }
    po::store(parsed, values);
    po::notify(values);
  } catch (const po::error& error) {
    return absl::InvalidArgumentError(error.what());
  }
  return values;
}

plugins::OptionMap GivenPluginOptions(const po::options_description& plugin_flags,
                                      const po::variables_map& values) {
  plugins::OptionMap given;
  for (const auto& option : plugin_flags.options()) {
    const std::string& name = option->long_name();
    if (values.count(name) > 0) given[name] = values[name].as<std::string>();
  }
  return given;
}

absl::StatusOr<PluginToolCommandLine> ParsePluginToolCommandLine(
    int argc, const char* const argv[], po::options_description& flags,
    const std::vector<std::string>& required) {
  flags.add_options()("help", "print this help")(
      "list_plugins", "print every linked plugin with its options and their defaults");
  po::options_description plugin_flags("plugin options (each taken by the plugins it names)");
  RETURN_IF_ERROR(AddPluginOptionFlags(plugin_flags));
  flags.add(plugin_flags);
  absl::StatusOr<po::variables_map> values = ParseFlags(argc, argv, flags);
  if (!values.ok()) return values.status();
  PluginToolCommandLine command_line;
  command_line.values = *std::move(values);
  if (command_line.values.count("help") > 0) {
    std::cout << flags;
    command_line.answered = true;
    return command_line;
  }
  if (command_line.values.count("list_plugins") > 0) {
    std::cout << plugins::FormatPluginListing();
    command_line.answered = true;
    return command_line;
  }
  for (const std::string& name : required) {
    if (command_line.values.count(name) == 0) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
    }
  }
  command_line.plugin_options = GivenPluginOptions(plugin_flags, command_line.values);
  return command_line;
}

}  // namespace core
