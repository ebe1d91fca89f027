// Puts a module in eval mode for a scope and restores its previous mode on exit.
//
//   { EvalModeScope eval(*model); ... }   // dropout off inside, back to train after
#ifndef CORE_MODEL_EVAL_MODE_H_
#define CORE_MODEL_EVAL_MODE_H_

#include <torch/nn/module.h>

namespace core {

class EvalModeScope {
 public:
  explicit EvalModeScope(torch::nn::Module& module)
      : module_(module), was_training_(module.is_training()) {
    module_.eval();
  }
  ~EvalModeScope() { module_.train(was_training_); }
  EvalModeScope(const EvalModeScope&) = delete;
  EvalModeScope& operator=(const EvalModeScope&) = delete;

 private:
  torch::nn::Module& module_;
  bool was_training_;
};

}  // namespace core

#endif  // CORE_MODEL_EVAL_MODE_H_
