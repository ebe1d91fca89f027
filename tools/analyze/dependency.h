// How much each sublayer output depends on each residual branch: the paper's β_{i,j}
// (docs/formulas.md §8.2), measured as the reference code's `--plot_variance` does.
//
// Each stack's output x_i is tracked as a sum of components: a_0 = the stack's input
// embedding, a_j = branch j's output. At a residual sum the components are scaled as the
// shortcut is (by ω for Admin, α for DeepNorm) and the new branch joins; at a LayerNorm all
// of them are divided by the position's σ and multiplied by the gain γ. Row i holds
// the components' standard deviations over channels, averaged over real positions, scaled
// to unit L2 norm: β_{i,j} = std(a_j in x_i) / ‖std(all in x_i)‖. Entries j > i are NaN.
// The Pre-LN final LayerNorm and LayerNorm biases are outside the decomposition, as in the
// reference code.
//
//   std::vector<DependencyMatrix> matrices = MeasureDependency(*model, batch);
//   // matrices[0]: the encoder's 2N × (2N+1) β; matrices[1]: the decoder's 3M × (3M+1)
#ifndef TOOLS_ANALYZE_DEPENDENCY_H_
#define TOOLS_ANALYZE_DEPENDENCY_H_

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "core/data/batch_tensors.h"
#include "core/model/sublayer.h"
#include "core/model/transformer.h"

namespace tools::analyze {

struct DependencyMatrix {
  core::Stack stack = core::Stack::kEncoder;
  // "x_1" .. "x_n": the outputs of the stack's sublayers, in execution order.
  std::vector<std::string> row_labels;
  // "a_0" (the embedding) .. "a_n" (branch n).
  std::vector<std::string> column_labels;
  // beta[i-1][j] = β_{i,j}; NaN for j > i.
  std::vector<std::vector<double>> beta;
};

// Observes a forward pass and builds one matrix per stack that ran.
class DependencyTracker : public core::SublayerObserver {
 public:
  void OnBranch(const core::SublayerEvent& event) override;

  // The encoder's matrix first, then the decoder's (stacks that did not run are left out).
  std::vector<DependencyMatrix> matrices() const;

 private:
  struct StackState {
    std::vector<at::Tensor> components;
    DependencyMatrix matrix;
  };
  StackState stacks_[2];  // by core::Stack
};

// β of both stacks on one batch, in eval mode (teacher-forced decoder input).
std::vector<DependencyMatrix> MeasureDependency(core::TransformerImpl& model,
                                                const core::BatchTensors& batch);

}  // namespace tools::analyze

#endif  // TOOLS_ANALYZE_DEPENDENCY_H_
