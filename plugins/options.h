// Typed options that a plugin declares and a user sets by name.
//
// A plugin lists its options with their types, defaults and help; the user's strings
// (`--betas=0.9,0.98` on the command line, `betas = 0.9,0.98` in an INI file) are checked against
// that list before the plugin is built, so a typo or a bad value is an error that names the plugin,
// the option and the value.
//
//   const OptionSpecs specs = {
//       OptionSpec::Doubles("betas", {0.9, 0.999}, "decay rates of the moment averages"),
//       OptionSpec::Bool("amsgrad", false, "keep the running maximum of v")};
//   absl::StatusOr<OptionValues> values =
//       OptionValues::Parse("optimizer 'adam'", specs, {{"betas", "0.9,0.98"}});
//   std::vector<double> betas = values->GetDoubles("betas");  // {0.9, 0.98}
#ifndef PLUGINS_OPTIONS_H_
#define PLUGINS_OPTIONS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace plugins {

enum class OptionType { kBool, kInt, kDouble, kDoubles, kString };

// Shortest text that parses back to the same double ("0.999", "1e-08").
std::string FormatDouble(double value);

// "bool", "int", "double", "doubles" (comma-separated) or "string".
const char* OptionTypeName(OptionType type);

// One option of a plugin: its name, type, default (as the user would write it) and help.
struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  std::string default_value;
  std::string help;

  static OptionSpec Bool(std::string name, bool default_value, std::string help);
  static OptionSpec Int(std::string name, int64_t default_value, std::string help);
  static OptionSpec Double(std::string name, double default_value, std::string help);
  static OptionSpec Doubles(std::string name, const std::vector<double>& default_value,
                            std::string help);
  static OptionSpec String(std::string name, std::string default_value, std::string help);
};

using OptionSpecs = std::vector<OptionSpec>;

// Option name -> value as the user wrote it.
using OptionMap = std::map<std::string, std::string>;

// A plugin's options, every one resolved (given or default) and parsed to its type.
class OptionValues {
 public:
  // Checks `given` against `specs`. `owner` names the plugin in errors
  // (e.g. "optimizer 'radam'"). Unknown names and unparsable values are
  // InvalidArgument errors naming the owner, the option and the closest known name.
  static absl::StatusOr<OptionValues> Parse(absl::string_view owner, const OptionSpecs& specs,
                                            const OptionMap& given);

  // Typed access. Asking for an undeclared option, or with the wrong type, is a bug in
  // the plugin and aborts.
  bool GetBool(absl::string_view name) const;
  int64_t GetInt(absl::string_view name) const;
  double GetDouble(absl::string_view name) const;
  const std::vector<double>& GetDoubles(absl::string_view name) const;
  const std::string& GetString(absl::string_view name) const;

  // Every option as `name=value`, in declaration order (for logs and configs).
  std::vector<std::pair<std::string, std::string>> Resolved() const;

 private:
  using Value = std::variant<bool, int64_t, double, std::vector<double>, std::string>;
  const Value& Get(absl::string_view name, OptionType type) const;

  std::string owner_;
  std::vector<std::pair<OptionSpec, Value>> values_;
};

}  // namespace plugins

#endif  // PLUGINS_OPTIONS_H_
