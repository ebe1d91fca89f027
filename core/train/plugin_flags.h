// Plugin options as command-line flags for the tools (Boost.Program_options).
//
// Every option of every linked plugin becomes a flag whose value stays text until the chosen
// plugin parses it (plugins::Registry::Create type-checks it), so a tool needs no per-plugin
// code:
//
//   po::options_description flags;
//   flags.add_options()("optimizer", po::value<std::string>(), "...");
//   po::options_description plugin_flags;
//   ExitIfError(AddPluginOptionFlags(plugin_flags));
//   flags.add(plugin_flags);
//   absl::StatusOr<po::variables_map> values = ParseFlags(argc, argv, flags);
//   // --optimizer=adam --betas=0.9,0.98 --amsgrad
//   plugins::OptionMap given = GivenPluginOptions(plugin_flags, *values);
//   // {{"amsgrad", "true"}, {"betas", "0.9,0.98"}}: then plugins::AssignPluginOptions.
#ifndef CORE_TRAIN_PLUGIN_FLAGS_H_
#define CORE_TRAIN_PLUGIN_FLAGS_H_

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "plugins/options.h"

namespace core {

// Adds --<option> to `flags` for each option in plugins::AllPluginOptions(), with its type,
// the plugins that take it and the first one's help. A bool option may be given bare (--amsgrad
// means
// --amsgrad=true). Fails when two plugins give one option name different types.
absl::Status AddPluginOptionFlags(boost::program_options::options_description& flags);

// Parses the command line against `flags`: --name=value or --name value, no abbreviations
// (a prefix such as --warmup would otherwise match whichever option it starts). Flags marked
// required() must be present. Errors are InvalidArgument; an unknown flag names the closest
// known one: "unknown flag --momentm; did you mean --momentum?".
absl::StatusOr<boost::program_options::variables_map> ParseFlags(
    int argc, const char* const argv[], const boost::program_options::options_description& flags);

// The plugin options the user set: each flag of `plugin_flags` present in `values`, by name.
plugins::OptionMap GivenPluginOptions(
    const boost::program_options::options_description& plugin_flags,
    const boost::program_options::variables_map& values);

}  // namespace core

#endif  // CORE_TRAIN_PLUGIN_FLAGS_H_
