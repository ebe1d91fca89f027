#include "core/util/json_io.h"

#include "absl/strings/str_cat.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"

namespace core {
namespace {

using nlohmann::ordered_json;

// object[key], or nullptr when `object` is no object or lacks `key`.
const ordered_json* Field(const ordered_json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

}  // namespace

absl::StatusOr<ordered_json> ParseJson(absl::string_view text, absl::string_view where) {
  try {
    return ordered_json::parse(text.begin(), text.end());
  } catch (const ordered_json::exception& error) {
    // parse_error, and out_of_range for a number beyond a double (1e999).
    return absl::DataLossError(absl::StrCat(where, ": not JSON: ", error.what()));
  }
}

absl::StatusOr<ordered_json> ReadJsonFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileBytes(path));
  return ParseJson(text, path);
}

std::string DumpJson(const ordered_json& value, int indent) {
  return value.dump(indent, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace);
}

std::optional<double> JsonNumber(const ordered_json& object, const std::string& key) {
  const ordered_json* value = Field(object, key);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return value->get<double>();
}

std::optional<int64_t> JsonInteger(const ordered_json& object, const std::string& key) {
  const ordered_json* value = Field(object, key);
  if (value == nullptr || !value->is_number_integer()) return std::nullopt;
  return value->get<int64_t>();
}

std::optional<std::string> JsonString(const ordered_json& object, const std::string& key) {
  const ordered_json* value = Field(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

}  // namespace core
