// Plugin options as flat flags, shared by every family: `--betas=0.9,0.98`,
// `--warmup_updates=4000`, named as in PyTorch and fairseq.
//
// A tool declares every option of every linked plugin as a flag, then hands each chosen
// plugin the options it declares. An option the user set that no chosen plugin takes is
// an error, never silently ignored:
//
//   absl::StatusOr<std::vector<OptionMap>> split = AssignPluginOptions(
//       {{&Optimizers(), "adam"}, {&LrSchedules(), "inverse_sqrt"}},
//       {{"betas", "0.9,0.98"}, {"warmup_updates", "8000"}});
//   // (*split)[0] = {betas}, (*split)[1] = {warmup_updates}
//   // with {"momentum", "0.9"} instead: "--momentum is an option of optimizer 'sgd';
//   //   the chosen optimizer 'adam' does not take it"
#ifndef PLUGINS_PLUGIN_OPTIONS_H_
#define PLUGINS_PLUGIN_OPTIONS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "plugins/options.h"
#include "plugins/registry.h"

namespace plugins {

// One option name as declared by one or more plugins.
struct DeclaredOption {
  // The first declaration (plugins sharing a name share its type; defaults may differ).
  OptionSpec spec;
  // Who declares it: "optimizer 'adam'", "optimizer 'radam'", ...
  std::vector<std::string> owners;
};

// Every option of every plugin in AllRegistries(), by name. InvalidArgument, naming both
// plugins, when two plugins declare one name with different types.
absl::StatusOr<std::map<std::string, DeclaredOption>> AllPluginOptions();

// A plugin chosen by the user: its family's registry and its name.
struct PluginChoice {
  const RegistryBase* registry;
  std::string name;
};

// Splits `given` (plugin option -> value as the user wrote it) among `choices`: element i
// holds the options that choices[i] declares. Fails when a chosen name is unknown, or when
// an option is taken by no chosen plugin (the error names the plugins that do take it).
absl::StatusOr<std::vector<OptionMap>> AssignPluginOptions(const std::vector<PluginChoice>& choices,
                                                           const OptionMap& given);

}  // namespace plugins

#endif  // PLUGINS_PLUGIN_OPTIONS_H_
