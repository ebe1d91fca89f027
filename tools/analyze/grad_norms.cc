#include "tools/analyze/grad_norms.h"

#include <ATen/ATen.h>

#include "core/model/eval_mode.h"
#include "core/model/label_smoothed_loss.h"

namespace tools::analyze {
namespace {

// Keeps every sublayer output so that backward fills its gradient.
class OutputKeeper : public core::SublayerObserver {
 public:
  void OnOutput(const core::Sublayer& sublayer, const at::Tensor& output) override {
    at::Tensor kept = output;
    kept.retain_grad();
    outputs_.push_back({sublayer, kept});
  }
  const std::vector<std::pair<core::Sublayer, at::Tensor>>& outputs() const { return outputs_; }

 private:
  std::vector<std::pair<core::Sublayer, at::Tensor>> outputs_;
};

}  // namespace

std::vector<SublayerGradNorm> MeasureGradNorms(core::TransformerImpl& model,
                                               const core::BatchTensors& batch,
                                               double label_smoothing) {
  core::EvalModeScope eval(model);
  model.zero_grad();
  OutputKeeper keeper;
  const core::LossSums sums =
      core::LabelSmoothedCrossEntropy(model.forward(batch.source, batch.decoder_input, &keeper),
                                      batch.target, label_smoothing, model.options().pad_id);
  (sums.loss / sums.tokens).backward();
  std::vector<SublayerGradNorm> norms;
  for (const auto& [sublayer, output] : keeper.outputs()) {
    SublayerGradNorm entry;
    entry.name = sublayer.name;
    entry.stack = sublayer.stack;
    entry.layer = sublayer.layer;
    entry.role = sublayer.role;
    // A sublayer the loss does not reach has no gradient: its norm is 0.
    entry.norm = output.grad().defined() ? output.grad().to(at::kDouble).norm().item<double>() : 0;
    norms.push_back(entry);
  }
  model.zero_grad();
  return norms;
}

}  // namespace tools::analyze
