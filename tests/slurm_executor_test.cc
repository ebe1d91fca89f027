// The Slurm executor's generated files: every sbatch option in the job script (array size,
// resources, requeue, the time-limit signal, extra options), the script's task lookup, a
// task table whose commands survive the shell, and the GPUs a task asks for when its cell
// trains on one.
#include "tools/sweep/slurm_executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tools::sweep {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SlurmExecutorOptions Options() {
  SlurmExecutorOptions options;
  options.train_binary = "/bin/train";
  options.sweep_dir = "/shared/sweeps/paper";
  options.job_name = "sweep-paper";
  options.working_dir = "/home/me/admin";
  return options;
}

TEST(SlurmExecutorTest, ScriptCarriesEveryOption) {
  SlurmExecutorOptions options = Options();
  options.partition = "gpu";
  options.time = "04:00:00";
  options.gpus_per_task = 2;
  options.cpus_per_task = 8;
  options.extra_options = {"--mem=16G", "--qos=low"};
  const std::string script = SlurmArrayScript(options, 5);
  EXPECT_THAT(script, HasSubstr("#!/bin/bash\n"));
  for (const char* line :
       {"#SBATCH --job-name=sweep-paper\n", "#SBATCH --array=0-4\n", "#SBATCH --ntasks=1\n",
        "#SBATCH --cpus-per-task=8\n", "#SBATCH --output=/shared/sweeps/paper/slurm/%A_%a.out\n",
        "#SBATCH --requeue\n", "#SBATCH --signal=B:USR1@120\n", "#SBATCH --chdir=/home/me/admin\n",
        "#SBATCH --partition=gpu\n", "#SBATCH --time=04:00:00\n", "#SBATCH --gres=gpu:2\n",
        "#SBATCH --mem=16G\n", "#SBATCH --qos=low\n"}) {
    EXPECT_THAT(script, HasSubstr(line));
  }
  EXPECT_THAT(script, HasSubstr("tasks=/shared/sweeps/paper/slurm/tasks.tsv\n"));
  // SIGTERM goes on to the trainer; near the time limit the task requeues itself.
  EXPECT_THAT(script, HasSubstr("trap 'kill -TERM \"$pid\" 2>/dev/null' TERM"));
  EXPECT_THAT(script, HasSubstr("scontrol requeue"));
}

TEST(SlurmExecutorTest, DefaultsLeaveTheClustersChoice) {
  const std::string script = SlurmArrayScript(Options(), 1);
  EXPECT_THAT(script, HasSubstr("#SBATCH --array=0-0\n"));
  EXPECT_THAT(script, Not(HasSubstr("--partition")));
  EXPECT_THAT(script, Not(HasSubstr("--time")));
  EXPECT_THAT(script, Not(HasSubstr("--gres")));
}

TEST(SlurmExecutorTest, TaskTableHasIdRunDirectoryAndQuotedCommand) {
  const std::string table = SlurmTaskTable(
      {{"/s/a", {"/bin/train", "--lr=0.1", "--run_dir=/s/a"}},
       {"/s/b", {"/bin/train", "--betas=0.9,0.98", "--data_dir=/data/my set", "--run_dir=/s/b"}}});
  EXPECT_EQ(table,
            "0\t/s/a\t/bin/train --lr=0.1 --run_dir=/s/a\n"
            "1\t/s/b\t/bin/train --betas=0.9,0.98 '--data_dir=/data/my set' --run_dir=/s/b\n");
}

std::vector<CellRun> Runs(const std::string& device) {
  return {{"arch-post.abc", "/s/a", {"--lr=0.1", "--run_dir=/s/a"}, "pending"},
          {"arch-admin.def", "/s/b", {"--lr=0.1", "--device=" + device, "--run_dir=/s/b"},
           "pending"}};
}

TEST(SlurmExecutorTest, CellsOnAGpuAskForOnePerTaskByDefault) {
  for (const char* device : {"cuda", "cuda:0"}) {
    const absl::StatusOr<int> gpus = SlurmGpusPerTask(std::nullopt, Runs(device));
    ASSERT_TRUE(gpus.ok()) << gpus.status();
    EXPECT_EQ(*gpus, 1) << device;
    SlurmExecutorOptions options = Options();
    options.gpus_per_task = *gpus;
    EXPECT_THAT(SlurmArrayScript(options, 2), HasSubstr("#SBATCH --gres=gpu:1\n"));
  }
  EXPECT_EQ(*SlurmGpusPerTask(std::nullopt, Runs("cpu")), 0);
  EXPECT_EQ(*SlurmGpusPerTask(2, Runs("cuda")), 2);
  EXPECT_EQ(*SlurmGpusPerTask(0, Runs("cpu")), 0);
}

TEST(SlurmExecutorTest, NoGpuForACellOnAGpuIsRefused) {
  const absl::StatusOr<int> gpus = SlurmGpusPerTask(0, Runs("cuda"));
  ASSERT_FALSE(gpus.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(gpus.status()));
  EXPECT_THAT(std::string(gpus.status().message()),
              HasSubstr("--slurm_gpus_per_task=0, but cell arch-admin.def trains with "
                        "--device=cuda: its task would get no GPU"));
  EXPECT_FALSE(SlurmGpusPerTask(-1, Runs("cpu")).ok());
}

}  // namespace
}  // namespace tools::sweep
