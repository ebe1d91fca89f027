// The residual-arrangement plugin family (--encoder_residual=NAME, --decoder_residual=NAME):
// where each sublayer's LayerNorm sits and what scales its shortcut, the paper's main
// variable (docs/formulas.md §1).
//
// An arrangement builds one ResidualConnection (plugins/residual_connection.h) per sublayer
// and states its traits, which the model and the initializers read before any weight
// exists. The model asks this registry by name, so a new arrangement is one file in
// residuals/:
//
//   class HalfShortcut : public ResidualConnection {   // x_i = x_{i-1}/2 + f_i(x_{i-1})
//    public:
//     torch::Tensor Combine(const torch::Tensor& x, const torch::Tensor& f) override {
//       return x / 2 + f;
//     }
//   };
//   REGISTER_RESIDUAL("half", "Halves the shortcut: x/2 + f(x), no LayerNorm.", {},
//       [](const OptionValues&) {
//         ResidualTraits traits;
//         traits.has_layer_norm = false;
//         return MakeArrangement(traits, [](const ResidualSite&) {
//           return std::make_shared<HalfShortcut>();
//         });
//       });
//
// Torch-free, so configuration code can check names, options and traits cheaply.
#ifndef PLUGINS_RESIDUAL_H_
#define PLUGINS_RESIDUAL_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "plugins/registry.h"

namespace plugins {

class ResidualConnection;
class ResidualStack;

// Where a residual connection sits, for arrangements that differ by depth or stack.
struct ResidualSite {
  // Model width d.
  int64_t embed_dim = 0;
  // Width of what the branch's last matrix reads: d before attention's output projection, the
  // hidden width before the feed-forward's second matrix (Sub-LN normalises it).
  int64_t inner_dim = 0;
  // The decoder's stack (else the encoder's).
  bool decoder = false;
  // 0-based layer within the stack, and the stack's number of layers.
  int64_t layer = 0;
  int64_t layers = 0;
  // 0-based sublayer within the layer: self-attention, [encoder attention,] feed-forward; and
  // the layer's number of sublayers (2 in the encoder, 3 in the decoder).
  int64_t sublayer = 0;
  int64_t sublayers = 0;
  // The state the arrangement keeps along this stack (ResidualArrangement::MakeStack), for
  // connections that reach across sublayers (B2T, ResiDual); null when it keeps none.
  ResidualStack* stack = nullptr;
};

// What an arrangement promises about every connection it builds; initializers check it
// before the model exists (e.g. Admin needs a trainable ω, T-Fixup no LayerNorm).
struct ResidualTraits {
  enum class ShortcutScale {
    // x_{i-1} enters the sum as it is.
    kNone,
    // A trainable ω per sublayer, a d-vector or a scalar, initially 1 (Admin).
    kTrainable,
    // A constant α per sublayer, a buffer an initializer may set (DeepNorm).
    kConstant,
  };
  ShortcutScale shortcut_scale = ShortcutScale::kNone;
  // Whether the connections hold any LayerNorm.
  bool has_layer_norm = true;
  // Whether the stack's output passes one more LayerNorm (Pre-LN's closing norm).
  bool final_layer_norm = false;
  // Whether the connections normalise inside their branches (BranchInner: Sub-LN), which
  // Magneto's initialization needs.
  bool sublayer_norm = false;
};

class ResidualArrangement {
 public:
  virtual ~ResidualArrangement() = default;

  virtual ResidualTraits traits() const = 0;

  // The state this arrangement keeps along one stack, built once per stack before its
  // connections (`site` holds embed_dim, decoder and layers), or null: most keep none.
  virtual std::shared_ptr<ResidualStack> MakeStack(const ResidualSite& site) const = 0;

  // The connection of the sublayer at `site`; called once per sublayer, in execution order,
  // with site.stack the stack's state.
  virtual std::shared_ptr<ResidualConnection> Connect(const ResidualSite& site) const = 0;
};

using ConnectFunction = std::function<std::shared_ptr<ResidualConnection>(const ResidualSite&)>;
using MakeStackFunction = std::function<std::shared_ptr<ResidualStack>(const ResidualSite&)>;

// An arrangement from its traits, a function building each connection and, for arrangements
// that keep state along a stack, a function building that state.
std::unique_ptr<ResidualArrangement> MakeArrangement(ResidualTraits traits,
                                                     ConnectFunction connect,
                                                     MakeStackFunction make_stack = nullptr);

using ResidualRegistry = Registry<ResidualArrangement>;

// The registry of residual arrangements.
ResidualRegistry& Residuals();

// Arrangement `name` with the options of `options` it declares (the model keeps one map for
// both stacks, which may choose different arrangements): NotFound for an unknown name,
// InvalidArgument for a bad option value.
absl::StatusOr<std::unique_ptr<ResidualArrangement>> CreateResidual(absl::string_view name,
                                                                    const OptionMap& options);

}  // namespace plugins

// Registers a residual arrangement: name, one-line help, OptionSpecs, factory
// (const OptionValues&) -> unique_ptr<ResidualArrangement> or StatusOr of it.
#define REGISTER_RESIDUAL(NAME, HELP, OPTIONS, ...) \
  REGISTER_PLUGIN(::plugins::Residuals(), NAME, HELP, OPTIONS, __VA_ARGS__)

#endif  // PLUGINS_RESIDUAL_H_
