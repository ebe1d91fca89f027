#include "plugins/lr_schedule.h"

namespace plugins {

LrScheduleRegistry& LrSchedules() {
  static auto* registry = new LrScheduleRegistry(
      "lr_scheduler", "learning rate as a function of the update number (--lr_scheduler)");
  return *registry;
}

// Creates the family at startup, so listings show it even when no schedule is linked.
[[maybe_unused]] static const LrScheduleRegistry& family = LrSchedules();

}  // namespace plugins
