#include "tools/analyze/param_stats.h"

#include <ATen/ATen.h>

namespace tools::analyze {

std::vector<ParameterStats> ComputeParameterStats(const torch::nn::Module& model) {
  std::vector<ParameterStats> stats;
  for (const auto& item : model.named_parameters()) {
    const at::Tensor values = item.value().detach().to(at::kDouble);
    ParameterStats s;
    s.name = item.key();
    s.shape = values.sizes().vec();
    s.elements = values.numel();
    s.mean = values.mean().item<double>();
    s.std = values.std(/*unbiased=*/false).item<double>();
    s.norm = values.norm().item<double>();
    stats.push_back(std::move(s));
  }
  return stats;
}

}  // namespace tools::analyze
