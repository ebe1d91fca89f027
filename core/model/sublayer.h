// Sublayers by name and role, and an observer of what flows through them.
//
// Every sublayer of the model is described by a `Sublayer`: a stable name
// ("encoder.layers.3.self_attn", "decoder.layers.0.encoder_attn", "decoder.layers.5.ffn"),
// its stack, layer, role, its position in the stack's chain, and pointers to its modules.
// Parameter names follow the same scheme ("encoder.layers.3.self_attn.v_proj.weight",
// "encoder.layers.3.self_attn_residual.omega"). Initializers and diagnostics walk
// Transformer::Sublayers() and use the role, never string matching:
//
//   for (const Sublayer& sublayer : model->Sublayers()) {
//     if (sublayer.attention != nullptr) sublayer.attention->v_proj->weight.mul_(scale);
//   }
//
// A SublayerObserver passed to a forward pass sees each sublayer's shortcut, branch
// output and output, in execution order (Admin profiling, the paper's diagnostics). When
// no observer is passed, the cost is one pointer test per sublayer.
#ifndef CORE_MODEL_SUBLAYER_H_
#define CORE_MODEL_SUBLAYER_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>

namespace plugins {
class ResidualConnection;
}  // namespace plugins

namespace core {

class MultiheadAttentionImpl;
class FeedForwardImpl;

enum class Stack { kEncoder, kDecoder };
enum class SublayerRole { kSelfAttention, kEncoderAttention, kFeedForward };

// "encoder" / "decoder"; "self_attn" / "encoder_attn" / "ffn".
const char* StackName(Stack stack);
const char* SublayerRoleName(SublayerRole role);

struct Sublayer {
  // Stable name, e.g. "decoder.layers.2.encoder_attn"; its parameters are prefixed by it.
  std::string name;
  Stack stack = Stack::kEncoder;
  // 0-based layer within the stack.
  int64_t layer = 0;
  SublayerRole role = SublayerRole::kSelfAttention;
  // 0-based position in the stack's chain of sublayers: 2·layer + {0,1} in the encoder,
  // 3·layer + {0,1,2} in the decoder (the Admin profile's index minus one).
  int64_t index = 0;
  // The residual connection (LayerNorm, ω/α), as its arrangement built it.
  plugins::ResidualConnection* residual = nullptr;
  // The branch: attention for the attention roles, feed-forward for kFeedForward.
  MultiheadAttentionImpl* attention = nullptr;
  FeedForwardImpl* feed_forward = nullptr;
};

// What a sublayer sees in one forward pass. Tensors are [batch, length, d].
struct SublayerEvent {
  const Sublayer& sublayer;
  // x_{i-1}: the sublayer's input, which the residual connection carries around the branch.
  const at::Tensor& shortcut;
  // f_i after dropout and the connection's BranchOutput (e.g. ReZero's α), before it is
  // added to the (scaled) shortcut.
  const at::Tensor& branch;
  // [batch, length] bool, true at padding positions of this stack's sequence.
  const at::Tensor& padding_mask;
};

class SublayerObserver {
 public:
  virtual ~SublayerObserver() = default;
  // Before the residual sum. May change the sublayer's shortcut scale in place (Admin
  // profiling sets ω_i here, and the sum then uses it).
  virtual void OnBranch(const SublayerEvent& event) {}
  // After the sublayer's output x_i is computed.
  virtual void OnOutput(const Sublayer& sublayer, const at::Tensor& output) {}
};

// Runs one sublayer: x_i from x_{i-1} and the branch function, with branch dropout
// `dropout` (train mode only) and the observer's callbacks (observer may be null).
at::Tensor RunSublayer(const Sublayer& sublayer, const at::Tensor& x,
                       const std::function<at::Tensor(const at::Tensor&)>& branch, double dropout,
                       bool training, const at::Tensor& padding_mask, SublayerObserver* observer);

}  // namespace core

#endif  // CORE_MODEL_SUBLAYER_H_
