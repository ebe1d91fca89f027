// Sentence pairs from the LibreOffice help (Debian packages libreoffice-help-en-us and
// libreoffice-help-de, 7.4): the same HTML pages in both languages, where every
// translatable element carries an id that is stable across languages.
//
// The packages are not installed (they would pull in LibreOffice); a user downloads and
// unpacks them, and passes the directory:
//
//   apt-get download libreoffice-help-en-us libreoffice-help-de
//   for deb in libreoffice-help-*.deb; do dpkg-deb -x "$deb" /tmp/lo; done
//
//   absl::StatusOr<LibreOfficeCorpus> corpus = ExtractLibreOfficeHelp("/tmp/lo");
//
// Pages under usr/share/libreoffice/help/{en-US,de}/text are paired by relative path;
// inside a page, <p>, <h1>..<h6> and <td> elements with an id attribute are paired by id,
// their tags stripped, entities unescaped and white space collapsed. Pairs with an empty
// side, or whose two sides are identical (untranslated code, names, numbers), are dropped.
#ifndef CORE_DATA_LIBREOFFICE_EXTRACTOR_H_
#define CORE_DATA_LIBREOFFICE_EXTRACTOR_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/data/sentence_pair.h"

namespace core {

// What the extraction saw.
struct LibreOfficeStats {
  // English pages, and those with a German counterpart.
  int64_t english_pages = 0;
  int64_t paired_pages = 0;
  // Elements with the same id on both sides and text on both.
  int64_t aligned_elements = 0;
  // Aligned elements whose German and English text are identical (dropped).
  int64_t untranslated = 0;
  // Distinct pairs kept.
  int64_t unique_pairs = 0;
};

struct LibreOfficeCorpus {
  // Distinct pairs, in page (sorted path) then document order.
  std::vector<SentencePair> pairs;
  LibreOfficeStats stats;
  // Identifies the help files (SHA-256 over their relative paths and sizes): a different
  // package version gives a different fingerprint.
  std::string fingerprint;
};

// The help directory under `root`: `root` itself when it has en-US/ and de/, otherwise
// root/usr/share/libreoffice/help. NotFound (with the unpacking commands) when neither.
absl::StatusOr<std::string> FindLibreOfficeHelp(const std::string& root);

// The fingerprint alone (cheap: no file is read).
absl::StatusOr<std::string> LibreOfficeFingerprint(const std::string& root);

// (id, text) of the translatable elements of one HTML page, in document order; an id seen
// twice keeps its first text.
std::vector<std::pair<std::string, std::string>> ExtractHelpElements(absl::string_view html);

// Decodes the HTML character references &amp; &lt; &gt; &quot; &apos; &nbsp; &#N; &#xN;
// (others are kept as written).
std::string UnescapeHtml(absl::string_view text);

absl::StatusOr<LibreOfficeCorpus> ExtractLibreOfficeHelp(const std::string& root);

}  // namespace core

#endif  // CORE_DATA_LIBREOFFICE_EXTRACTOR_H_
