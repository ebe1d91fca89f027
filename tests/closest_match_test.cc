#include "plugins/closest_match.h"

#include <gtest/gtest.h>

namespace plugins {
namespace {

TEST(EditDistanceTest, CountsInsertionsDeletionsSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("adam", "adam"), 0);
  EXPECT_EQ(EditDistance("radm", "radam"), 1);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("", "sgd"), 3);
}

TEST(ClosestMatchTest, SuggestsNearestPlausibleTypo) {
  const std::vector<std::string> names = {"adam", "radam", "sgd"};
  EXPECT_EQ(ClosestMatch("radm", names), "radam");
  EXPECT_EQ(ClosestMatch("sdg", names), "sgd");
  EXPECT_EQ(ClosestMatch("adma", names), "adam");
}

TEST(ClosestMatchTest, NoSuggestionWhenNothingIsClose) {
  EXPECT_EQ(ClosestMatch("lbfgs_with_linesearch", {"adam", "radam", "sgd"}), "");
  EXPECT_EQ(ClosestMatch("adam", {}), "");
}

}  // namespace
}  // namespace plugins
