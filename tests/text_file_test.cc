// Reading text files with line-numbered errors, line-count checks, atomic writes.
#include "core/util/text_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Write(const std::string& name, const std::string& contents) {
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(TextFileTest, ReadsLinesWithOrWithoutFinalNewline) {
  EXPECT_THAT(*ReadTextLines(Write("a", "one\ntwo\n")), ElementsAre("one", "two"));
  EXPECT_THAT(*ReadTextLines(Write("b", "one\ntwo")), ElementsAre("one", "two"));
  EXPECT_THAT(*ReadTextLines(Write("c", "\n")), ElementsAre(""));
  EXPECT_TRUE(ReadTextLines(Write("d", ""))->empty());
}

TEST(TextFileTest, MissingFileIsNotFound) {
  const absl::StatusOr<std::vector<std::string>> lines = ReadTextLines("/nonexistent/x.de");
  EXPECT_TRUE(absl::IsNotFound(lines.status()));
  EXPECT_THAT(lines.status().message(), HasSubstr("/nonexistent/x.de"));
}

TEST(TextFileTest, InvalidUtf8NamesFileAndLine) {
  const std::string path = Write("bad_utf8", "fine\nalso fine\nbr\xc3oken\n");
  const absl::StatusOr<std::vector<std::string>> lines = ReadTextLines(path);
  EXPECT_TRUE(absl::IsInvalidArgument(lines.status()));
  EXPECT_THAT(lines.status().message(), HasSubstr(path + ":3: invalid UTF-8 at byte 3"));
}

TEST(TextFileTest, OverlongLineNamesFileAndLine) {
  const std::string path = Write("long", "short\n" + std::string(100, 'x') + "\n");
  TextFileOptions options;
  options.max_line_bytes = 50;
  const absl::StatusOr<std::vector<std::string>> lines = ReadTextLines(path, options);
  EXPECT_THAT(lines.status().message(), HasSubstr(path + ":2: line is 100 bytes"));
  options.max_line_bytes = 100;
  EXPECT_TRUE(ReadTextLines(path, options).ok());
}

TEST(TextFileTest, LineCountMismatchReportsWhereTheShortFileEnds) {
  const std::vector<std::string> three = {"a", "b", "c"};
  const std::vector<std::string> two = {"a", "b"};
  EXPECT_TRUE(CheckSameLineCount({{"x.de", &three}, {"x.en", &three}}).ok());
  const absl::Status status = CheckSameLineCount({{"x.de", &three}, {"x.en", &two}});
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_THAT(status.message(), HasSubstr("x.en ends after line 2, x.de has 3 lines"));
  const std::vector<std::string> none;
  EXPECT_THAT(CheckSameLineCount({{"h", &two}, {"r", &none}}).message(), HasSubstr("r is empty"));
}

TEST(TextFileTest, AtomicWriteReplacesContentsAndLeavesNoTemporary) {
  const std::string path = Write("atomic", "old\n");
  ASSERT_TRUE(WriteFileAtomically(path, JoinLines({"new", "lines"})).ok());
  EXPECT_THAT(*ReadTextLines(path), ElementsAre("new", "lines"));
  EXPECT_FALSE(std::ifstream(path + ".tmp-" + std::to_string(getpid())).good());
  EXPECT_FALSE(WriteFileAtomically("/nonexistent/dir/file", "x").ok());
}

}  // namespace
}  // namespace core
