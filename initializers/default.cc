// `default`: fairseq's initialization (docs/formulas.md §2.1), the baseline of every comparison.
#include <memory>

#include "core/model/transformer.h"
#include "initializers/fairseq_init.h"
#include "plugins/initializer.h"

namespace plugins {
namespace {

class DefaultInitializer : public Initializer {
 public:
  absl::Status Initialize(core::TransformerImpl& model, const InitContext&) override {
    ApplyFairseqInit(model);
    return absl::OkStatus();
  }
};

REGISTER_INITIALIZER("default",
                     "fairseq: Xavier uniform (q/k/v gain 1/sqrt 2), embeddings N(0, d^-1/2), "
                     "zero biases, LayerNorm 1/0, Admin omega 1.",
                     {},
                     [](const OptionValues&) { return std::make_unique<DefaultInitializer>(); });

}  // namespace
}  // namespace plugins
