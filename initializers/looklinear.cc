// `looklinear`: Transformer-Clinic's "look-linear" init (docs/formulas.md §2.3), the worked example
// of docs/adding_a_plugin.md.
//
// After fairseq's init, each feed-forward branch gets mirrored halves: rows h/2.. of fc1
// are the negated rows ..h/2, and columns h/2.. of fc2 the negated columns ..h/2. Then
// fc2(relu(fc1 x)) = A·relu(Wx) − A·relu(−Wx) = A·W·x: every FFN is linear at
// initialization, and only training bends it.
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/model/feed_forward.h"
#include "core/model/transformer.h"
#include "initializers/fairseq_init.h"
#include "plugins/initializer.h"

namespace plugins {
namespace {

class LookLinearInitializer : public Initializer {
 public:
  absl::Status CheckModelOptions(const core::ModelOptions& options) const override {
    if (options.ffn_dim % 2 == 0) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        "initializer 'looklinear' mirrors the feed-forward halves: --ffn_dim = ", options.ffn_dim,
        " must be even"));
  }

  absl::Status Initialize(core::TransformerImpl& model, const InitContext&) override {
    ApplyFairseqInit(model);
    at::NoGradGuard no_grad;
    for (const core::Sublayer& sublayer : model.Sublayers()) {
      if (sublayer.feed_forward == nullptr) continue;
      at::Tensor fc1 = sublayer.feed_forward->fc1->weight;  // [h, d]
      at::Tensor fc2 = sublayer.feed_forward->fc2->weight;  // [d, h]
      const int64_t half = fc1.size(0) / 2;
      fc1.narrow(0, half, half).copy_(-fc1.narrow(0, 0, half));
      fc2.narrow(1, half, half).copy_(-fc2.narrow(1, 0, half));
      // Mirrored biases too, so the two halves cancel exactly (fairseq's are zero anyway).
      sublayer.feed_forward->fc1->bias.zero_();
    }
    return absl::OkStatus();
  }
};

REGISTER_INITIALIZER("looklinear",
                     "fairseq init with mirrored FFN halves: every FFN starts linear "
                     "(Transformer-Clinic).",
                     {},
                     [](const OptionValues&) { return std::make_unique<LookLinearInitializer>(); });

}  // namespace
}  // namespace plugins
