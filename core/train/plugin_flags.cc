#include "core/train/plugin_flags.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "core/util/status_macros.h"
#include "plugins/closest_match.h"
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
    // help and default are the first plugin's, and --list_plugins shows every plugin's.
    std::string help = absl::StrCat(
        plugins::OptionTypeName(declared.spec.type), "; ", declared.owners.front(), ": ",
        declared.spec.help, " (default ",
        declared.spec.default_value.empty() ? "\"\"" : declared.spec.default_value, ")");
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
  // "--name=" sets an empty value, which Boost would call missing: pass it as "--name" "".
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (i > 0 && absl::StartsWith(arg, "--") && absl::EndsWith(arg, "=")) {
      args.emplace_back(arg.substr(0, arg.size() - 1));
      args.emplace_back();
    } else {
      args.emplace_back(arg);
    }
  }
  std::vector<const char*> pointers;
  for (const std::string& arg : args) pointers.push_back(arg.c_str());
  po::variables_map values;
  try {
    const po::parsed_options parsed =
        po::command_line_parser(static_cast<int>(pointers.size()), pointers.data())
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

}  // namespace core
