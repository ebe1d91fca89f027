#include "plugins/plugin_options.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/util/status_macros.h"
#include "plugins/closest_match.h"

namespace plugins {

absl::StatusOr<std::map<std::string, DeclaredOption>> AllPluginOptions() {
  std::map<std::string, DeclaredOption> options;
  for (const RegistryBase* registry : AllRegistries()) {
    for (const PluginInfo* plugin : registry->Plugins()) {
      const std::string owner = absl::StrCat(registry->family(), " '", plugin->name, "'");
      for (const OptionSpec& spec : plugin->options) {
        auto [it, inserted] = options.try_emplace(spec.name, DeclaredOption{spec, {}});
        if (!inserted && it->second.spec.type != spec.type) {
          return absl::InvalidArgumentError(absl::StrCat(
              "option '", spec.name, "' has type ", OptionTypeName(it->second.spec.type), " in ",
              it->second.owners.front(), " but type ", OptionTypeName(spec.type), " in ", owner,
              "; plugins that share an option name must share its type"));
        }
        it->second.owners.push_back(owner);
      }
    }
  }
  return options;
}

absl::StatusOr<std::vector<OptionMap>> AssignPluginOptions(const std::vector<PluginChoice>& choices,
                                                           const OptionMap& given) {
  std::vector<OptionMap> assigned(choices.size());
  std::vector<const PluginInfo*> chosen;
  for (const PluginChoice& choice : choices) {
    ASSIGN_OR_RETURN(const PluginInfo* info, choice.registry->Find(choice.name));
    chosen.push_back(info);
  }
  for (const auto& [name, value] : given) {
    bool taken = false;
    for (size_t i = 0; i < choices.size(); ++i) {
      for (const OptionSpec& spec : chosen[i]->options) {
        if (spec.name != name) continue;
        assigned[i][name] = value;
        taken = true;
      }
    }
    if (taken) continue;
    absl::StatusOr<std::map<std::string, DeclaredOption>> all = AllPluginOptions();
    if (!all.ok()) return all.status();
    std::vector<std::string> chosen_names;
    for (const PluginChoice& choice : choices) {
      chosen_names.push_back(absl::StrCat(choice.registry->family(), " '", choice.name, "'"));
    }
    const auto declared = all->find(name);
    if (declared == all->end()) {
      std::vector<std::string> known;
      for (const auto& [known_name, unused] : *all) known.push_back(known_name);
      const std::string hint = ClosestMatch(name, known);
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " is not an option of any plugin",
                       hint.empty() ? "" : absl::StrCat("; did you mean --", hint, "?")));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, " is an option of ", absl::StrJoin(declared->second.owners, ", "),
                     "; the chosen ", absl::StrJoin(chosen_names, " and "),
                     chosen_names.size() == 1 ? " does not take it" : " do not take it"));
  }
  return assigned;
}

}  // namespace plugins
