// Least-squares fits: exact recovery on exact data, R² on noisy data, bad input.
#include "tools/analyze/least_squares.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tools::analyze {
namespace {

TEST(FitLineTest, RecoversAnExactLine) {
  const std::vector<double> x = {1, 2, 4, 6, 12, 18, 25, 50, 100};
  std::vector<double> y;
  for (const double n : x) y.push_back(5.25 * n - 15.5);
  absl::StatusOr<LineFit> fit = FitLine(x, y);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->a, 5.25, 1e-12);
  EXPECT_NEAR(fit->b, -15.5, 1e-10);
  EXPECT_NEAR(fit->r2, 1.0, 1e-12);
}

TEST(FitLogarithmTest, RecoversAnExactLogarithmAndBeatsTheLine) {
  const std::vector<double> x = {1, 2, 4, 6, 12, 18, 25, 50, 100};
  std::vector<double> y;
  for (const double n : x) y.push_back(0.5 * std::log(n) + 0.75);
  absl::StatusOr<LineFit> logarithmic = FitLogarithm(x, y);
  ASSERT_TRUE(logarithmic.ok()) << logarithmic.status();
  EXPECT_NEAR(logarithmic->a, 0.5, 1e-12);
  EXPECT_NEAR(logarithmic->b, 0.75, 1e-12);
  EXPECT_NEAR(logarithmic->r2, 1.0, 1e-12);
  absl::StatusOr<LineFit> linear = FitLine(x, y);
  ASSERT_TRUE(linear.ok());
  EXPECT_LT(linear->r2, 0.9);
}

TEST(FitLineTest, RSquaredOfKnownResiduals) {
  // Best line through (0,0), (1,2), (2,1) is y = 0.5x + 0.5: SS_res = 1.5, SS_tot = 2.
  absl::StatusOr<LineFit> fit = FitLine({0, 1, 2}, {0, 2, 1});
  ASSERT_TRUE(fit.ok());
  EXPECT_DOUBLE_EQ(fit->a, 0.5);
  EXPECT_DOUBLE_EQ(fit->b, 0.5);
  EXPECT_DOUBLE_EQ(fit->r2, 0.25);
}

TEST(FitLineTest, RejectsBadInput) {
  EXPECT_FALSE(FitLine({1, 2}, {1}).ok());
  EXPECT_FALSE(FitLine({3, 3, 3}, {1, 2, 3}).ok());
  EXPECT_FALSE(FitLogarithm({0, 1, 2}, {1, 2, 3}).ok());
}

}  // namespace
}  // namespace tools::analyze
