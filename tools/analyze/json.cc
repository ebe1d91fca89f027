#include "tools/analyze/json.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/util/json_line.h"

namespace analysis {

std::string JsonNumber(double value) {
  return std::isfinite(value) ? absl::StrFormat("%.17g", value) : "null";
}

std::string JsonArray(const std::vector<std::string>& values) {
  return absl::StrCat("[", absl::StrJoin(values, ","), "]");
}

std::string JsonNumbers(const std::vector<double>& values) {
  std::vector<std::string> texts;
  for (const double v : values) texts.push_back(JsonNumber(v));
  return JsonArray(texts);
}

std::string JsonIntegers(const std::vector<int64_t>& values) {
  return absl::StrCat("[", absl::StrJoin(values, ","), "]");
}

JsonObject& JsonObject::Add(absl::string_view key, double value) {
  return AddJson(key, JsonNumber(value));
}

JsonObject& JsonObject::Add(absl::string_view key, int64_t value) {
  return AddJson(key, absl::StrCat(value));
}

JsonObject& JsonObject::Add(absl::string_view key, absl::string_view text) {
  return AddJson(key, core::JsonQuote(text));
}

JsonObject& JsonObject::AddJson(absl::string_view key, absl::string_view json) {
  absl::StrAppend(&body_, body_.empty() ? "" : ",", core::JsonQuote(key), ":", json);
  return *this;
}

}  // namespace analysis
