// `constant`: the same learning rate for every update.
#include <memory>

#include "plugins/lr_schedule.h"

namespace plugins {
namespace {

class ConstantSchedule : public LrSchedule {
 public:
  explicit ConstantSchedule(double lr) : lr_(lr) {}
  double LearningRate(int64_t) const override { return lr_; }

 private:
  double lr_;
};

REGISTER_LR_SCHEDULE("constant", "The same learning rate --lr for every update.", {},
                     [](const OptionValues&, const LrScheduleContext& context) {
                       return std::make_unique<ConstantSchedule>(context.lr);
                     });

}  // namespace
}  // namespace plugins
