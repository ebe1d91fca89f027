// JSON documents with nested arrays and objects, for the analysis reports (core/util/json_line.h
// writes flat one-line objects only). Values are passed as JSON text, built bottom-up:
//
//   JsonObject row;
//   row.Add("mode", "post").Add("layers", 6).AddJson("beta", JsonNumbers({0.5, 0.25}));
//   std::string document = JsonObject().AddJson("rows", JsonArray({row.str()})).str();
//   // {"rows":[{"mode":"post","layers":6,"beta":[0.5,0.25]}]}
// Numbers keep 17 significant digits; NaN and infinities, which JSON lacks, become null.
#ifndef TOOLS_ANALYZE_JSON_H_
#define TOOLS_ANALYZE_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace analysis {

std::string JsonNumber(double value);
// "[v1,v2,...]" of JSON texts.
std::string JsonArray(const std::vector<std::string>& values);
std::string JsonNumbers(const std::vector<double>& values);
std::string JsonIntegers(const std::vector<int64_t>& values);

class JsonObject {
 public:
  JsonObject& Add(absl::string_view key, double value);
  JsonObject& Add(absl::string_view key, int64_t value);
  JsonObject& Add(absl::string_view key, int value) { return Add(key, int64_t{value}); }
  JsonObject& Add(absl::string_view key, absl::string_view text);
  JsonObject& Add(absl::string_view key, const char* text) {
    return Add(key, absl::string_view(text));
  }
  // `json`: a JSON value as text (an array, an object, null).
  JsonObject& AddJson(absl::string_view key, absl::string_view json);

  std::string str() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

}  // namespace analysis

#endif  // TOOLS_ANALYZE_JSON_H_
