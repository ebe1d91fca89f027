#include "tools/analyze/dependency.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/normalization.h>

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/model/eval_mode.h"
#include "plugins/residual_connection.h"

namespace tools::analyze {

void DependencyTracker::OnBranch(const core::SublayerEvent& event) {
  StackState& state = stacks_[static_cast<int>(event.sublayer.stack)];
  plugins::ResidualConnection& residual = *event.sublayer.residual;
  if (event.sublayer.index == 0) {
    state = StackState();
    state.matrix.stack = event.sublayer.stack;
    state.components.push_back(event.shortcut.detach());
    state.matrix.column_labels.push_back("a_0");
  }
  const at::Tensor scale = residual.shortcut_scale();
  if (scale.defined()) {
    for (at::Tensor& c : state.components) c = c * scale.detach();
  }
  state.components.push_back(event.branch.detach());
  if (residual.NormalizesSum()) {
    // x_i = γ ⊙ (b_i − mean) / σ_i + β: every component is divided by the position's σ_i
    // (the next branch adds to the normalised x_i) and multiplied by γ; centring does not
    // change a component's standard deviation.
    const at::Tensor sum =
        (scale.defined() ? event.shortcut * scale : event.shortcut) + event.branch;
    const at::Tensor sigma = (sum.detach().var(/*dim=*/-1, /*unbiased=*/false, /*keepdim=*/true) +
                              residual.layer_norm->options.eps())
                                 .sqrt();
    const at::Tensor gain = residual.layer_norm->weight.detach();
    for (at::Tensor& c : state.components) c = c * gain / sigma;
  }
  const int64_t i = static_cast<int64_t>(state.components.size()) - 1;
  state.matrix.column_labels.push_back(absl::StrCat("a_", i));
  state.matrix.row_labels.push_back(absl::StrCat("x_", i));

  const at::Tensor real = event.padding_mask.logical_not().to(at::kDouble);
  std::vector<double> row;
  double sum_of_squares = 0;
  for (const at::Tensor& c : state.components) {
    const at::Tensor per_position = c.to(at::kDouble).std(/*dim=*/-1, /*unbiased=*/false);
    const double s = ((per_position * real).sum() / real.sum()).item<double>();
    row.push_back(s);
    sum_of_squares += s * s;
  }
  for (double& b : row) b /= std::sqrt(sum_of_squares);
  state.matrix.beta.push_back(std::move(row));
}

std::vector<DependencyMatrix> DependencyTracker::matrices() const {
  std::vector<DependencyMatrix> result;
  for (const StackState& state : stacks_) {
    if (state.matrix.beta.empty()) continue;
    DependencyMatrix matrix = state.matrix;
    // Rows were recorded as they grew: pad each to the full width.
    for (std::vector<double>& row : matrix.beta) {
      row.resize(matrix.column_labels.size(), std::numeric_limits<double>::quiet_NaN());
    }
    result.push_back(std::move(matrix));
  }
  return result;
}

std::vector<DependencyMatrix> MeasureDependency(core::TransformerImpl& model,
                                                const core::BatchTensors& batch) {
  core::EvalModeScope eval(model);
  at::NoGradGuard no_grad;
  DependencyTracker tracker;
  model.forward(batch.source, batch.decoder_input, &tracker);
  return tracker.matrices();
}

}  // namespace tools::analyze
