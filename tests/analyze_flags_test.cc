// The analysis flags: what each report accepts, defaults, and errors that name the flag.
#include "tools/analyze/analyze_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tools::analyze {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<AnalyzeFlags> Take(std::vector<std::string> args) { return TakeAnalyzeFlags(args); }

TEST(AnalyzeFlagsTest, TakesItsFlagsAndLeavesTheTrainerFlags) {
  std::vector<std::string> args = {
      "--report=output_change",       "--embed_dim=128", "--depths=1,2,100",
      "--modes=post,scaled:deepnorm", "--seeds=2",       "--decoder_layers=1"};
  absl::StatusOr<AnalyzeFlags> flags = TakeAnalyzeFlags(args);
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_THAT(args, ElementsAre("--embed_dim=128", "--decoder_layers=1"));
  EXPECT_THAT(flags->depths, ElementsAre(1, 2, 100));
  ASSERT_EQ(flags->modes.size(), 2u);
  EXPECT_EQ(flags->modes[0].residual, "post");
  EXPECT_EQ(flags->modes[0].init, "default");
  EXPECT_EQ(flags->modes[1].name, "scaled:deepnorm");
  EXPECT_EQ(flags->modes[1].residual, "scaled");
  EXPECT_EQ(flags->modes[1].init, "deepnorm");
  EXPECT_EQ(flags->seeds, 2);
  EXPECT_EQ(flags->delta, DeltaKind::kRandomSign);
  EXPECT_EQ(flags->epsilon, 1e-4);
}

TEST(AnalyzeFlagsTest, Defaults) {
  absl::StatusOr<AnalyzeFlags> flags = Take({"--report=output_change"});
  ASSERT_TRUE(flags.ok());
  ASSERT_EQ(flags->modes.size(), 3u);
  EXPECT_EQ(flags->modes[2].residual, "admin");
  EXPECT_EQ(flags->modes[2].init, "admin");
  EXPECT_EQ(flags->output_dir, "runs/analysis");
  // The reference code's step for gradient signs.
  flags = Take({"--report=output_change", "--delta=grad_sign"});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->delta, DeltaKind::kGradientSign);
  EXPECT_EQ(flags->epsilon, 1e-6);
  flags = Take({"--report=output_change", "--delta=grad_sign", "--epsilon=0"});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->epsilon, 0);
}

TEST(AnalyzeFlagsTest, ErrorsNameTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--report=plot"},
       "--report=plot: not one of dependency, grad_norms, omega_profile, "
       "output_change, param_stats"},
      {{}, "--report is required: one of dependency,"},
      {{"--report=grad_norm"}, "did you mean 'grad_norms'?"},
      {{"--report=output_change", "--depths=1,x"}, "--depths=1,x: expected positive integers"},
      {{"--report=output_change", "--depths=0"}, "--depths=0"},
      {{"--report=output_change", "--modes=post,sideways"}, "unknown mode 'sideways'"},
      {{"--report=output_change", "--delta=gaussian"},
       "--delta=gaussian: not one of random_sign, grad_sign"},
      {{"--report=output_change", "--epsilon=-1"}, "--epsilon=-1"},
      {{"--report=output_change", "--seeds=0"}, "--seeds=0"},
      {{"--report=dependency", "--modes=post"}, "--modes does not apply to --report=dependency"},
      {{"--report=output_change", "--checkpoint=c.pt", "--depths=6"},
       "--depths is meaningless with --checkpoint"},
      {{"--report=output_change", "--seeds=1", "--seeds=2"}, "--seeds is given twice"},
      {{"--report"}, "--report needs a value"},
  };
  for (const auto& [args, message] : cases) {
    absl::StatusOr<AnalyzeFlags> flags = Take(args);
    ASSERT_FALSE(flags.ok()) << message;
    EXPECT_TRUE(absl::IsInvalidArgument(flags.status()));
    EXPECT_THAT(std::string(flags.status().message()), HasSubstr(message));
  }
}

}  // namespace
}  // namespace tools::analyze
