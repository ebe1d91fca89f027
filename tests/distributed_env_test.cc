// Data-parallel plumbing without LibTorch: reading a rank's place from torchrun's or Slurm's
// variables (and the errors naming the variable at fault), Slurm node lists, and the batch
// shares of an update (the union over ranks is one process's update).
#include "core/distributed/distributed_env.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/data/batcher.h"

namespace core {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<DistributedEnv> Read(const std::map<std::string, std::string>& variables) {
  return ReadDistributedEnv([&variables](const char* name) -> const char* {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  });
}

TEST(DistributedEnvTest, NoLauncherIsOneProcess) {
  absl::StatusOr<DistributedEnv> env = Read({});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->world_size, 1);
  EXPECT_EQ(env->rank, 0);
  // A Slurm batch script without srun: the allocation's task count, but one process.
  env = Read({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "4"}, {"SLURM_JOB_ID", "7"}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->world_size, 1);
}

TEST(DistributedEnvTest, TorchrunVariables) {
  absl::StatusOr<DistributedEnv> env = Read({{"RANK", "3"},
                                             {"WORLD_SIZE", "4"},
                                             {"LOCAL_RANK", "1"},
                                             {"MASTER_ADDR", "node7"},
                                             {"MASTER_PORT", "29500"},
                                             {"DIST_TIMEOUT", "12.5"}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->rank, 3);
  EXPECT_EQ(env->world_size, 4);
  EXPECT_EQ(env->local_rank, 1);
  EXPECT_EQ(env->master_addr, "node7");
  EXPECT_EQ(env->master_port, 29500);
  EXPECT_DOUBLE_EQ(env->timeout_s, 12.5);
  EXPECT_EQ(env->source, "RANK/WORLD_SIZE");
}

TEST(DistributedEnvTest, SrunVariablesWithTheFirstNodeAsMaster) {
  absl::StatusOr<DistributedEnv> env = Read({{"SLURM_PROCID", "1"},
                                             {"SLURM_STEP_NUM_TASKS", "2"},
                                             {"SLURM_NTASKS", "2"},
                                             {"SLURM_LOCALID", "1"},
                                             {"SLURM_STEP_NODELIST", "gpu[07-09,12],cpu1"},
                                             {"SLURM_JOB_ID", "123456"}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->rank, 1);
  EXPECT_EQ(env->world_size, 2);
  EXPECT_EQ(env->local_rank, 1);
  EXPECT_EQ(env->master_addr, "gpu07");
  EXPECT_EQ(env->master_port, 20000 + 123456 % 10000);
  // MASTER_ADDR and MASTER_PORT win over Slurm's defaults.
  env = Read({{"SLURM_PROCID", "0"},
              {"SLURM_STEP_NUM_TASKS", "2"},
              {"SLURM_STEP_NODELIST", "a,b"},
              {"SLURM_JOB_ID", "1"},
              {"MASTER_ADDR", "10.0.0.1"},
              {"MASTER_PORT", "4000"}});
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(env->master_addr, "10.0.0.1");
  EXPECT_EQ(env->master_port, 4000);
}

TEST(DistributedEnvTest, ErrorsNameTheVariable) {
  EXPECT_THAT(Read({{"RANK", "x"}, {"WORLD_SIZE", "2"}}).status().message(),
              HasSubstr("RANK=\"x\" is not an integer"));
  EXPECT_THAT(Read({{"RANK", "2"}, {"WORLD_SIZE", "2"}}).status().message(),
              HasSubstr("RANK=2 and WORLD_SIZE=2"));
  EXPECT_THAT(Read({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1"}}).status().message(),
              HasSubstr("MASTER_ADDR is not set"));
  EXPECT_THAT(Read({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}}).status().message(),
              HasSubstr("MASTER_PORT"));
  EXPECT_THAT(Read({{"DIST_TIMEOUT", "0"}}).status().message(), HasSubstr("DIST_TIMEOUT"));
  EXPECT_TRUE(absl::IsInvalidArgument(Read({{"RANK", "-1"}, {"WORLD_SIZE", "2"}}).status()));
}

TEST(DistributedEnvTest, FirstSlurmNode) {
  EXPECT_EQ(FirstSlurmNode("localhost"), "localhost");
  EXPECT_EQ(FirstSlurmNode("n1,n2"), "n1");
  EXPECT_EQ(FirstSlurmNode("node[003-010]"), "node003");
  EXPECT_EQ(FirstSlurmNode("node[5,7]"), "node5");
}

// Pairs of lengths 3..22, enough for many small batches per epoch.
std::vector<Example> Examples(int count) {
  std::vector<Example> examples;
  for (int i = 0; i < count; ++i) {
    Example example;
    example.source.assign(3 + i % 20, 5);
    example.target.assign(3 + (i * 7) % 20, 6);
    example.line = i;
    examples.push_back(example);
  }
  return examples;
}

Batcher MakeBatcher(const std::vector<Example>* examples) {
  BatcherOptions options;
  options.max_tokens = 64;
  absl::StatusOr<Batcher> batcher = Batcher::Create(examples, options, {0, 2});
  EXPECT_TRUE(batcher.ok()) << batcher.status();
  return *std::move(batcher);
}

TEST(UpdateBatchesTest, RanksTogetherTakeOneProcesssUpdateAcrossEpochEnds) {
  const std::vector<Example> examples = Examples(301);
  for (const auto& [world_size, per_rank] : {std::pair{2, 2}, std::pair{3, 1}, std::pair{4, 3}}) {
    Batcher single = MakeBatcher(&examples);
    std::vector<Batcher> ranks;
    for (int r = 0; r < world_size; ++r) ranks.push_back(MakeBatcher(&examples));
    // Enough updates to cross two epoch ends, where updates are cut short.
    const int64_t updates = 2 * single.BatchCount(1) / (per_rank * world_size) + 3;
    int shortened = 0;
    for (int64_t u = 0; u < updates; ++u) {
      const UpdateBatches whole = single.NextUpdate(per_rank * world_size, 0, 1);
      std::multiset<std::vector<int64_t>> expected, got;
      for (const Batch& batch : whole.batches) expected.insert(batch.example_indices);
      for (int r = 0; r < world_size; ++r) {
        const UpdateBatches share = ranks[r].NextUpdate(per_rank, r, world_size);
        EXPECT_EQ(share.epoch_ended, whole.epoch_ended);
        EXPECT_LE(static_cast<int64_t>(share.batches.size()), per_rank);
        EXPECT_EQ(ranks[r].position(), single.position());
        for (const Batch& batch : share.batches) got.insert(batch.example_indices);
      }
      EXPECT_EQ(got, expected) << "update " << u << " of world " << world_size;
      if (static_cast<int64_t>(whole.batches.size()) < per_rank * world_size) ++shortened;
    }
    EXPECT_GE(shortened, 1) << "no update crossed an epoch end";
  }
}

TEST(UpdateBatchesTest, OneRankIsNext) {
  const std::vector<Example> examples = Examples(100);
  Batcher a = MakeBatcher(&examples);
  Batcher b = MakeBatcher(&examples);
  for (int u = 0; u < 10; ++u) {
    const UpdateBatches update = a.NextUpdate(3, 0, 1);
    for (const Batch& batch : update.batches) {
      EXPECT_EQ(batch.example_indices, b.Next().example_indices);
    }
  }
}

}  // namespace
}  // namespace core
