// UTF-8 validation/decoding and Python-compatible white space splitting.
#include "core/util/utf8.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace core {
namespace {

using ::testing::ElementsAre;

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_EQ(FirstInvalidUtf8Byte(""), std::string::npos);
  EXPECT_EQ(FirstInvalidUtf8Byte("Der Zug fährt ein. 日本語 \U0001F600"), std::string::npos);
}

TEST(Utf8Test, FindsTheFirstBadByte) {
  EXPECT_EQ(FirstInvalidUtf8Byte("ab\xff"), 2u);            // never valid
  EXPECT_EQ(FirstInvalidUtf8Byte("a\xc3"), 1u);             // truncated
  EXPECT_EQ(FirstInvalidUtf8Byte("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8Byte("x\xed\xa0\x80"), 1u);     // surrogate
  EXPECT_EQ(FirstInvalidUtf8Byte("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8Byte("ok\x80"), 2u);            // lone continuation
}

TEST(Utf8Test, DecodesAndEncodes) {
  EXPECT_EQ(DecodeUtf8("aä€\U0001F600"), U"aä€\U0001F600");
  std::string out;
  for (char32_t c : U"aä€\U0001F600") {
    if (c != 0) AppendUtf8(c, &out);
  }
  EXPECT_EQ(out, "aä€\U0001F600");
}

TEST(Utf8Test, WhitespaceIsPythons) {
  for (char32_t c :
       {U'\t', U'\n', U'\v', U'\f', U'\r', U'\x1c', U'\x1f', U' ', U'\x85', U'\xa0', U'\u1680',
        U'\u2000', U'\u200a', U'\u2028', U'\u2029', U'\u202f', U'\u205f', U'\u3000'}) {
    EXPECT_TRUE(IsUnicodeWhitespace(c)) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'a', U'\u200b', U'\ufeff', U'\x1b', U'_'}) {
    EXPECT_FALSE(IsUnicodeWhitespace(c)) << static_cast<uint32_t>(c);
  }
}

TEST(Utf8Test, SplitsLikePythonSplit) {
  EXPECT_THAT(SplitOnWhitespace("  a\u00a0b\tc\u3000 "), ElementsAre("a", "b", "c"));
  EXPECT_TRUE(SplitOnWhitespace(" \t ").empty());
  EXPECT_EQ(CollapseWhitespace("  Der  Zug\n fährt "), "Der Zug fährt");
}

}  // namespace
}  // namespace core
