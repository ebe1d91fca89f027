// --deterministic's switches, as far as a CPU shows them: cuBLAS's workspace variable (a
// user's own value kept), LibTorch's deterministic algorithms and cuDNN settings.
#include "core/train/determinism.h"

#include <ATen/Context.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace core {
namespace {

TEST(DeterminismTest, SetsTheCublasWorkspaceAndDeterministicAlgorithms) {
  unsetenv("CUBLAS_WORKSPACE_CONFIG");
  ASSERT_FALSE(at::globalContext().deterministicAlgorithms());
  RequestDeterminism();
  ASSERT_NE(std::getenv("CUBLAS_WORKSPACE_CONFIG"), nullptr);
  EXPECT_EQ(std::string(std::getenv("CUBLAS_WORKSPACE_CONFIG")), ":4096:8");
  EXPECT_TRUE(at::globalContext().deterministicAlgorithms());
  EXPECT_FALSE(at::globalContext().deterministicAlgorithmsWarnOnly());
  EXPECT_TRUE(at::globalContext().deterministicCuDNN());
  EXPECT_FALSE(at::globalContext().benchmarkCuDNN());
}

TEST(DeterminismTest, KeepsTheUsersWorkspaceSetting) {
  setenv("CUBLAS_WORKSPACE_CONFIG", ":16:8", 1);
  RequestDeterminism();
  EXPECT_EQ(std::string(std::getenv("CUBLAS_WORKSPACE_CONFIG")), ":16:8");
}

}  // namespace
}  // namespace core
