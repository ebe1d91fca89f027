// The initializer plugin family (--init=NAME): how a model's weights start.
//
// An initializer sees the model (every sublayer by role: core/model/sublayer.h), its options
// (depths, residual modes) and, through InitContext, a way to run a forward pass on a real
// training batch (Admin profiles ω from one). It rejects model options it cannot
// initialise before training starts, saying why.
//
//   class ZeroBiases : public Initializer {
//    public:
//     absl::Status Initialize(core::TransformerImpl& model, const InitContext&) override {
//       torch::NoGradGuard no_grad;
//       for (auto& p : model.named_parameters()) if (absl::EndsWith(p.key(), "bias")) p->zero_();
//       return absl::OkStatus();
//     }
//   };
//   REGISTER_INITIALIZER("zero_biases", "Zeroes every bias.", {},
//       [](const OptionValues&) { return std::make_unique<ZeroBiases>(); });
#ifndef PLUGINS_INITIALIZER_H_
#define PLUGINS_INITIALIZER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "plugins/registry.h"

namespace core {
class TransformerImpl;
class SublayerObserver;
struct ModelOptions;
}  // namespace core

namespace plugins {

// What an initializer may use besides the model and its own options.
struct InitContext {
  // Runs the model forward on one real training batch (the first batch of the seed's
  // order) in train mode, without gradients, with `observer` attached. Fails when the
  // caller has no data to give.
  std::function<absl::Status(core::SublayerObserver* observer)> forward_sample_batch;
  // Directory for files the initializer writes (e.g. the Admin profile); "" for none.
  std::string output_dir;
};

class Initializer {
 public:
  virtual ~Initializer() = default;

  // OK when this initializer can initialise a model with `options`; otherwise an error
  // that says which setting conflicts and why (checked before anything is built).
  virtual absl::Status CheckModelOptions(const core::ModelOptions& options) const {
    return absl::OkStatus();
  }

  // Sets every parameter (and residual scale) of `model`.
  virtual absl::Status Initialize(core::TransformerImpl& model, const InitContext& context) = 0;
};

using InitializerRegistry = Registry<Initializer>;

// The registry of initializers.
InitializerRegistry& Initializers();

}  // namespace plugins

// Registers an initializer: name, one-line help, OptionSpecs, factory
// (const OptionValues&) -> unique_ptr or StatusOr.
#define REGISTER_INITIALIZER(NAME, HELP, OPTIONS, ...) \
  REGISTER_PLUGIN(::plugins::Initializers(), NAME, HELP, OPTIONS, __VA_ARGS__)

#endif  // PLUGINS_INITIALIZER_H_
