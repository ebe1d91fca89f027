// The plugin registry: plugins found by name, with help, typed options and a factory.
//
// There is one registry per plugin family (initializer, optimizer, lr_scheduler, ...).
// A plugin registers itself with one statement next to its class, and the trainer builds
// it from the name and options the user gave:
//
//   // schedulers/constant.cc
//   REGISTER_LR_SCHEDULE("constant", "The same learning rate --lr for every update.", {},
//       [](const OptionValues&, const LrScheduleContext& context) {
//         return std::make_unique<ConstantSchedule>(context.lr);
//       });
//
//   // the trainer
//   absl::StatusOr<std::unique_ptr<LrSchedule>> schedule =
//       LrSchedules().Create("constant", user_options, context);
//
// An unknown name is an error that names the family, the closest match and all known
// names; two plugins of one family with the same name stop the program at startup,
// naming both source locations. Registration runs from static initialisers, so a plugin
// library must be linked whole: declare it with `plugin_library` (plugins/plugin.bzl).
#ifndef PLUGINS_REGISTRY_H_
#define PLUGINS_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/util/status_macros.h"
#include "plugins/options.h"

namespace plugins {

// What a listing shows of a plugin.
struct PluginInfo {
  // The name users select it by, e.g. "radam".
  std::string name;
  // One line on what it is.
  std::string help;
  // Its options, settable as --<option>=VALUE when the plugin is selected.
  OptionSpecs options;
  // "file:line" of the registration, to name both sides of a duplicate.
  std::string location;
};

// The family-independent part of a registry: names, help, options, lookup.
class RegistryBase {
 public:
  // `family` is the singular noun used in messages ("optimizer"); `description` says in
  // one line what the family's plugins decide. Registers the family in AllRegistries().
  RegistryBase(std::string family, std::string description);
  virtual ~RegistryBase();
  RegistryBase(const RegistryBase&) = delete;
  RegistryBase& operator=(const RegistryBase&) = delete;

  const std::string& family() const { return family_; }
  const std::string& description() const { return description_; }

  // All plugins of the family, sorted by name.
  std::vector<const PluginInfo*> Plugins() const;
  std::vector<std::string> Names() const;

  // The plugin called `name`, or NotFound: "unknown optimizer 'radm'; did you mean
  // 'radam'? known: adam, radam, sgd".
  absl::StatusOr<const PluginInfo*> Find(absl::string_view name) const;

  // Checks `given` against the options of plugin `name`.
  absl::StatusOr<OptionValues> ParseOptions(absl::string_view name, const OptionMap& given) const;

 protected:
  // Adds `info`; AlreadyExists when the name is taken, naming both locations.
  absl::Status AddInfo(PluginInfo info);

 private:
  std::string family_;
  std::string description_;
  std::map<std::string, PluginInfo, std::less<>> plugins_;
};

// Every registry that exists in this binary, sorted by family name.
std::vector<const RegistryBase*> AllRegistries();

// Prints `status` and exits with status 1 unless it is OK.
void ExitIfError(const absl::Status& status);

// The registry of plugins that build a `Product` from their options and `Args`.
template <typename Product, typename... Args>
class Registry : public RegistryBase {
 public:
  using Factory =
      std::function<absl::StatusOr<std::unique_ptr<Product>>(const OptionValues&, Args...)>;

  using RegistryBase::RegistryBase;

  absl::Status Add(PluginInfo info, Factory factory) {
    std::string name = info.name;
    absl::Status status = AddInfo(std::move(info));
    if (status.ok()) factories_.emplace(std::move(name), std::move(factory));
    return status;
  }

  // Builds plugin `name` with the user's `options` (validated first) and `args`.
  absl::StatusOr<std::unique_ptr<Product>> Create(absl::string_view name, const OptionMap& options,
                                                  Args... args) const {
    ASSIGN_OR_RETURN(OptionValues values, ParseOptions(name, options));
    return factories_.find(name)->second(values, std::forward<Args>(args)...);
  }

 private:
  std::map<std::string, Factory, std::less<>> factories_;
};

// Adds a plugin to `registry` from a static initialiser; a duplicate name prints both
// registrations and exits, before main() runs.
template <typename RegistryT, typename FactoryT>
bool RegisterOrDie(RegistryT& registry, PluginInfo info, FactoryT factory) {
  ExitIfError(registry.Add(std::move(info), typename RegistryT::Factory(std::move(factory))));
  return true;
}

}  // namespace plugins

#define PLUGINS_INTERNAL_CONCAT2(a, b) a##b
#define PLUGINS_INTERNAL_CONCAT(a, b) PLUGINS_INTERNAL_CONCAT2(a, b)
#define PLUGINS_INTERNAL_STRINGIFY2(x) #x
#define PLUGINS_INTERNAL_STRINGIFY(x) PLUGINS_INTERNAL_STRINGIFY2(x)

// Registers a plugin in REGISTRY (an expression giving the registry) under NAME with the
// one-line HELP, its OPTIONS (an OptionSpecs) and FACTORY (a callable taking
// `const OptionValues&` and the family's arguments, returning a unique_ptr or StatusOr).
#define REGISTER_PLUGIN(REGISTRY, NAME, HELP, OPTIONS, ...)                                  \
  [[maybe_unused]] static const bool PLUGINS_INTERNAL_CONCAT(plugin_registered_, __LINE__) = \
      ::plugins::RegisterOrDie(                                                              \
          REGISTRY,                                                                          \
          ::plugins::PluginInfo{NAME, HELP, OPTIONS,                                         \
                                __FILE__ ":" PLUGINS_INTERNAL_STRINGIFY(__LINE__)},          \
          __VA_ARGS__)

#endif  // PLUGINS_REGISTRY_H_
