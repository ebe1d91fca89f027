#include "tools/analyze/output_change.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/model/eval_mode.h"
#include "core/model/label_smoothed_loss.h"

namespace tools::analyze {
namespace {

void ApplyRandomSigns(const std::vector<at::Tensor>& parameters, double epsilon, uint64_t seed) {
  // A private generator: δ depends on the seed only, not on what drew random numbers before.
  at::Generator generator = at::detail::createCPUGenerator(seed);
  at::NoGradGuard no_grad;
  for (const at::Tensor& p : parameters) {
    const at::Tensor noise =
        at::randn(p.sizes(), generator, at::TensorOptions().dtype(p.scalar_type()));
    p.sub_(noise.sign().to(p.device()), epsilon);
  }
}

void ApplyGradientSigns(core::TransformerImpl& model, const std::vector<at::Tensor>& parameters,
                        const core::BatchTensors& batch, double epsilon, double label_smoothing) {
  model.zero_grad();
  const core::LossSums sums =
      core::LabelSmoothedCrossEntropy(model.forward(batch.source, batch.decoder_input),
                                      batch.target, label_smoothing, model.options().pad_id);
  (sums.loss / sums.tokens).backward();
  at::NoGradGuard no_grad;
  for (const at::Tensor& p : parameters) {
    if (p.grad().defined()) p.sub_(p.grad().sign(), epsilon);
  }
  model.zero_grad();
}

}  // namespace

std::vector<at::Tensor> PerturbedParameters(core::TransformerImpl& model) {
  std::vector<at::Tensor> parameters;
  for (const at::Tensor& p : model.parameters()) {
    if (p.dim() >= 2) parameters.push_back(p);
  }
  return parameters;
}

double SquaredDistance(const at::Tensor& a, const at::Tensor& b, const at::Tensor& padding_mask) {
  const at::Tensor difference = a.to(at::kDouble) - b.to(at::kDouble);
  return difference.masked_fill(padding_mask.unsqueeze(-1), 0).pow(2).sum().item<double>();
}

double MeasureOutputChange(core::TransformerImpl& model, const core::BatchTensors& batch,
                           const OutputChangeOptions& options) {
  core::EvalModeScope eval(model);
  core::EncoderOutput before;
  {
    at::NoGradGuard no_grad;
    before = model.Encode(batch.source);
  }
  const std::vector<at::Tensor> parameters = PerturbedParameters(model);
  if (options.delta == DeltaKind::kRandomSign) {
    ApplyRandomSigns(parameters, options.epsilon, options.seed);
  } else {
    ApplyGradientSigns(model, parameters, batch, options.epsilon, options.label_smoothing);
  }
  at::NoGradGuard no_grad;
  const core::EncoderOutput after = model.Encode(batch.source);
  return SquaredDistance(before.states, after.states, before.padding_mask);
}

}  // namespace tools::analyze
