// The learning-rate schedule plugin family (--lr_scheduler=NAME).
//
// A schedule is a pure function of the number of completed updates, so a resumed run
// needs no scheduler state: the trainer sets the optimizer's learning rate to
// LearningRate(n) before update n + 1.
//
//   class HalvingSchedule : public LrSchedule {
//    public:
//     explicit HalvingSchedule(double lr) : lr_(lr) {}
//     double LearningRate(int64_t n) const override { return n < 1000 ? lr_ : lr_ / 2; }
//    private:
//     double lr_;
//   };
//   REGISTER_LR_SCHEDULE("halving", "Halves --lr after 1000 updates.", {},
//       [](const OptionValues&, const LrScheduleContext& c) {
//         return std::make_unique<HalvingSchedule>(c.lr);
//       });
#ifndef PLUGINS_LR_SCHEDULE_H_
#define PLUGINS_LR_SCHEDULE_H_

#include <cstdint>

#include "plugins/registry.h"

namespace plugins {

class LrSchedule {
 public:
  virtual ~LrSchedule() = default;

  // The learning rate of the update that follows `num_updates` completed ones
  // (num_updates = 0 for the first update).
  virtual double LearningRate(int64_t num_updates) const = 0;
};

// What every schedule may depend on besides its own options.
struct LrScheduleContext {
  // The peak learning rate (--lr).
  double lr = 5e-4;
  // The planned number of updates (--max_updates); 0 when training is not bounded by
  // updates, which decaying schedules reject.
  int64_t max_updates = 0;
};

using LrScheduleRegistry = Registry<LrSchedule, const LrScheduleContext&>;

// The registry of learning-rate schedules.
LrScheduleRegistry& LrSchedules();

}  // namespace plugins

// Registers a schedule: name, one-line help, OptionSpecs, factory
// (const OptionValues&, const LrScheduleContext&) -> unique_ptr or StatusOr.
#define REGISTER_LR_SCHEDULE(NAME, HELP, OPTIONS, ...) \
  REGISTER_PLUGIN(::plugins::LrSchedules(), NAME, HELP, OPTIONS, __VA_ARGS__)

#endif  // PLUGINS_LR_SCHEDULE_H_
