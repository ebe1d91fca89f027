#include "plugins/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_join.h"
#include "core/util/status_macros.h"
#include "plugins/closest_match.h"

namespace plugins {
namespace {

std::vector<const RegistryBase*>& MutableRegistries() {
  static auto* registries = new std::vector<const RegistryBase*>();
  return *registries;
}

}  // namespace

RegistryBase::RegistryBase(std::string family, std::string description)
    : family_(std::move(family)), description_(std::move(description)) {
  MutableRegistries().push_back(this);
}

RegistryBase::~RegistryBase() {
  std::vector<const RegistryBase*>& registries = MutableRegistries();
  registries.erase(std::remove(registries.begin(), registries.end(), this), registries.end());
}

std::vector<const PluginInfo*> RegistryBase::Plugins() const {
  std::vector<const PluginInfo*> plugins;
  for (const auto& [name, info] : plugins_) plugins.push_back(&info);
  return plugins;
}

std::vector<std::string> RegistryBase::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, info] : plugins_) names.push_back(name);
  return names;
}

absl::StatusOr<const PluginInfo*> RegistryBase::Find(absl::string_view name) const {
  const auto it = plugins_.find(name);
  if (it != plugins_.end()) return &it->second;
  const std::vector<std::string> names = Names();
  if (names.empty()) {
    return absl::NotFoundError(absl::StrCat("unknown ", family_, " '", name, "'; no ", family_,
                                            " plugin is linked into this binary"));
  }
  const std::string hint = ClosestMatch(name, names);
  return absl::NotFoundError(
      absl::StrCat("unknown ", family_, " '", name, "'",
                   hint.empty() ? "" : absl::StrCat("; did you mean '", hint, "'?"),
                   " known: ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<OptionValues> RegistryBase::ParseOptions(absl::string_view name,
                                                        const OptionMap& given) const {
  ASSIGN_OR_RETURN(const PluginInfo* info, Find(name));
  return OptionValues::Parse(absl::StrCat(family_, " '", name, "'"), info->options, given);
}

absl::Status RegistryBase::AddInfo(PluginInfo info) {
  const auto it = plugins_.find(info.name);
  if (it != plugins_.end()) {
    return absl::AlreadyExistsError(absl::StrCat("duplicate ", family_, " '", info.name,
                                                 "': registered at ", it->second.location,
                                                 " and at ", info.location));
  }
  std::string name = info.name;
  plugins_.emplace(std::move(name), std::move(info));
  return absl::OkStatus();
}

std::vector<const RegistryBase*> AllRegistries() {
  std::vector<const RegistryBase*> registries = MutableRegistries();
  std::sort(registries.begin(), registries.end(),
            [](const RegistryBase* a, const RegistryBase* b) { return a->family() < b->family(); });
  return registries;
}

void ExitIfError(const absl::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "fatal: %s\n", std::string(status.message()).c_str());
  std::exit(EXIT_FAILURE);
}

}  // namespace plugins
