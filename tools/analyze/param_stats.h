// Per-parameter statistics of a model (shape, mean, standard deviation, L2 norm), e.g. to
// check what an initializer did or how training moved the weights.
//
//   for (const ParameterStats& s : ComputeParameterStats(*model)) {
//     // s.name = "encoder.layers.0.self_attn.v_proj.weight", s.shape = {512, 512}, s.std ...
//   }
#ifndef TOOLS_ANALYZE_PARAM_STATS_H_
#define TOOLS_ANALYZE_PARAM_STATS_H_

#include <torch/nn/module.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tools::analyze {

struct ParameterStats {
  std::string name;
  std::vector<int64_t> shape;
  int64_t elements = 0;
  // Computed in double. std is the population standard deviation (0 for one element).
  double mean = 0;
  double std = 0;
  double norm = 0;
};

// One entry per parameter, in the module's registration order.
std::vector<ParameterStats> ComputeParameterStats(const torch::nn::Module& model);

// The init audit: which parameters an initializer wrote. Every in-place write (fill_, mul_,
// normal_, copy_, ...) moves a tensor's version counter, so a parameter whose counter did not
// move kept the value the model's construction gave it (LibTorch's default init, or the
// arrangement's own start such as ReZero's α = 0).
//
//   const std::vector<int64_t> before = ParameterVersions(*model);
//   initializer->Initialize(*model, context);
//   std::vector<std::string> untouched = ParametersNotWrittenSince(*model, before);
std::vector<int64_t> ParameterVersions(const torch::nn::Module& model);
std::vector<std::string> ParametersNotWrittenSince(const torch::nn::Module& model,
                                                   const std::vector<int64_t>& versions);

}  // namespace tools::analyze

#endif  // TOOLS_ANALYZE_PARAM_STATS_H_
