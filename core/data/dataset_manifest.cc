#include "core/data/dataset_manifest.h"

#include <cstdio>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "core/util/text_file.h"

namespace core {
namespace {

// Parses one JSON string literal at the start of `*text` (quotes included), consuming it.
bool ConsumeJsonString(absl::string_view* text, std::string* out) {
  if (!absl::ConsumePrefix(text, "\"")) return false;
  out->clear();
  while (!text->empty()) {
    const char c = text->front();
    text->remove_prefix(1);
    if (c == '"') return true;
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (text->empty()) return false;
    const char escaped = text->front();
    text->remove_prefix(1);
    switch (escaped) {
      case 'n':
        out->push_back('\n');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'u': {
        // ToJson only escapes control characters this way.
        if (text->size() < 4) return false;
        out->push_back(static_cast<char>(std::stoi(std::string(text->substr(0, 4)), nullptr, 16)));
        text->remove_prefix(4);
        break;
      }
      default:
        out->push_back(escaped);
    }
  }
  return false;
}

}  // namespace

std::string JsonQuote(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string DatasetManifest::ToJson() const {
  std::string out = absl::StrCat("{\n  \"format\": ", JsonQuote(kDatasetFormat), ",\n");
  const auto block = [&out](absl::string_view name, const std::vector<std::string>& lines,
                            bool last) {
    absl::StrAppend(&out, "  \"", name, "\": {\n");
    for (size_t i = 0; i < lines.size(); ++i) {
      absl::StrAppend(&out, "    ", lines[i], i + 1 < lines.size() ? ",\n" : "\n");
    }
    absl::StrAppend(&out, "  }", last ? "\n" : ",\n");
  };
  std::vector<std::string> lines;
  for (const auto& [name, value] : settings) {
    lines.push_back(absl::StrCat(JsonQuote(name), ": ", JsonQuote(value)));
  }
  block("settings", lines, false);
  lines.clear();
  for (const auto& [name, value] : counts) {
    lines.push_back(absl::StrCat(JsonQuote(name), ": ", value));
  }
  block("counts", lines, false);
  lines.clear();
  for (const ManifestFile& file : files) {
    lines.push_back(absl::StrCat(JsonQuote(file.name), ": {\"bytes\": ", file.bytes,
                                 ", \"sha256\": ", JsonQuote(file.sha256), "}"));
  }
  block("files", lines, true);
  return out + "}\n";
}

absl::StatusOr<DatasetSettings> ReadManifestSettings(const std::string& path) {
  absl::StatusOr<std::vector<std::string>> lines = ReadTextLines(path);
  if (!lines.ok()) return lines.status();
  const std::string format_line = absl::StrCat("  \"format\": ", JsonQuote(kDatasetFormat), ",");
  if (lines->size() < 2 || (*lines)[1] != format_line) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a manifest of format ", kDatasetFormat));
  }
  DatasetSettings settings;
  bool in_settings = false;
  for (const std::string& line : *lines) {
    if (line == "  \"settings\": {") {
      in_settings = true;
      continue;
    }
    if (!in_settings) continue;
    if (absl::StartsWith(line, "  }")) return settings;
    absl::string_view rest = absl::StripAsciiWhitespace(line);
    std::string name, value;
    if (!ConsumeJsonString(&rest, &name) || !absl::ConsumePrefix(&rest, ": ") ||
        !ConsumeJsonString(&rest, &value)) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": unreadable settings line: ", line));
    }
    settings.emplace_back(std::move(name), std::move(value));
  }
  return absl::FailedPreconditionError(absl::StrCat(path, ": no complete settings block"));
}

std::string DescribeSettingsDifference(const DatasetSettings& wanted,
                                       const DatasetSettings& existing) {
  const std::map<std::string, std::string> old_values(existing.begin(), existing.end());
  const std::map<std::string, std::string> new_values(wanted.begin(), wanted.end());
  std::vector<std::string> differences;
  for (const auto& [name, value] : wanted) {
    const auto found = old_values.find(name);
    if (found == old_values.end()) {
      differences.push_back(absl::StrCat(name, ": ", value, " (existing: unset)"));
    } else if (found->second != value) {
      differences.push_back(absl::StrCat(name, ": ", value, " (existing: ", found->second, ")"));
    }
  }
  for (const auto& [name, value] : existing) {
    if (new_values.count(name) == 0) {
      differences.push_back(absl::StrCat(name, ": unset (existing: ", value, ")"));
    }
  }
  if (differences.size() > 4) {
    const size_t more = differences.size() - 4;
    differences.resize(4);
    differences.push_back(absl::StrCat("and ", more, " more"));
  }
  return absl::StrJoin(differences, "; ");
}

}  // namespace core
