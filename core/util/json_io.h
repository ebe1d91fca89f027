// nlohmann-json without exceptions, for files the tools write and read back: a parse error
// becomes an absl::Status that names where the text came from, writing never throws, and a
// field is read as an optional that is empty when the field is absent, null (how NaN and
// infinities are written) or of another type.
//
//   absl::StatusOr<nlohmann::ordered_json> status = ReadJsonFile("runs/x/status.json");
//   if (!status.ok()) return status.status();
//   double loss = JsonNumber(*status, "best_valid_loss").value_or(kUnknown);
//   std::string text = DumpJson(*status);  // {"state":"done","updates":40,...}
#ifndef CORE_UTIL_JSON_IO_H_
#define CORE_UTIL_JSON_IO_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace core {

// DataLoss "<where>: not JSON: ..." when `text` is not one JSON value. `where` names the
// source: a path, or path:line for a line of a JSONL file.
absl::StatusOr<nlohmann::ordered_json> ParseJson(absl::string_view text, absl::string_view where);

// The file at `path` parsed (NotFound when it does not exist).
absl::StatusOr<nlohmann::ordered_json> ReadJsonFile(const std::string& path);

// `value` as text: on one line without spaces (indent < 0), or pretty-printed with `indent`
// spaces. No trailing newline. Bytes that are not UTF-8 become U+FFFD instead of throwing.
std::string DumpJson(const nlohmann::ordered_json& value, int indent = -1);

// object[key] when `object` is an object and that field has the type asked for.
std::optional<double> JsonNumber(const nlohmann::ordered_json& object, const std::string& key);
// Integers only: a fraction or exponent (5.0, 1e3) is no integer.
std::optional<int64_t> JsonInteger(const nlohmann::ordered_json& object, const std::string& key);
std::optional<std::string> JsonString(const nlohmann::ordered_json& object, const std::string& key);

}  // namespace core

#endif  // CORE_UTIL_JSON_IO_H_
