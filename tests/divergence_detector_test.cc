#include "core/train/divergence_detector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace core {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(DivergenceDetectorTest, NanOrInfiniteLossDivergesAtOnce) {
  for (double loss : {kNaN, kInf, -kInf}) {
    // Even on the first update and with the explosion test off: NaN/Inf always count.
    DivergenceDetector detector(/*ratio=*/0, /*warmup=*/100);
    EXPECT_THAT(detector.Observe(loss, 1.0), HasSubstr("loss is")) << loss;
  }
}

TEST(DivergenceDetectorTest, NanOrInfiniteGradientNormDivergesAtOnce) {
  for (double norm : {kNaN, kInf}) {
    DivergenceDetector detector(2.0, 100);
    EXPECT_THAT(detector.Observe(5.0, 1.0), IsEmpty());
    EXPECT_THAT(detector.Observe(5.0, norm), HasSubstr("gradient norm is")) << norm;
  }
}

TEST(DivergenceDetectorTest, NonFiniteValuesLeaveTheAveragesAlone) {
  DivergenceDetector detector(2.0, 10);
  detector.Observe(4.0, 1.0);
  detector.Observe(kNaN, 1.0);
  detector.Observe(4.0, kInf);
  EXPECT_EQ(detector.observed(), 1);
  EXPECT_DOUBLE_EQ(detector.fast(), 4.0);
  EXPECT_DOUBLE_EQ(detector.slow(), 4.0);
}

TEST(DivergenceDetectorTest, ExplosionAfterWarmupDiverges) {
  DivergenceDetector detector(/*ratio=*/2.0, /*warmup=*/50);
  for (int i = 0; i < 200; ++i) ASSERT_THAT(detector.Observe(3.0, 1.0), IsEmpty()) << i;
  // The loss jumps tenfold: the fast average passes 2x the slow one within a few updates.
  std::string why;
  int updates = 0;
  while (why.empty() && updates < 100) {
    why = detector.Observe(30.0, 1.0);
    ++updates;
  }
  EXPECT_THAT(why, HasSubstr("loss exploded"));
  EXPECT_LT(updates, 20);
}

TEST(DivergenceDetectorTest, WarmupSwingsBelowTwiceTheFirstLossAreNoDivergence) {
  // Early losses swing and the slow average lags: within the warmup only the first loss
  // bounds them.
  DivergenceDetector detector(2.0, /*warmup=*/100);
  for (int i = 0; i < 90; ++i) {
    ASSERT_THAT(detector.Observe(i % 2 == 0 ? 9.0 : 3.0 + 10.0 * (i % 3 == 0), 1.0), IsEmpty())
        << i;
  }
}

TEST(DivergenceDetectorTest, ExplosionDuringWarmupDivergesAgainstTheFirstLoss) {
  // --lr=10 from the start: the loss climbs from ln V (about 9) to thousands.
  DivergenceDetector detector(2.0, /*warmup=*/100);
  std::string why;
  int updates = 0;
  for (double loss = 9.0; why.empty() && updates < 60; loss *= 1.3, ++updates) {
    why = detector.Observe(loss, 1.0);
  }
  EXPECT_THAT(why, HasSubstr("the first loss 9"));
  EXPECT_LT(updates, 10);
}

TEST(DivergenceDetectorTest, RatioZeroTurnsTheExplosionTestOff) {
  DivergenceDetector detector(/*ratio=*/0, /*warmup=*/0);
  for (int i = 0; i < 100; ++i) ASSERT_THAT(detector.Observe(3.0, 1.0), IsEmpty());
  for (int i = 0; i < 100; ++i) ASSERT_THAT(detector.Observe(3000.0, 1.0), IsEmpty());
}

TEST(DivergenceDetectorTest, NoFalseAlarmOnAFallingNoisyLoss) {
  // A training curve: from 11 down to 3, with +-20% update-to-update noise.
  DivergenceDetector detector(2.0, /*warmup=*/0);
  for (int i = 0; i < 5000; ++i) {
    const double trend = 3.0 + 8.0 * std::exp(-i / 500.0);
    const double noise = 1.0 + 0.2 * std::sin(i * 12.9898);
    ASSERT_THAT(detector.Observe(trend * noise, 0.5 + noise), IsEmpty()) << "update " << i;
  }
}

TEST(DivergenceDetectorTest, RestoreContinuesAsTheUninterruptedDetector) {
  DivergenceDetector uninterrupted(2.0, 20);
  DivergenceDetector first(2.0, 20);
  for (int i = 0; i < 30; ++i) {
    uninterrupted.Observe(5.0 - i * 0.01, 1.0);
    first.Observe(5.0 - i * 0.01, 1.0);
  }
  DivergenceDetector resumed(2.0, 20);
  resumed.Restore(first.fast(), first.slow(), first.initial(), first.observed());
  for (int i = 0; i < 40; ++i) {
    const double loss = i < 10 ? 5.0 : 50.0;
    EXPECT_EQ(resumed.Observe(loss, 1.0), uninterrupted.Observe(loss, 1.0)) << i;
    EXPECT_EQ(resumed.fast(), uninterrupted.fast());
    EXPECT_EQ(resumed.slow(), uninterrupted.slow());
  }
}

}  // namespace
}  // namespace core
