// The learning-rate schedule plugins, through the registry as the trainer uses them: values
// at the warmup boundaries (n = 0, W-1, W, W+1) and far out against the formulas of
// docs/formulas.md §6, decays that never go below --min_lr, and bad settings as errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "plugins/lr_schedule.h"

namespace plugins {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<std::unique_ptr<LrSchedule>> Make(const std::string& name, const OptionMap& options,
                                                 double lr, int64_t max_updates) {
  LrScheduleContext context;
  context.lr = lr;
  context.max_updates = max_updates;
  return LrSchedules().Create(name, options, context);
}

std::unique_ptr<LrSchedule> MakeOrDie(const std::string& name, const OptionMap& options, double lr,
                                      int64_t max_updates = 0) {
  absl::StatusOr<std::unique_ptr<LrSchedule>> schedule = Make(name, options, lr, max_updates);
  EXPECT_TRUE(schedule.ok()) << schedule.status();
  return schedule.ok() ? *std::move(schedule) : nullptr;
}

// The schedule's lr after `n` updates equals `expected` up to rounding.
void ExpectLr(const LrSchedule& schedule, int64_t n, double expected) {
  EXPECT_NEAR(schedule.LearningRate(n), expected, 1e-12 * std::abs(expected)) << "n = " << n;
}

constexpr double kLr = 5e-4;
constexpr double kMinLr = 1e-5;
constexpr double kInitLr = 1e-7;
constexpr int64_t kWarmup = 4000;
constexpr int64_t kMaxUpdates = 100000;

TEST(ConstantTest, SameEverywhere) {
  std::unique_ptr<LrSchedule> schedule = MakeOrDie("constant", {}, kLr);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, kLr);
  ExpectLr(*schedule, 1000000, kLr);
}

TEST(InverseSqrtTest, FairseqWarmupThenInverseSqrt) {
  std::unique_ptr<LrSchedule> schedule =
      MakeOrDie("inverse_sqrt", {{"warmup_init_lr", "1e-7"}}, kLr);
  ASSERT_NE(schedule, nullptr);
  const double step = (kLr - kInitLr) / kWarmup;
  ExpectLr(*schedule, 0, kInitLr);
  ExpectLr(*schedule, kWarmup - 1, kInitLr + (kWarmup - 1) * step);
  ExpectLr(*schedule, kWarmup, kLr);
  ExpectLr(*schedule, kWarmup + 1, kLr * std::sqrt(4000.0 / 4001.0));
  ExpectLr(*schedule, 4 * kWarmup, kLr / 2);
  ExpectLr(*schedule, 1000000, kLr * std::sqrt(4000.0 / 1000000.0));
}

TEST(InverseSqrtTest, DefaultWarmupStartsAtZero) {
  std::unique_ptr<LrSchedule> schedule = MakeOrDie("inverse_sqrt", {}, kLr);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, 0);
  ExpectLr(*schedule, kWarmup / 2, kLr / 2);
}

TEST(InverseSqrtTest, WithoutWarmupDecaysFromTheFirstUpdate) {
  std::unique_ptr<LrSchedule> schedule = MakeOrDie("inverse_sqrt", {{"warmup_updates", "0"}}, kLr);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, kLr);
  ExpectLr(*schedule, 1, kLr);
  ExpectLr(*schedule, 4, kLr / 2);
}

TEST(LinearTest, WarmupThenLinearDecayToMinLr) {
  std::unique_ptr<LrSchedule> schedule =
      MakeOrDie("linear", {{"warmup_init_lr", "1e-7"}, {"min_lr", "1e-5"}}, kLr, kMaxUpdates);
  ASSERT_NE(schedule, nullptr);
  const double span = kMaxUpdates - kWarmup;
  ExpectLr(*schedule, 0, kInitLr);
  ExpectLr(*schedule, kWarmup - 1, kInitLr + (kWarmup - 1) * (kLr - kInitLr) / kWarmup);
  ExpectLr(*schedule, kWarmup, kLr);
  ExpectLr(*schedule, kWarmup + 1, kMinLr + (kLr - kMinLr) * (1 - 1 / span));
  ExpectLr(*schedule, kWarmup + 48000, (kLr + kMinLr) / 2);
  ExpectLr(*schedule, kMaxUpdates - 1, kMinLr + (kLr - kMinLr) / span);
  ExpectLr(*schedule, kMaxUpdates, kMinLr);
  ExpectLr(*schedule, 10 * kMaxUpdates, kMinLr);
}

TEST(LinearTest, DefaultWarmupStartsAtLrAsInTheNoWarmupRuns) {
  // Transformer-Clinic's linear schedule with --warmup-updates 1 and no --warmup-init-lr, as in
  // the paper's no-warmup grid (docs/formulas.md §9.2, §6.3): lr for the first two updates,
  // then decay.
  std::unique_ptr<LrSchedule> schedule =
      MakeOrDie("linear", {{"warmup_updates", "1"}, {"min_lr", "1e-5"}}, kLr, 1001);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, kLr);
  ExpectLr(*schedule, 1, kLr);
  ExpectLr(*schedule, 2, (kLr - kMinLr) * 0.999 + kMinLr);
  ExpectLr(*schedule, 1001, kMinLr);
}

TEST(LinearTest, WithoutWarmup) {
  std::unique_ptr<LrSchedule> schedule = MakeOrDie("linear", {{"warmup_updates", "0"}}, kLr, 1000);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, kLr);
  ExpectLr(*schedule, 1, kLr * 0.999);
  ExpectLr(*schedule, 250, kLr * 0.75);
  ExpectLr(*schedule, 999, kLr * 0.001);
  EXPECT_EQ(schedule->LearningRate(1000), 0);
  EXPECT_EQ(schedule->LearningRate(5000), 0);
}

TEST(PolyTest, ClinicPolyWithoutWarmup) {
  // (lr - min_lr) (1 - n / max_update)^poly_pow + min_lr, poly_pow 2 (docs/formulas.md §6.4).
  std::unique_ptr<LrSchedule> schedule = MakeOrDie("poly", {{"min_lr", "1e-5"}}, kLr, 1000);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, kLr);
  ExpectLr(*schedule, 1, (kLr - kMinLr) * 0.999 * 0.999 + kMinLr);
  ExpectLr(*schedule, 500, (kLr - kMinLr) * 0.25 + kMinLr);
  ExpectLr(*schedule, 1000, kMinLr);
  ExpectLr(*schedule, 3000, kMinLr);
}

TEST(PolyTest, WarmupThenPowerDecay) {
  std::unique_ptr<LrSchedule> schedule =
      MakeOrDie("poly", {{"warmup_updates", "10"}, {"power", "3"}}, kLr, 110);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, 0);
  ExpectLr(*schedule, 9, kLr * 0.9);
  ExpectLr(*schedule, 10, kLr);
  ExpectLr(*schedule, 11, kLr * std::pow(0.99, 3));
  ExpectLr(*schedule, 60, kLr / 8);
  EXPECT_EQ(schedule->LearningRate(110), 0);
}

TEST(CosineTest, WarmupThenHalfCosine) {
  std::unique_ptr<LrSchedule> schedule =
      MakeOrDie("cosine", {{"warmup_updates", "10"}, {"min_lr", "1e-5"}}, kLr, 110);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, 0);
  ExpectLr(*schedule, 9, kLr * 0.9);
  ExpectLr(*schedule, 10, kLr);
  ExpectLr(*schedule, 11, kMinLr + (kLr - kMinLr) * (1 + std::cos(M_PI / 100)) / 2);
  ExpectLr(*schedule, 60, (kLr + kMinLr) / 2);
  ExpectLr(*schedule, 110, kMinLr);
  ExpectLr(*schedule, 100000, kMinLr);
}

TEST(InverseSqrtNoWarmupTest, TFixupDecay) {
  // lr sqrt(D / (D + n)) from the first update (docs/formulas.md §6.5).
  std::unique_ptr<LrSchedule> schedule = MakeOrDie("inverse_sqrt_nowarmup", {}, kLr);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 0, kLr);
  ExpectLr(*schedule, 1, kLr * std::sqrt(4000.0 / 4001.0));
  ExpectLr(*schedule, 4000, kLr / std::sqrt(2.0));
  ExpectLr(*schedule, 12000, kLr / 2);
  ExpectLr(*schedule, 4000000, kLr * std::sqrt(4000.0 / 4004000.0));
  std::unique_ptr<LrSchedule> short_period =
      MakeOrDie("inverse_sqrt_nowarmup", {{"decay_period", "100"}}, kLr);
  ASSERT_NE(short_period, nullptr);
  ExpectLr(*short_period, 300, kLr / 2);
}

// The decaying schedules, with and without warmup: from the end of warmup on, lr never
// rises and never goes below --min_lr, up to and far past --max_updates.
class DecayTest : public ::testing::TestWithParam<const char*> {};

TEST_P(DecayTest, NeverBelowMinLrAndNeverRising) {
  for (const char* warmup : {"0", "100"}) {
    SCOPED_TRACE(std::string("warmup_updates = ") + warmup);
    std::unique_ptr<LrSchedule> schedule =
        MakeOrDie(GetParam(), {{"warmup_updates", warmup}, {"min_lr", "1e-5"}}, kLr, 1000);
    ASSERT_NE(schedule, nullptr);
    double previous = kLr;
    for (int64_t n = std::stoi(warmup); n <= 3000; ++n) {
      const double lr = schedule->LearningRate(n);
      ASSERT_GE(lr, kMinLr) << "n = " << n;
      ASSERT_LE(lr, previous) << "n = " << n;
      previous = lr;
    }
    EXPECT_EQ(schedule->LearningRate(1000), kMinLr);
  }
}

TEST_P(DecayTest, WarmupMayEndAtMaxUpdates) {
  std::unique_ptr<LrSchedule> schedule = MakeOrDie(
      GetParam(), {{"warmup_updates", "10"}, {"warmup_init_lr", "0"}, {"min_lr", "1e-5"}}, kLr, 10);
  ASSERT_NE(schedule, nullptr);
  ExpectLr(*schedule, 9, kLr * 0.9);
  EXPECT_EQ(schedule->LearningRate(10), kMinLr);
}

INSTANTIATE_TEST_SUITE_P(Schedules, DecayTest, ::testing::Values("linear", "poly", "cosine"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

struct BadSettings {
  std::string schedule;
  OptionMap options;
  double lr;
  int64_t max_updates;
  std::string message;
};

TEST(LrScheduleOptionsTest, BadSettingsAreErrors) {
  const BadSettings cases[] = {
      {"inverse_sqrt",
       {{"warmup_updates", "-1"}},
       kLr,
       0,
       "lr_scheduler 'inverse_sqrt': --warmup_updates = -1 must be >= 0"},
      {"inverse_sqrt", {}, -1, 0, "lr_scheduler 'inverse_sqrt': --lr = -1 must be >= 0"},
      {"inverse_sqrt_nowarmup",
       {{"decay_period", "0"}},
       kLr,
       0,
       "lr_scheduler 'inverse_sqrt_nowarmup': --decay_period = 0 must be > 0"},
      {"inverse_sqrt_nowarmup", {}, -1, 0, "'inverse_sqrt_nowarmup': --lr = -1 must be >= 0"},
      {"linear",
       {},
       kLr,
       0,
       "lr_scheduler 'linear': decays until --max_updates, which must be > 0"},
      {"cosine", {}, kLr, -5, "lr_scheduler 'cosine': decays until --max_updates, which must be"},
      {"linear",
       {},
       kLr,
       1000,
       "lr_scheduler 'linear': --warmup_updates = 4000 must be <= --max_updates = 1000"},
      {"poly",
       {{"warmup_updates", "11"}},
       kLr,
       10,
       "lr_scheduler 'poly': --warmup_updates = 11 must be <= --max_updates = 10"},
      {"cosine",
       {{"warmup_updates", "-1"}},
       kLr,
       10,
       "lr_scheduler 'cosine': --warmup_updates = -1 must be >= 0"},
      {"poly", {}, -0.001, 10, "lr_scheduler 'poly': --lr = -0.001 must be >= 0"},
      {"linear",
       {{"warmup_updates", "0"}, {"min_lr", "-1e-05"}},
       kLr,
       10,
       "lr_scheduler 'linear': --min_lr = -1e-05 must be in [0, --lr = 0.0005]"},
      {"cosine",
       {{"min_lr", "0.001"}},
       kLr,
       10,
       "lr_scheduler 'cosine': --min_lr = 0.001 must be in [0, --lr = 0.0005]"},
      {"poly", {{"power", "0"}}, kLr, 10, "lr_scheduler 'poly': --power = 0 must be > 0"},
  };
  for (const BadSettings& bad : cases) {
    SCOPED_TRACE(bad.message);
    absl::StatusOr<std::unique_ptr<LrSchedule>> schedule =
        Make(bad.schedule, bad.options, bad.lr, bad.max_updates);
    ASSERT_FALSE(schedule.ok());
    EXPECT_EQ(schedule.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(schedule.status().message()), HasSubstr(bad.message));
  }
}

}  // namespace
}  // namespace plugins
