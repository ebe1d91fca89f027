#include "plugins/options.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "plugins/closest_match.h"

namespace plugins {
namespace {

std::string FormatDoubles(const std::vector<double>& values) {
  return absl::StrJoin(values, ",",
                       [](std::string* out, double value) { out->append(FormatDouble(value)); });
}

struct ValueFormatter {
  std::string operator()(bool value) const { return value ? "true" : "false"; }
  std::string operator()(int64_t value) const { return absl::StrCat(value); }
  std::string operator()(double value) const { return FormatDouble(value); }
  std::string operator()(const std::vector<double>& value) const { return FormatDoubles(value); }
  std::string operator()(const std::string& value) const { return value; }
};

bool ParseDoubles(absl::string_view text, std::vector<double>* values) {
  values->clear();
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    double value;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(part), &value)) return false;
    values->push_back(value);
  }
  return true;
}

}  // namespace

std::string FormatDouble(double value) {
  char buffer[32];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

const char* OptionTypeName(OptionType type) {
  switch (type) {
    case OptionType::kBool:
      return "bool";
    case OptionType::kInt:
      return "int";
    case OptionType::kDouble:
      return "double";
    case OptionType::kDoubles:
      return "doubles";
    case OptionType::kString:
      return "string";
  }
  return "?";
}

OptionSpec OptionSpec::Bool(std::string name, bool default_value, std::string help) {
  return {std::move(name), OptionType::kBool, default_value ? "true" : "false", std::move(help)};
}

OptionSpec OptionSpec::Int(std::string name, int64_t default_value, std::string help) {
  return {std::move(name), OptionType::kInt, absl::StrCat(default_value), std::move(help)};
}

OptionSpec OptionSpec::Double(std::string name, double default_value, std::string help) {
  return {std::move(name), OptionType::kDouble, FormatDouble(default_value), std::move(help)};
}

OptionSpec OptionSpec::Doubles(std::string name, const std::vector<double>& default_value,
                               std::string help) {
  return {std::move(name), OptionType::kDoubles, FormatDoubles(default_value), std::move(help)};
}

OptionSpec OptionSpec::String(std::string name, std::string default_value, std::string help) {
  return {std::move(name), OptionType::kString, std::move(default_value), std::move(help)};
}

absl::StatusOr<OptionValues> OptionValues::Parse(absl::string_view owner, const OptionSpecs& specs,
                                                 const OptionMap& given) {
  std::vector<std::string> known;
  for (const OptionSpec& spec : specs) known.push_back(spec.name);
  for (const auto& [name, value] : given) {
    bool declared = false;
    for (const OptionSpec& spec : specs) declared |= spec.name == name;
    if (declared) continue;
    if (known.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(owner, ": unknown option '", name, "'; it takes no options"));
    }
    const std::string hint = ClosestMatch(name, known);
    return absl::InvalidArgumentError(
        absl::StrCat(owner, ": unknown option '", name, "'",
                     hint.empty() ? "" : absl::StrCat("; did you mean '", hint, "'?"),
                     "; known: ", absl::StrJoin(known, ", ")));
  }

  OptionValues result;
  result.owner_ = std::string(owner);
  for (const OptionSpec& spec : specs) {
    const auto it = given.find(spec.name);
    const std::string text = std::string(
        absl::StripAsciiWhitespace(it == given.end() ? spec.default_value : it->second));
    auto bad_value = [&](absl::string_view expected) {
      return absl::InvalidArgumentError(
          absl::StrCat(owner, ": option '", spec.name, "' = '", text, "' is not ", expected));
    };
    Value value;
    switch (spec.type) {
      case OptionType::kBool: {
        bool parsed;
        if (!absl::SimpleAtob(text, &parsed)) return bad_value("a bool (true/false)");
        value = parsed;
        break;
      }
      case OptionType::kInt: {
        int64_t parsed;
        if (!absl::SimpleAtoi(text, &parsed)) return bad_value("an integer");
        value = parsed;
        break;
      }
      case OptionType::kDouble: {
        double parsed;
        if (!absl::SimpleAtod(text, &parsed)) return bad_value("a number");
        value = parsed;
        break;
      }
      case OptionType::kDoubles: {
        std::vector<double> parsed;
        if (!ParseDoubles(text, &parsed)) return bad_value("a comma-separated list of numbers");
        value = std::move(parsed);
        break;
      }
      case OptionType::kString:
        value = text;
        break;
    }
    result.values_.emplace_back(spec, std::move(value));
  }
  return result;
}

const OptionValues::Value& OptionValues::Get(absl::string_view name, OptionType type) const {
  for (const auto& [spec, value] : values_) {
    if (spec.name != name) continue;
    if (spec.type == type) return value;
    std::fprintf(stderr, "%s: option '%s' has type %s, read as %s (bug in the plugin)\n",
                 owner_.c_str(), spec.name.c_str(), OptionTypeName(spec.type),
                 OptionTypeName(type));
    std::abort();
  }
  std::fprintf(stderr, "%s: reads undeclared option '%s' (bug in the plugin)\n", owner_.c_str(),
               std::string(name).c_str());
  std::abort();
}

bool OptionValues::GetBool(absl::string_view name) const {
  return std::get<bool>(Get(name, OptionType::kBool));
}

int64_t OptionValues::GetInt(absl::string_view name) const {
  return std::get<int64_t>(Get(name, OptionType::kInt));
}

double OptionValues::GetDouble(absl::string_view name) const {
  return std::get<double>(Get(name, OptionType::kDouble));
}

const std::vector<double>& OptionValues::GetDoubles(absl::string_view name) const {
  return std::get<std::vector<double>>(Get(name, OptionType::kDoubles));
}

const std::string& OptionValues::GetString(absl::string_view name) const {
  return std::get<std::string>(Get(name, OptionType::kString));
}

std::vector<std::pair<std::string, std::string>> OptionValues::Resolved() const {
  std::vector<std::pair<std::string, std::string>> resolved;
  for (const auto& [spec, value] : values_) {
    resolved.emplace_back(spec.name, std::visit(ValueFormatter(), value));
  }
  return resolved;
}

}  // namespace plugins
