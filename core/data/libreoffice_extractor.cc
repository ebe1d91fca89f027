#include "core/data/libreoffice_extractor.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/util/sha256.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"
#include "core/util/utf8.h"

namespace core {
namespace {

namespace fs = std::filesystem;

constexpr char kUnpackHelp[] =
    "download and unpack the help packages first:\n"
    "  apt-get download libreoffice-help-en-us libreoffice-help-de\n"
    "  for deb in libreoffice-help-*.deb; do dpkg-deb -x \"$deb\" DIR; done\n"
    "and pass --libreoffice_root=DIR";

bool IsTranslatableTag(absl::string_view tag) {
  return tag == "p" || tag == "td" ||
         (tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6');
}

// The value of attribute `name` in the attribute text of a start tag, or "".
std::string AttributeValue(absl::string_view attributes, absl::string_view name) {
  size_t pos = 0;
  while ((pos = attributes.find(name, pos)) != absl::string_view::npos) {
    const bool starts_word = pos == 0 || absl::ascii_isspace(attributes[pos - 1]);
    const size_t after = pos + name.size();
    if (starts_word && attributes.substr(after, 2) == "=\"") {
      const size_t end = attributes.find('"', after + 2);
      if (end == absl::string_view::npos) return "";
      return std::string(attributes.substr(after + 2, end - after - 2));
    }
    pos = after;
  }
  return "";
}

// True for tags that end a line or block: their text is separate words ("a<br>b").
// Inline tags (<span>, <b>, <a>, ...) join their text to the surrounding words.
bool IsBreakingTag(absl::string_view tag) {
  static const auto* const breaking =
      new std::set<std::string>{"br", "p",     "div", "td", "th", "tr", "li", "ul",
                                "ol", "table", "h1",  "h2", "h3", "h4", "h5", "h6"};
  return breaking->count(absl::AsciiStrToLower(tag)) > 0;
}

std::string StripTags(absl::string_view html) {
  std::string out;
  size_t pos = 0;
  while (pos < html.size()) {
    const size_t open = html.find('<', pos);
    if (open == absl::string_view::npos) {
      absl::StrAppend(&out, html.substr(pos));
      break;
    }
    absl::StrAppend(&out, html.substr(pos, open - pos));
    const size_t close = html.find('>', open);
    if (close == absl::string_view::npos) break;
    size_t name = open + 1;
    if (name < close && html[name] == '/') ++name;
    size_t name_end = name;
    while (name_end < close && absl::ascii_isalnum(html[name_end])) ++name_end;
    if (IsBreakingTag(html.substr(name, name_end - name))) out += ' ';
    pos = close + 1;
  }
  return out;
}

// Relative paths (sorted) of the .html files under `dir`.
std::vector<std::string> HtmlFiles(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (fs::recursive_directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file(error) && it->path().extension() == ".html") {
      files.push_back(it->path().lexically_relative(dir).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

std::string UnescapeHtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t end = text[i] == '&' ? text.find(';', i) : absl::string_view::npos;
    if (end == absl::string_view::npos || end - i > 10) {
      out += text[i++];
      continue;
    }
    const absl::string_view entity = text.substr(i + 1, end - i - 1);
    uint32_t code_point = 0;
    bool known = true;
    if (entity == "amp") {
      code_point = '&';
    } else if (entity == "lt") {
      code_point = '<';
    } else if (entity == "gt") {
      code_point = '>';
    } else if (entity == "quot") {
      code_point = '"';
    } else if (entity == "apos") {
      code_point = '\'';
    } else if (entity == "nbsp") {
      code_point = 0xA0;
    } else if (entity.size() > 2 && entity[0] == '#' && (entity[1] == 'x' || entity[1] == 'X')) {
      known = absl::SimpleHexAtoi(entity.substr(2), &code_point);
    } else if (entity.size() > 1 && entity[0] == '#') {
      known = absl::SimpleAtoi(entity.substr(1), &code_point);
    } else {
      known = false;
    }
    if (!known || code_point == 0 || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      out += text[i++];
      continue;
    }
    AppendUtf8(code_point, &out);
    i = end + 1;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ExtractHelpElements(absl::string_view html) {
  std::vector<std::pair<std::string, std::string>> elements;
  std::set<std::string> seen;
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != absl::string_view::npos) {
    size_t name_end = pos + 1;
    while (name_end < html.size() && absl::ascii_isalnum(html[name_end])) ++name_end;
    const std::string tag = absl::AsciiStrToLower(html.substr(pos + 1, name_end - pos - 1));
    const size_t open_end = html.find('>', name_end);
    if (open_end == absl::string_view::npos) break;
    if (!IsTranslatableTag(tag)) {
      pos = name_end;
      continue;
    }
    const std::string id = AttributeValue(html.substr(name_end, open_end - name_end), "id");
    const std::string close = absl::StrCat("</", tag, ">");
    const size_t content_end = html.find(close, open_end + 1);
    if (id.empty() || content_end == absl::string_view::npos) {
      pos = open_end + 1;
      continue;
    }
    std::string text = CollapseWhitespace(
        UnescapeHtml(StripTags(html.substr(open_end + 1, content_end - open_end - 1))));
    if (seen.insert(id).second) elements.emplace_back(id, std::move(text));
    pos = content_end + close.size();
  }
  return elements;
}

absl::StatusOr<std::string> FindLibreOfficeHelp(const std::string& root) {
  std::error_code error;
  for (const fs::path& candidate :
       {fs::path(root), fs::path(root) / "usr/share/libreoffice/help"}) {
    if (fs::is_directory(candidate / "en-US" / "text", error) &&
        fs::is_directory(candidate / "de" / "text", error)) {
      return candidate.string();
    }
  }
  return absl::NotFoundError(
      absl::StrCat(root,
                   " has no LibreOffice help in English and German (usr/share/libreoffice/help/"
                   "{en-US,de}/text); ",
                   kUnpackHelp));
}

absl::StatusOr<std::string> LibreOfficeFingerprint(const std::string& root) {
  ASSIGN_OR_RETURN(std::string help, FindLibreOfficeHelp(root));
  Sha256 hash;
  for (const char* language : {"en-US", "de"}) {
    const fs::path dir = fs::path(help) / language / "text";
    for (const std::string& file : HtmlFiles(dir)) {
      std::error_code error;
      const uintmax_t size = fs::file_size(dir / file, error);
      hash.Update(absl::StrCat(language, "/", file, " ", error ? 0 : size, "\n"));
    }
  }
  std::string hex;
  for (uint8_t byte : hash.Finish()) {
    hex += absl::StrCat(absl::Hex(static_cast<unsigned>(byte), absl::kZeroPad2));
  }
  return hex;
}

absl::StatusOr<LibreOfficeCorpus> ExtractLibreOfficeHelp(const std::string& root) {
  absl::StatusOr<std::string> help = FindLibreOfficeHelp(root);
  if (!help.ok()) return help.status();
  absl::StatusOr<std::string> fingerprint = LibreOfficeFingerprint(root);
  if (!fingerprint.ok()) return fingerprint.status();

  LibreOfficeCorpus corpus;
  corpus.fingerprint = *fingerprint;
  std::set<SentencePair> seen;
  const fs::path english_dir = fs::path(*help) / "en-US" / "text";
  const fs::path german_dir = fs::path(*help) / "de" / "text";
  for (const std::string& file : HtmlFiles(english_dir)) {
    ++corpus.stats.english_pages;
    std::error_code error;
    if (!fs::exists(german_dir / file, error)) continue;
    ++corpus.stats.paired_pages;
    ASSIGN_OR_RETURN(std::string english, ReadFileBytes((english_dir / file).string()));
    ASSIGN_OR_RETURN(std::string german, ReadFileBytes((german_dir / file).string()));
    for (const auto& [path, bytes] : {std::make_pair(english_dir / file, &english),
                                      std::make_pair(german_dir / file, &german)}) {
      const size_t bad = FirstInvalidUtf8Byte(*bytes);
      if (bad != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(path.string(), ": invalid UTF-8 at byte ", bad + 1));
      }
    }
    std::map<std::string, std::string> german_elements;
    for (auto& [id, text] : ExtractHelpElements(german)) german_elements.emplace(id, text);
    for (auto& [id, text] : ExtractHelpElements(english)) {
      const auto found = german_elements.find(id);
      if (found == german_elements.end() || text.empty() || found->second.empty()) continue;
      ++corpus.stats.aligned_elements;
      if (found->second == text) {
        ++corpus.stats.untranslated;
        continue;
      }
      SentencePair pair{found->second, text};
      if (seen.insert(pair).second) corpus.pairs.push_back(std::move(pair));
    }
  }
  corpus.stats.unique_pairs = static_cast<int64_t>(corpus.pairs.size());
  if (corpus.pairs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(*help, ": no aligned help paragraphs found; ", kUnpackHelp));
  }
  return corpus;
}

}  // namespace core
