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

std::vector<int64_t> ParameterVersions(const torch::nn::Module& model) {
  std::vector<int64_t> versions;
  for (const at::Tensor& parameter : model.parameters()) versions.push_back(parameter._version());
  return versions;
}

std::vector<std::string> ParametersNotWrittenSince(const torch::nn::Module& model,
                                                   const std::vector<int64_t>& versions) {
  std::vector<std::string> untouched;
  size_t i = 0;
  for (const auto& item : model.named_parameters()) {
    if (i < versions.size() && item.value()._version() == versions[i]) {
      untouched.push_back(item.key());
    }
    ++i;
  }
  return untouched;
}

}  // namespace tools::analyze
