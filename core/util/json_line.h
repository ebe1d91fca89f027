// One JSON object on one line, built field by field (metrics.jsonl, status.json).
//
//   std::string line = JsonLine().Add("update", 120).Add("loss", 5.25).Add("state",
//   "running").str();
//   // {"update":120,"loss":5.25,"state":"running"}
// Doubles keep every digit (17 significant), so losses compare bitwise across runs;
// NaN and infinities, which JSON lacks, are written as null.
#ifndef CORE_UTIL_JSON_LINE_H_
#define CORE_UTIL_JSON_LINE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace core {

class JsonLine {
 public:
  JsonLine& Add(absl::string_view key, double value);
  JsonLine& Add(absl::string_view key, int64_t value);
  JsonLine& Add(absl::string_view key, int value) { return Add(key, static_cast<int64_t>(value)); }
  JsonLine& Add(absl::string_view key, bool value);
  JsonLine& Add(absl::string_view key, absl::string_view value);
  JsonLine& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }

  // The object, without a trailing newline.
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void Key(absl::string_view key);
  std::string body_;
};

// `text` as a quoted JSON string.
std::string JsonQuote(absl::string_view text);

}  // namespace core

#endif  // CORE_UTIL_JSON_LINE_H_
