// LibreOffice help pairs: element extraction, entities, pairing by path and id, and the
// errors when the packages were not unpacked.
#include "core/data/libreoffice_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace core {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(LibreOfficeExtractorTest, UnescapesEntities) {
  EXPECT_EQ(UnescapeHtml("a &lt;b&gt; &amp;amp; &quot;c&quot; &apos;d&apos;"),
            "a <b> &amp; \"c\" 'd'");
  EXPECT_EQ(UnescapeHtml("&#228;&#x20AC;&nbsp;x"), "ä€\u00a0x");
  EXPECT_EQ(UnescapeHtml("&unknown; & lone &#xZZ;"), "&unknown; & lone &#xZZ;");
}

TEST(LibreOfficeExtractorTest, ExtractsElementsWithIds) {
  const std::string html =
      "<html><body><h1 id=\"hd_id1\" dir=\"auto\">Find Bar</h1>\n"
      "<p id=\"par_id2\" class=\"paragraph\">The <span class=\"menuitem\">Find</span>\n"
      "  toolbar &amp; more.</p><p class=\"x\">no id</p>"
      "<td id=\"par_id3\"><p>in a cell</p><br>second line</td>"
      "<p id=\"par_id2\">duplicate id</p><div id=\"par_id4\">not an element we take</div>"
      "<h2 data-id=\"x\" id=\"hd_id5\">Heading</h2></body></html>";
  EXPECT_THAT(ExtractHelpElements(html),
              ElementsAre(Pair("hd_id1", "Find Bar"), Pair("par_id2", "The Find toolbar & more."),
                          Pair("par_id3", "in a cell second line"), Pair("hd_id5", "Heading")));
}

class LibreOfficeTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(getenv("TEST_TMPDIR")) / "lo";
    fs::remove_all(root_);
    const fs::path help = root_ / "usr/share/libreoffice/help";
    Write(help / "en-US/text/shared/a.html",
          "<p id=\"par_1\">Click <b>OK</b>.</p><p id=\"par_2\">Calc</p>"
          "<h2 id=\"hd_3\">Printing</h2><p id=\"par_4\">Only in English.</p>");
    Write(help / "de/text/shared/a.html",
          "<p id=\"par_1\">Klicken Sie auf <b>OK</b>.</p><p id=\"par_2\">Calc</p>"
          "<h2 id=\"hd_3\">Drucken</h2>");
    Write(help / "en-US/text/shared/b.html", "<p id=\"par_1\">No German page.</p>");
    Write(help / "en-US/text/swriter/c.html", "<p id=\"par_9\">Click <b>OK</b>.</p>");
    Write(help / "de/text/swriter/c.html", "<p id=\"par_9\">Klicken Sie auf <b>OK</b>.</p>");
  }

  static void Write(const fs::path& path, const std::string& body) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "<html><body>" << body << "</body></html>\n";
  }

  fs::path root_;
};

TEST_F(LibreOfficeTreeTest, PairsPagesByPathAndElementsById) {
  const absl::StatusOr<LibreOfficeCorpus> corpus = ExtractLibreOfficeHelp(root_.string());
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  EXPECT_EQ(corpus->pairs, (std::vector<SentencePair>{{"Klicken Sie auf OK.", "Click OK."},
                                                      {"Drucken", "Printing"}}));
  EXPECT_EQ(corpus->stats.english_pages, 3);
  EXPECT_EQ(corpus->stats.paired_pages, 2);
  EXPECT_EQ(corpus->stats.aligned_elements, 4);
  EXPECT_EQ(corpus->stats.untranslated, 1);  // "Calc"
  EXPECT_EQ(corpus->stats.unique_pairs, 2);  // the c.html pair repeats a.html's
  // The help directory itself works as the root too.
  EXPECT_TRUE(ExtractLibreOfficeHelp((root_ / "usr/share/libreoffice/help").string()).ok());
}

TEST_F(LibreOfficeTreeTest, FingerprintFollowsTheFiles) {
  const std::string before = *LibreOfficeFingerprint(root_.string());
  EXPECT_EQ(*LibreOfficeFingerprint(root_.string()), before);
  Write(root_ / "usr/share/libreoffice/help/de/text/shared/a.html", "<p id=\"par_1\">Neu.</p>");
  EXPECT_NE(*LibreOfficeFingerprint(root_.string()), before);
}

TEST(LibreOfficeExtractorTest, MissingPackagesGiveTheUnpackCommands) {
  const absl::Status status = ExtractLibreOfficeHelp("/nonexistent/lo").status();
  EXPECT_TRUE(absl::IsNotFound(status));
  EXPECT_THAT(status.message(), HasSubstr("apt-get download libreoffice-help-en-us"));
  EXPECT_THAT(status.message(), HasSubstr("dpkg-deb -x"));
}

}  // namespace
}  // namespace core
