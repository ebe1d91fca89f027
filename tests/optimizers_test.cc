// The optimizer plugins against golden trajectories, through the registry as the trainer
// uses them. tests/golden/optim_<case>.txt (written by make_optimizer_golden.py) holds the
// case's flags and the parameters after each step on tests/golden/optim_input.txt: PyTorch
// 1.13 float64 where PyTorch has the optimizer, a transcription of docs/formulas.md §7 for the
// RAdam variants it lacks. Also: a save/load round trip continues the exact trajectory, and
// out-of-range options are errors naming the plugin, option and value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/serialize.h>
#include <torch/types.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "plugins/optimizer.h"

namespace plugins {
namespace {

using ::testing::HasSubstr;
using Rows = std::vector<std::vector<double>>;

constexpr char kGoldenDir[] = "tests/golden/";

std::vector<double> ParseRow(const std::string& line) {
  std::vector<double> row;
  for (absl::string_view field : absl::StrSplit(line, ' ', absl::SkipEmpty())) {
    double value;
    EXPECT_TRUE(absl::SimpleAtod(field, &value)) << "not a number: " << field;
    row.push_back(value);
  }
  return row;
}

// The lines of a golden file that are not comments.
std::vector<std::string> ReadLines(const std::string& name) {
  std::ifstream file(kGoldenDir + name);
  EXPECT_TRUE(file) << "cannot open " << kGoldenDir << name;
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    if (!absl::StartsWith(line, "#")) lines.push_back(line);
  }
  return lines;
}

// optim_input.txt: P, the P initial values, then one row of gradients per step.
struct Input {
  std::vector<double> initial;
  Rows gradients;
};

const Input& GoldenInput() {
  static const Input* const input = [] {
    auto* input = new Input;
    const std::vector<std::string> lines = ReadLines("optim_input.txt");
    for (size_t i = 1; i < lines.size(); ++i) {
      if (i == 1) {
        input->initial = ParseRow(lines[i]);
      } else {
        input->gradients.push_back(ParseRow(lines[i]));
      }
    }
    return input;
  }();
  return *input;
}

// One golden case: which optimizer with which flags, and the expected trajectory.
struct Golden {
  std::string optimizer;
  double lr = 0;
  OptionMap options;
  Rows trajectory;
};

Golden ReadGolden(const std::string& name) {
  const std::vector<std::string> lines = ReadLines("optim_" + name + ".txt");
  Golden golden;
  if (lines.empty()) return golden;
  for (absl::string_view flag : absl::StrSplit(lines[0], ' ', absl::SkipEmpty())) {
    EXPECT_TRUE(absl::ConsumePrefix(&flag, "--")) << flag;
    const std::vector<std::string> name_value = absl::StrSplit(flag, absl::MaxSplits('=', 1));
    if (name_value[0] == "optimizer") {
      golden.optimizer = name_value[1];
    } else if (name_value[0] == "lr") {
      EXPECT_TRUE(absl::SimpleAtod(name_value[1], &golden.lr));
    } else {
      golden.options[name_value[0]] = name_value[1];
    }
  }
  for (size_t i = 1; i < lines.size(); ++i) golden.trajectory.push_back(ParseRow(lines[i]));
  return golden;
}

// A float64 parameter as the trainer's parameters are: a leaf that requires grad.
torch::Tensor Parameter(const std::vector<double>& values) {
  return torch::tensor(values, torch::kFloat64).requires_grad_();
}

absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> Make(const std::string& name,
                                                              const OptionMap& options, double lr,
                                                              const torch::Tensor& parameter) {
  OptimizerContext context;
  context.parameters = {parameter};
  context.lr = lr;
  return Optimizers().Create(name, options, context);
}

// Applies gradients[begin, end) and returns the parameter after each step.
Rows Replay(torch::optim::Optimizer& optimizer, torch::Tensor& parameter, const Rows& gradients,
            size_t begin, size_t end) {
  Rows rows;
  for (size_t step = begin; step < end; ++step) {
    parameter.mutable_grad() = torch::tensor(gradients[step], torch::kFloat64);
    optimizer.step();
    const torch::Tensor values = parameter.detach().contiguous();
    rows.emplace_back(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
  }
  return rows;
}

// Every case of make_optimizer_golden.py.
const char* const kCases[] = {
    "sgd",         "sgd_momentum",    "sgd_nesterov",        "adam",          "adam_l2",
    "adamw",       "adam_amsgrad",    "adamw_amsgrad",       "radam",         "radam_l2",
    "radam_paper", "radam_reference", "radam_reference_sgd", "radam_fairseq", "radam_decoupled",
};

class OptimizerGoldenTest : public ::testing::TestWithParam<const char*> {
 protected:
  OptimizerGoldenTest() : golden_(ReadGolden(GetParam())) {}

  std::unique_ptr<torch::optim::Optimizer> MakeOrDie(const torch::Tensor& parameter) const {
    absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> optimizer =
        Make(golden_.optimizer, golden_.options, golden_.lr, parameter);
    EXPECT_TRUE(optimizer.ok()) << optimizer.status();
    return optimizer.ok() ? *std::move(optimizer) : nullptr;
  }

  Golden golden_;
};

TEST_P(OptimizerGoldenTest, MatchesTheReferenceTrajectory) {
  const Input& input = GoldenInput();
  ASSERT_EQ(golden_.trajectory.size(), input.gradients.size());
  torch::Tensor parameter = Parameter(input.initial);
  std::unique_ptr<torch::optim::Optimizer> optimizer = MakeOrDie(parameter);
  ASSERT_NE(optimizer, nullptr);
  const Rows rows = Replay(*optimizer, parameter, input.gradients, 0, input.gradients.size());
  for (size_t step = 0; step < rows.size(); ++step) {
    ASSERT_EQ(rows[step].size(), golden_.trajectory[step].size());
    for (size_t i = 0; i < rows[step].size(); ++i) {
      const double expected = golden_.trajectory[step][i];
      // 1e-6 relative; the floor only matters for values within 1e-6 of zero.
      EXPECT_NEAR(rows[step][i], expected, 1e-6 * std::max(std::abs(expected), 1e-6))
          << "step " << step + 1 << ", value " << i;
    }
  }
}

// Saved after `saved_after` steps, loaded into a fresh optimizer built from the same options
// over a fresh parameter: the rest of the run is bit for bit the uninterrupted one. The
// split points fall before and after RAdam's first rectified step (t = 6).
TEST_P(OptimizerGoldenTest, SaveAndLoadContinueTheExactTrajectory) {
  const Input& input = GoldenInput();
  const size_t num_steps = input.gradients.size();
  torch::Tensor uninterrupted_parameter = Parameter(input.initial);
  std::unique_ptr<torch::optim::Optimizer> uninterrupted = MakeOrDie(uninterrupted_parameter);
  ASSERT_NE(uninterrupted, nullptr);
  const Rows expected =
      Replay(*uninterrupted, uninterrupted_parameter, input.gradients, 0, num_steps);

  for (const size_t saved_after : {3, 12}) {
    SCOPED_TRACE(absl::StrFormat("saved after step %d", saved_after));
    torch::Tensor parameter = Parameter(input.initial);
    std::unique_ptr<torch::optim::Optimizer> first = MakeOrDie(parameter);
    ASSERT_NE(first, nullptr);
    Replay(*first, parameter, input.gradients, 0, saved_after);
    std::stringstream checkpoint;
    torch::save(*first, checkpoint);

    torch::Tensor resumed_parameter = Parameter(expected[saved_after - 1]);
    std::unique_ptr<torch::optim::Optimizer> resumed = MakeOrDie(resumed_parameter);
    ASSERT_NE(resumed, nullptr);
    torch::load(*resumed, checkpoint);
    const Rows rows = Replay(*resumed, resumed_parameter, input.gradients, saved_after, num_steps);
    for (size_t step = saved_after; step < num_steps; ++step) {
      EXPECT_EQ(rows[step - saved_after], expected[step]) << "step " << step + 1;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Goldens, OptimizerGoldenTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

// rho_t as the radam plugin computes it (docs/formulas.md §7.1).
double Rho(double beta2, int64_t step) {
  const double t = static_cast<double>(step);
  const double rho_inf = 2 / (1 - beta2) - 1;
  return rho_inf - 2 * t * std::pow(beta2, t) / (1 - std::pow(beta2, t));
}

// The step at which a parameter of 1 with gradient 1 first moves.
int64_t FirstUpdate(const OptionMap& options) {
  torch::Tensor parameter = Parameter({1});
  absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> optimizer =
      Make("radam", options, 0.01, parameter);
  EXPECT_TRUE(optimizer.ok()) << optimizer.status();
  if (!optimizer.ok()) return -1;
  for (int64_t step = 1; step <= 20; ++step) {
    if (Replay(**optimizer, parameter, {{1}}, 0, 1)[0][0] != 1) return step;
  }
  return -1;
}

TEST(RAdamTest, InclusiveThresholdRectifiesWhenRhoEqualsIt) {
  // With beta2 = 0.999, rho_5 < 5 < rho_6: a threshold of exactly rho_6 separates > from >=.
  const std::string rho6 = absl::StrFormat("%.17g", Rho(0.999, 6));
  EXPECT_EQ(FirstUpdate({{"below_threshold", "none"}, {"rectify_threshold", rho6}}), 7);
  EXPECT_EQ(FirstUpdate({{"below_threshold", "none"},
                         {"rectify_threshold", rho6},
                         {"rectify_inclusive", "true"}}),
            6);
}

TEST(RAdamTest, BelowThresholdChoosesBetweenSgdStepAndNoStep) {
  EXPECT_EQ(FirstUpdate({}), 1);
  EXPECT_EQ(FirstUpdate({{"below_threshold", "none"}}), 6);
  // The paper's threshold: rho_5 = 4.996 > 4.
  EXPECT_EQ(FirstUpdate({{"below_threshold", "none"}, {"rectify_threshold", "4"}}), 5);
}

TEST(RAdamTest, CheckpointHoldsTheOptions) {
  torch::Tensor parameter = Parameter({1});
  absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> optimizer =
      Make("radam",
           {{"weight_decay_mode", "decoupled_on_update"},
            {"rectify_threshold", "4.5"},
            {"betas", "0.8,0.95"}},
           0.25, parameter);
  ASSERT_TRUE(optimizer.ok()) << optimizer.status();
  std::stringstream checkpoint;
  torch::save(**optimizer, checkpoint);
  torch::serialize::InputArchive archive;
  archive.load_from(checkpoint);
  torch::serialize::InputArchive groups, group, options;
  archive.read("param_groups", groups);
  groups.read("param_groups/0", group);
  group.read("options", options);
  c10::IValue value;
  options.read("weight_decay_mode", value);
  EXPECT_EQ(value.toStringRef(), "decoupled_on_update");
  options.read("rectify_threshold", value);
  EXPECT_EQ(value.toDouble(), 4.5);
  options.read("beta2", value);
  EXPECT_EQ(value.toDouble(), 0.95);
  options.read("lr", value);
  EXPECT_EQ(value.toDouble(), 0.25);
}

struct BadOptions {
  std::string optimizer;
  OptionMap options;
  double lr;
  std::string message;
};

TEST(OptimizerOptionsTest, OutOfRangeValuesAreErrors) {
  const BadOptions cases[] = {
      {"sgd", {}, -1, "optimizer 'sgd': --lr = -1 must be >= 0"},
      {"sgd", {{"momentum", "-0.5"}}, 0.1, "optimizer 'sgd': --momentum = -0.5 must be >= 0"},
      {"sgd", {{"weight_decay", "-1"}}, 0.1, "optimizer 'sgd': --weight_decay = -1 must be >= 0"},
      {"sgd", {{"nesterov", "true"}}, 0.1, "nesterov needs momentum > 0"},
      {"adam", {{"betas", "0.9,1"}}, 0.1, "optimizer 'adam': --betas = 0.9,1 must be two"},
      {"adam", {{"betas", "0.9"}}, 0.1, "optimizer 'adam': --betas = 0.9 must be two"},
      {"adam", {{"eps", "-1e-08"}}, 0.1, "optimizer 'adam': --eps = -1e-08 must be >= 0"},
      {"adam", {}, -0.5, "optimizer 'adam': --lr = -0.5 must be >= 0"},
      {"radam", {}, -1, "optimizer 'radam': --lr = -1 must be >= 0"},
      {"radam", {{"betas", "-0.1,0.9"}}, 0.1, "optimizer 'radam': --betas = -0.1,0.9 must be"},
      {"radam", {{"eps", "-1"}}, 0.1, "optimizer 'radam': --eps = -1 must be >= 0"},
      {"radam", {{"weight_decay", "-1"}}, 0.1, "'radam': --weight_decay = -1 must be >= 0"},
      {"radam", {{"rectify_threshold", "3"}}, 0.1, "'radam': --rectify_threshold = 3 must be >= 4"},
      {"radam", {{"below_threshold", "sdg"}}, 0.1, "--below_threshold = 'sdg' must be 'sgd' or"},
      {"radam", {{"weight_decay_mode", "l1"}}, 0.1, "--weight_decay_mode = 'l1' must be 'l2',"},
  };
  for (const BadOptions& bad : cases) {
    SCOPED_TRACE(bad.message);
    absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> optimizer =
        Make(bad.optimizer, bad.options, bad.lr, Parameter({1}));
    ASSERT_FALSE(optimizer.ok());
    EXPECT_EQ(optimizer.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(optimizer.status().message()), HasSubstr(bad.message));
  }
}

}  // namespace
}  // namespace plugins
