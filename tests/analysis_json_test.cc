// The nested JSON builder of the analysis reports.
#include <gtest/gtest.h>

#include <limits>

#include "tools/analyze/json.h"

namespace analysis {
namespace {

TEST(JsonTest, NestedDocument) {
  JsonObject row;
  row.Add("mode", "po\"st").Add("layers", 6).AddJson("beta", JsonNumbers({0.5, 0.25}));
  EXPECT_EQ(JsonObject().AddJson("rows", JsonArray({row.str(), "null"})).str(),
            R"({"rows":[{"mode":"po\"st","layers":6,"beta":[0.5,0.25]},null]})");
}

TEST(JsonTest, NumbersKeepEveryDigitAndNonFiniteIsNull) {
  EXPECT_EQ(JsonNumber(0.1), "0.10000000000000001");
  EXPECT_EQ(JsonNumbers({std::numeric_limits<double>::quiet_NaN(),
                         std::numeric_limits<double>::infinity(), 2}),
            "[null,null,2]");
  EXPECT_EQ(JsonIntegers({3, -4}), "[3,-4]");
  EXPECT_EQ(JsonArray({}), "[]");
}

}  // namespace
}  // namespace analysis
