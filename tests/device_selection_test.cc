// Choosing a rank's device from --device, the launcher's variables (read by
// ReadDistributedEnv, as the trainer does) and the GPUs visible: one process, srun with a GPU
// per task, several GPUs per node, explicit indices, and the refusals that name --device.
#include "core/distributed/device_selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace core {
namespace {

using ::testing::HasSubstr;

DistributedEnv Env(const std::map<std::string, std::string>& variables) {
  absl::StatusOr<DistributedEnv> env =
      ReadDistributedEnv([&variables](const char* name) -> const char* {
        const auto found = variables.find(name);
        return found == variables.end() ? nullptr : found->second.c_str();
      });
  EXPECT_TRUE(env.ok()) << env.status();
  return env.ok() ? *env : DistributedEnv();
}

GpuVisibility Gpus(int count, std::string cuda_visible_devices = "") {
  return {/*cuda_build=*/true, count, std::move(cuda_visible_devices)};
}

// srun --ntasks=2 on one node: task 1 is local rank 1 (with --gpus-per-task=1 it sees one GPU).
const std::map<std::string, std::string> kSrunTask1 = {{"SLURM_PROCID", "1"},
                                                       {"SLURM_STEP_NUM_TASKS", "2"},
                                                       {"SLURM_LOCALID", "1"},
                                                       {"SLURM_STEP_NODELIST", "gpu01"},
                                                       {"SLURM_JOB_ID", "42"}};
// torchrun on a node with 4 GPUs: rank 6 of 8 is local rank 2.
const std::map<std::string, std::string> kTorchrunRank6 = {{"RANK", "6"},
                                                           {"WORLD_SIZE", "8"},
                                                           {"LOCAL_RANK", "2"},
                                                           {"MASTER_ADDR", "node0"},
                                                           {"MASTER_PORT", "29500"}};

TEST(DeviceSelectionTest, CpuAndOtherDevicesAreKept) {
  EXPECT_EQ(*SelectDevice("cpu", Env({}), Gpus(0)), "cpu");
  EXPECT_EQ(*SelectDevice("cpu", Env(kTorchrunRank6), GpuVisibility()), "cpu");
}

TEST(DeviceSelectionTest, OneProcessTakesTheFirstVisibleGpu) {
  EXPECT_EQ(*SelectDevice("cuda", Env({}), Gpus(1)), "cuda:0");
  EXPECT_EQ(*SelectDevice("cuda", Env({}), Gpus(8)), "cuda:0");
  EXPECT_EQ(*SelectDevice("cuda:3", Env({}), Gpus(8)), "cuda:3");
}

TEST(DeviceSelectionTest, SrunWithOneGpuPerTaskUsesThatGpu) {
  // Local rank 1, but the task sees only its own GPU: cuda:1 would be "invalid device ordinal".
  EXPECT_EQ(*SelectDevice("cuda", Env(kSrunTask1), Gpus(1, "1")), "cuda:0");
}

TEST(DeviceSelectionTest, SeveralGpusPerNodeGoByLocalRank) {
  EXPECT_EQ(*SelectDevice("cuda", Env(kTorchrunRank6), Gpus(4)), "cuda:2");
  EXPECT_EQ(*SelectDevice("cuda", Env(kSrunTask1), Gpus(2, "0,1")), "cuda:1");
  // An explicit index is this rank's own choice.
  EXPECT_EQ(*SelectDevice("cuda:0", Env(kTorchrunRank6), Gpus(4)), "cuda:0");
}

TEST(DeviceSelectionTest, MoreLocalRanksThanGpusIsRefused) {
  const absl::StatusOr<std::string> torchrun =
      SelectDevice("cuda", Env(kTorchrunRank6), Gpus(2, "4,5"));
  ASSERT_FALSE(torchrun.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(torchrun.status()));
  EXPECT_THAT(std::string(torchrun.status().message()),
              HasSubstr("--device=cuda: rank 6 is local rank 2 (LOCAL_RANK) of its node but only "
                        "GPUs 0 to 1 are there, 2 visible (CUDA_VISIBLE_DEVICES=4,5)"));
  std::map<std::string, std::string> srun = kSrunTask1;
  srun["SLURM_LOCALID"] = "3";
  EXPECT_THAT(std::string(SelectDevice("cuda", Env(srun), Gpus(2)).status().message()),
              HasSubstr("local rank 3 (SLURM_LOCALID)"));
}

TEST(DeviceSelectionTest, IndexBeyondTheVisibleGpusIsRefused) {
  const absl::StatusOr<std::string> device = SelectDevice("cuda:1", Env({}), Gpus(1, "3"));
  ASSERT_FALSE(device.ok());
  EXPECT_THAT(std::string(device.status().message()),
              HasSubstr("--device=cuda:1: there is no such GPU, 1 visible "
                        "(CUDA_VISIBLE_DEVICES=3); use cuda:0 to cuda:0"));
  EXPECT_THAT(std::string(SelectDevice("cuda:x", Env({}), Gpus(1)).status().message()),
              HasSubstr("--device=cuda:x is not a device"));
  EXPECT_THAT(std::string(SelectDevice("cuda:-1", Env({}), Gpus(1)).status().message()),
              HasSubstr("is not a device"));
}

TEST(DeviceSelectionTest, CudaWithoutCudaIsRefused) {
  EXPECT_THAT(std::string(SelectDevice("cuda", Env({}), GpuVisibility()).status().message()),
              HasSubstr("--device=cuda: this LibTorch has no CUDA"));
  EXPECT_THAT(std::string(SelectDevice("cuda:0", Env({}), Gpus(0)).status().message()),
              HasSubstr("--device=cuda:0: no GPU is visible to this process (0 visible "
                        "(CUDA_VISIBLE_DEVICES=unset))"));
}

}  // namespace
}  // namespace core
