#include "core/train/flag_help.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace core {

namespace po = boost::program_options;

namespace {

// Descriptions start in this column; a longer flag puts its description on the next line.
constexpr size_t kDescriptionColumn = 32;

// "--name=VALUE", "--name", "--name[=VALUE]" or "-h, --help".
std::string FlagSpelling(const po::option_description& option) {
  const std::string& name = option.long_name();
  if (name == "help") return "-h, --help";
  const po::value_semantic& semantic = *option.semantic();
  if (semantic.max_tokens() == 0) return absl::StrCat("--", name);
  if (semantic.min_tokens() == 0) return absl::StrCat("--", name, "[=VALUE]");
  return absl::StrCat("--", name, "=VALUE");
}

// The default boost would print as "(=X)", or "" without one.
std::string DefaultText(const po::option_description& option) {
  const std::string parameter = option.format_parameter();
  const size_t start = parameter.find("(=");
  if (start == std::string::npos || parameter.back() != ')') return "";
  const std::string text = parameter.substr(start + 2, parameter.size() - start - 3);
  return text.empty() ? "\"\"" : text;
}

// `text` as lines of at most `width` characters, broken between words.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  for (const absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

StandardRequest FindStandardRequest(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "-h" || arg == "--help") return StandardRequest::kHelp;
    if (arg == "--version") return StandardRequest::kVersion;
  }
  return StandardRequest::kNone;
}

std::string FormatFlagHelp(const std::vector<FlagGroup>& groups, int width) {
  const size_t description_width =
      std::max<size_t>(20, static_cast<size_t>(width) - kDescriptionColumn);
  const std::string indent(kDescriptionColumn, ' ');
  std::string help;
  for (const FlagGroup& group : groups) {
    if (!help.empty()) help += "\n";
    for (const std::string& line : Wrap(group.caption + ":", static_cast<size_t>(width))) {
      absl::StrAppend(&help, line, "\n");
    }
    for (const auto& option : group.flags->options()) {
      std::string description = option->description();
      const std::string default_text = DefaultText(*option);
      if (!default_text.empty() && !absl::StrContains(description, "(default")) {
        absl::StrAppend(&description, " (default ", default_text, ")");
      }
      std::string entry = absl::StrCat("  ", FlagSpelling(*option));
      const std::vector<std::string> lines = Wrap(description, description_width);
      if (entry.size() + 2 > kDescriptionColumn) {
        absl::StrAppend(&help, entry, "\n");
        entry.clear();
      }
      for (size_t i = 0; i < lines.size(); ++i) {
        if (i == 0 && !entry.empty()) {
          absl::StrAppend(&help, entry, std::string(kDescriptionColumn - entry.size(), ' '),
                          lines[i], "\n");
        } else {
          absl::StrAppend(&help, indent, lines[i], "\n");
        }
      }
      if (lines.empty() && !entry.empty()) absl::StrAppend(&help, entry, "\n");
    }
  }
  return help;
}

}  // namespace core
