// Checkpoints onto a target device: a save on the CPU loads back with an explicit target
// (weights, optimizer state, random generator, state), a target this process cannot use is
// refused naming --device, which saved generator states a load restores when the visible
// GPUs differ, and the LibTorch major-version check of the optimizer state.
#include "core/train/checkpoint.h"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>

#include <string>

namespace core {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const c10::Device kCpu(c10::kCPU);

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

// A linear layer and Adam with state after one step.
struct Trained {
  torch::nn::Linear model{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer;
};

Trained MakeTrained(uint64_t seed) {
  at::manual_seed(seed);
  Trained trained;
  trained.model = torch::nn::Linear(4, 3);
  trained.optimizer = std::make_unique<torch::optim::Adam>(trained.model->parameters(),
                                                           torch::optim::AdamOptions(0.1));
  trained.model->forward(at::randn({2, 4})).sum().backward();
  trained.optimizer->step();
  return trained;
}

TEST(CheckpointTest, LoadsOntoAnExplicitCpuTarget) {
  Trained saved = MakeTrained(1);
  CheckpointState state;
  state.updates = 7;
  state.config = {{"lr", "0.1"}};
  const std::string path = TempPath("cpu.pt");
  ASSERT_TRUE(SaveCheckpoint(path, *saved.model, *saved.optimizer, state).ok());
  const at::Tensor weight_at_save = saved.model->weight.detach().clone();
  const at::Tensor draw_after_save = at::rand({3});

  Trained loaded = MakeTrained(2);
  absl::StatusOr<CheckpointState> restored =
      LoadCheckpoint(path, *loaded.model, *loaded.optimizer, kCpu);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->updates, 7);
  EXPECT_EQ(restored->config.at("lr"), "0.1");
  EXPECT_EQ(restored->libtorch_version, LibTorchVersion());
  EXPECT_TRUE(at::equal(loaded.model->weight, saved.model->weight));
  EXPECT_EQ(loaded.model->weight.device(), kCpu);
  // The CPU generator continues where the saving process was.
  EXPECT_TRUE(at::equal(at::rand({3}), draw_after_save));
  if (!at::hasCUDA()) {
    EXPECT_TRUE(restored->skipped_generators.empty());
  }
  // The optimizer state came back: the same gradient makes the same step.
  for (Trained* trained : {&saved, &loaded}) {
    trained->optimizer->zero_grad();
    trained->model->forward(at::ones({1, 4})).sum().backward();
    trained->optimizer->step();
  }
  EXPECT_TRUE(at::equal(loaded.model->weight, saved.model->weight));

  Trained weights_only = MakeTrained(3);
  ASSERT_TRUE(LoadCheckpointModel(path, *weights_only.model, kCpu).ok());
  EXPECT_TRUE(at::equal(weights_only.model->weight, weight_at_save));
}

TEST(CheckpointTest, RefusesATargetThisProcessCannotUse) {
  if (at::hasCUDA() && at::getNumGPUs() > 7) GTEST_SKIP() << "this machine has a cuda:7";
  Trained saved = MakeTrained(1);
  const std::string path = TempPath("refused.pt");
  ASSERT_TRUE(SaveCheckpoint(path, *saved.model, *saved.optimizer, CheckpointState()).ok());
  Trained loaded = MakeTrained(2);
  const at::Tensor before = loaded.model->weight.clone();
  const c10::Device gpu7(c10::kCUDA, 7);
  const absl::StatusOr<CheckpointState> state =
      LoadCheckpoint(path, *loaded.model, *loaded.optimizer, gpu7);
  ASSERT_FALSE(state.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(state.status())) << state.status();
  EXPECT_THAT(std::string(state.status().message()),
              HasSubstr("cannot load checkpoint " + path + " onto cuda:7: --device=cuda:7: "));
  const absl::Status model_only = LoadCheckpointModel(path, *loaded.model, gpu7);
  EXPECT_TRUE(absl::IsInvalidArgument(model_only)) << model_only;
  // A CPU-only LibTorch, or a CUDA one without a GPU here.
  if (!at::hasCUDA()) {
    EXPECT_THAT(std::string(model_only.message()),
                AnyOf(HasSubstr("this LibTorch has no CUDA"), HasSubstr("no GPU is visible")));
  }
  // Nothing was loaded.
  EXPECT_TRUE(at::equal(loaded.model->weight, before));
  EXPECT_TRUE(absl::IsNotFound(
      LoadCheckpoint(TempPath("missing.pt"), *loaded.model, *loaded.optimizer, kCpu).status()));
}

TEST(CheckpointTest, RestoresTheGeneratorsBothSidesHave) {
  // Saved with 2 visible GPUs, resumed with 1: cuda:1's state is left out, not "corrupt".
  GeneratorRestorePlan plan =
      PlanGeneratorRestore({"rng/cpu", "rng/cuda:0", "rng/cuda:1"}, {"rng/cpu", "rng/cuda:0"});
  EXPECT_THAT(plan.restore, ElementsAre("rng/cpu", "rng/cuda:0"));
  EXPECT_THAT(plan.skipped, ElementsAre("rng/cuda:1 (saved, but this process has no cuda:1)"));
  // Saved with 1, resumed with 2: cuda:1 keeps its seed.
  plan = PlanGeneratorRestore({"rng/cpu", "rng/cuda:0"}, {"rng/cpu", "rng/cuda:0", "rng/cuda:1"});
  EXPECT_THAT(plan.restore, ElementsAre("rng/cpu", "rng/cuda:0"));
  EXPECT_THAT(plan.skipped, ElementsAre("rng/cuda:1 (not in the checkpoint: keeps its seed)"));
  // A GPU run's checkpoint on a CPU.
  plan = PlanGeneratorRestore({"rng/cpu", "rng/cuda:0"}, {"rng/cpu"});
  EXPECT_THAT(plan.restore, ElementsAre("rng/cpu"));
  EXPECT_THAT(plan.skipped, ElementsAre("rng/cuda:0 (saved, but this process has no cuda:0)"));
}

TEST(CheckpointTest, OptimizerStateNeedsTheSameLibTorchMajorVersion) {
  EXPECT_TRUE(CheckOptimizerStateReadable("c.pt", "1.13.0", "1.13.1").ok());
  EXPECT_TRUE(CheckOptimizerStateReadable("c.pt", "", "1.13.0").ok());
  EXPECT_TRUE(CheckOptimizerStateReadable("c.pt", "2.1.0+cu121", "2.5.1").ok());
  const absl::Status old = CheckOptimizerStateReadable("runs/a/c.pt", "", "2.5.1");
  EXPECT_TRUE(absl::IsFailedPrecondition(old)) << old;
  EXPECT_THAT(std::string(old.message()),
              HasSubstr("checkpoint runs/a/c.pt was written by LibTorch 1.x, and this program "
                        "uses LibTorch 2.5.1"));
  EXPECT_THAT(std::string(old.message()), HasSubstr("--restore=runs/a/c.pt"));
  EXPECT_FALSE(CheckOptimizerStateReadable("c.pt", "2.5.1", "1.13.0").ok());
}

}  // namespace
}  // namespace core
