// Every plugin source of the family directories is in the binaries: each .cc file of
// initializers/, optimizers/, residuals/ and schedulers/ without a header beside it (a plugin, by
// the rule of plugins/plugin.bzl) registers at least one plugin, and every name it registers is in
// its family's registry here. The test is linked statically like the tools, so a plugin file that
// a build rule leaves out, or that the linker drops, fails here by name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "plugins/initializer.h"
#include "plugins/lr_schedule.h"
#include "plugins/optimizer.h"
#include "plugins/residual.h"

namespace plugins {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::IsSupersetOf;

struct Family {
  std::string directory;
  std::string macro;
  const RegistryBase* registry;
};

std::vector<Family> Families() {
  return {{"initializers", "REGISTER_INITIALIZER", &Initializers()},
          {"optimizers", "REGISTER_OPTIMIZER", &Optimizers()},
          {"residuals", "REGISTER_RESIDUAL", &Residuals()},
          {"schedulers", "REGISTER_LR_SCHEDULE", &LrSchedules()}};
}

// The plugin sources of `directory` (the test runs in the workspace root: Bazel's runfiles
// hold the family's plugin sources, CMake's tests run in the source tree).
std::vector<fs::path> PluginSources(const std::string& directory) {
  std::vector<fs::path> sources;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    const fs::path path = entry.path();
    if (path.extension() != ".cc") continue;
    if (fs::exists(fs::path(path).replace_extension(".h"))) continue;  // a helper
    sources.push_back(path);
  }
  return sources;
}

// The names `text` registers with `macro` (the name may be on the line after the macro's
// parenthesis), comment lines aside.
std::vector<std::string> RegisteredNames(const std::string& text, const std::string& macro) {
  std::string code;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find_first_not_of(' ') != std::string::npos &&
        line.compare(line.find_first_not_of(' '), 2, "//") == 0) {
      continue;
    }
    code += line + " ";
  }
  const std::regex registration(macro + "\\(\\s*\"([^\"]+)\"");
  std::vector<std::string> names;
  for (std::sregex_iterator it(code.begin(), code.end(), registration), end; it != end; ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

TEST(PluginSourcesTest, EveryPluginFileIsRegisteredInTheBinary) {
  for (const Family& family : Families()) {
    const std::vector<fs::path> sources = PluginSources(family.directory);
    EXPECT_FALSE(sources.empty()) << "no plugin source in " << family.directory << "/";
    for (const fs::path& source : sources) {
      std::ifstream in(source);
      std::stringstream text;
      text << in.rdbuf();
      const std::vector<std::string> names = RegisteredNames(text.str(), family.macro);
      EXPECT_FALSE(names.empty()) << source << " registers no " << family.registry->family()
                                  << " with " << family.macro
                                  << ": a plugin file must; a helper needs a header beside it";
      for (const std::string& name : names) {
        EXPECT_THAT(family.registry->Names(), Contains(name))
            << source << " registers " << family.registry->family() << " '" << name
            << "', which is not in the binary: is the file in its family's library?";
      }
    }
  }
}

TEST(PluginSourcesTest, RegisteredNamesAreFoundInSourceText) {
  EXPECT_THAT(RegisteredNames("REGISTER_OPTIMIZER(\"sgd\", \"help\", {},\n"
                              "// REGISTER_OPTIMIZER(\"commented\", ...)\n"
                              "  REGISTER_OPTIMIZER(\n    \"adam\",",
                              "REGISTER_OPTIMIZER"),
              ::testing::ElementsAre("sgd", "adam"));
}

TEST(PluginSourcesTest, EveryFamilyIsListed) {
  std::vector<std::string> families;
  for (const RegistryBase* registry : AllRegistries()) families.push_back(registry->family());
  EXPECT_THAT(families, IsSupersetOf({"initializer", "lr_scheduler", "optimizer"}));
}

}  // namespace
}  // namespace plugins
