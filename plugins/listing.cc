#include "plugins/listing.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "plugins/registry.h"

namespace plugins {

std::string FormatPluginListing() {
  std::string out;
  for (const RegistryBase* registry : AllRegistries()) {
    absl::StrAppend(&out, registry->family(), ": ", registry->description(), "\n");
    for (const PluginInfo* plugin : registry->Plugins()) {
      absl::StrAppendFormat(&out, "  %-22s %s\n", plugin->name, plugin->help);
      for (const OptionSpec& option : plugin->options) {
        absl::StrAppendFormat(&out, "      --%s=%s (default %s)\n          %s\n", option.name,
                              OptionTypeName(option.type),
                              option.default_value.empty() ? "\"\"" : option.default_value,
                              option.help);
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace plugins
