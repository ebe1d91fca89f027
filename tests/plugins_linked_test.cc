// Every plugin of the tree is in a statically linked binary. A plugin library declared
// without alwayslink would be dropped by the linker and fail here (the test is
// linkstatic, like the tools; a dynamically linked test would hide the bug).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/initializer.h"
#include "plugins/lr_schedule.h"
#include "plugins/optimizer.h"

namespace plugins {
namespace {

using ::testing::IsSupersetOf;

TEST(PluginsLinkedTest, EveryOptimizerIsRegistered) {
  EXPECT_THAT(Optimizers().Names(), IsSupersetOf({"adam", "sgd"}));
}

TEST(PluginsLinkedTest, EveryScheduleIsRegistered) {
  EXPECT_THAT(LrSchedules().Names(), IsSupersetOf({"constant", "inverse_sqrt"}));
}

TEST(PluginsLinkedTest, EveryInitializerIsRegistered) {
  EXPECT_THAT(Initializers().Names(), IsSupersetOf({"admin", "admin_closed_form", "default",
                                                    "deepnorm", "looklinear", "tfixup"}));
}

TEST(PluginsLinkedTest, EveryFamilyIsListed) {
  std::vector<std::string> families;
  for (const RegistryBase* registry : AllRegistries()) families.push_back(registry->family());
  EXPECT_THAT(families, IsSupersetOf({"initializer", "lr_scheduler", "optimizer"}));
}

TEST(PluginsLinkedTest, OptimizersAndSchedulesOfIssue5AreRegistered) {
  EXPECT_THAT(Optimizers().Names(), IsSupersetOf({"radam"}));
  EXPECT_THAT(LrSchedules().Names(),
              IsSupersetOf({"cosine", "inverse_sqrt_nowarmup", "linear", "poly"}));
}

}  // namespace
}  // namespace plugins
