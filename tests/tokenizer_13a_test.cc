// The 13a tokenizer against sacreBLEU's output (values from sacrebleu's Tokenizer13a).
#include "core/metrics/tokenizer_13a.h"

#include <gtest/gtest.h>

namespace core {
namespace {

TEST(Tokenizer13aTest, MatchesSacreBleu) {
  EXPECT_EQ(Tokenize13a("It wasn't surprising."), "It wasn't surprising .");
  EXPECT_EQ(Tokenize13a("3.5-fold, (really)"), "3.5 - fold , ( really )");
  EXPECT_EQ(Tokenize13a("&amp;quot;x&quot; &lt;b&gt;"), "& quot ; x \" < b >");
  EXPECT_EQ(Tokenize13a("e.g. U.S.A. 1,000.5 a,b 9. .9"),
            "e . g . U . S . A . 1,000.5 a , b 9 . . 9");
  EXPECT_EQ(Tokenize13a("2-3 a-b x--y"), "2 - 3 a-b x--y");
  EXPECT_EQ(Tokenize13a("Hello<skipped>World!"), "HelloWorld !");
  EXPECT_EQ(Tokenize13a("„Zitat“ ÄÖÜ. 日本語。"), "„Zitat“ ÄÖÜ . 日本語。");
  EXPECT_EQ(Tokenize13a("tab\tand\u00a0nbsp\u3000wide"), "tab and nbsp wide");
  EXPECT_EQ(Tokenize13a(" $5 @home #1 ~a {b} [c] |d| ^e_f `g` "),
            "$ 5 @ home # 1 ~ a { b } [ c ] | d | ^ e _ f ` g `");
  EXPECT_EQ(Tokenize13a(""), "");
  EXPECT_EQ(Tokenize13a("   "), "");
}

}  // namespace
}  // namespace core
