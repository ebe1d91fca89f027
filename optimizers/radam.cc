// `radam`: Rectified Adam (Liu et al., "On the Variance of the Adaptive Learning Rate and
// Beyond", ICLR 2020), with the variants in which published implementations differ
// (docs/formulas.md §7).
//
// Step t, with Adam's moments m and v, rho_inf = 2 / (1 - beta2) - 1 and
// rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t):
//   rho_t > threshold (>= with --rectify_inclusive):
//     p -= lr * r_t * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps),
//     r_t = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t));
//   otherwise --below_threshold=sgd: p -= lr * m / (1 - beta1^t);  none: p is left as it is.
// --weight_decay_mode: l2 adds wd * p to the gradient; decoupled does p -= lr * wd * p on every
// step, before the update; decoupled_on_update does it only on steps that change p.
//
// The flags that reproduce each implementation (unlisted flags at their defaults):
//   torch.optim.RAdam, PyTorch 1.13 [PT]      the defaults: --rectify_threshold=5
//                                             --rectify_inclusive=false --below_threshold=sgd
//                                             --weight_decay_mode=l2
//   torch.optim.RAdam(decoupled_weight_decay=True), PyTorch >= 2.1: --weight_decay_mode=decoupled
//   reference RAdam/radam/radam.py [RA]       --rectify_inclusive=true --below_threshold=none
//                                             --weight_decay_mode=decoupled_on_update
//     (its degenerated_to_sgd=True, the default before 2021-07: --below_threshold=sgd)
//   fairseq RAdam of every Admin run          --rectify_inclusive=true --below_threshold=none
//     (Transformer-Clinic radam_fairseq/radam.py) --weight_decay_mode=decoupled
//   the paper's Algorithm 2                   --rectify_threshold=4
// Every variant adds eps to sqrt(v) before bias correction, as all three codes do. The update
// runs in the parameters' dtype (the reference codes upcast fp16 parameters to fp32; this
// trainer's parameters are fp32 already).
#include <c10/core/GradMode.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/serialize.h>
#include <torch/serialize/archive.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/model/torch_compat.h"
#include "optimizers/checks.h"
#include "plugins/optimizer.h"

namespace plugins {
namespace {

enum class WeightDecayMode { kL2, kDecoupled, kDecoupledOnUpdate };

// The flag spelling of each mode, also how checkpoints store it.
constexpr std::pair<const char*, WeightDecayMode> kWeightDecayModes[] = {
    {"l2", WeightDecayMode::kL2},
    {"decoupled", WeightDecayMode::kDecoupled},
    {"decoupled_on_update", WeightDecayMode::kDecoupledOnUpdate},
};

std::string WeightDecayModeName(WeightDecayMode mode) {
  for (const auto& [name, value] : kWeightDecayModes) {
    if (value == mode) return name;
  }
  return "?";
}

std::optional<WeightDecayMode> ParseWeightDecayMode(absl::string_view name) {
  for (const auto& [known, value] : kWeightDecayModes) {
    if (name == known) return value;
  }
  return std::nullopt;
}

struct RAdamOptions : public torch::optim::OptimizerCloneableOptions<RAdamOptions> {
  // torch::optim's loader constructs RAdamOptions(0) before reading an archive into it.
  explicit RAdamOptions(double lr = 1e-3) : lr_(lr) {}
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(double, beta1) = 0.9;
  TORCH_ARG(double, beta2) = 0.999;
  TORCH_ARG(double, eps) = 1e-8;
  TORCH_ARG(double, weight_decay) = 0;
  TORCH_ARG(double, rectify_threshold) = 5;
  TORCH_ARG(bool, rectify_inclusive) = false;
  TORCH_ARG(bool, sgd_below_threshold) = true;
  TORCH_ARG(WeightDecayMode, weight_decay_mode) = WeightDecayMode::kL2;

 public:  // TORCH_ARG leaves the class in `private:`.
  void serialize(torch::serialize::OutputArchive& archive) const override {
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(lr);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(beta1);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(beta2);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(eps);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(weight_decay);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(rectify_threshold);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(rectify_inclusive);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(sgd_below_threshold);
    archive.write("weight_decay_mode", c10::IValue(WeightDecayModeName(weight_decay_mode())));
  }

  void serialize(torch::serialize::InputArchive& archive) override {
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, lr);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, beta1);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, beta2);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, eps);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, weight_decay);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, rectify_threshold);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(bool, rectify_inclusive);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(bool, sgd_below_threshold);
    c10::IValue mode;
    archive.read("weight_decay_mode", mode);
    const std::optional<WeightDecayMode> parsed = ParseWeightDecayMode(mode.toStringRef());
    TORCH_CHECK(parsed.has_value(), "radam: unknown weight_decay_mode '", mode.toStringRef(),
                "' in the archive");
    weight_decay_mode(*parsed);
  }

  double get_lr() const override { return lr(); }
  void set_lr(const double lr) override { this->lr(lr); }
};

struct RAdamParamState : public torch::optim::OptimizerCloneableParamState<RAdamParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(torch::Tensor, exp_avg);
  TORCH_ARG(torch::Tensor, exp_avg_sq);

 public:  // TORCH_ARG leaves the class in `private:`.
  void serialize(torch::serialize::OutputArchive& archive) const override {
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(step);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg);
    _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg_sq);
  }

  void serialize(torch::serialize::InputArchive& archive) override {
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(int64_t, step);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg);
    _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg_sq);
  }
};

class RAdam : public torch::optim::Optimizer {
 public:
  RAdam(std::vector<torch::Tensor> parameters, const RAdamOptions& options)
      : Optimizer({torch::optim::OptimizerParamGroup(std::move(parameters))},
                  std::make_unique<RAdamOptions>(options)) {}

  torch::Tensor step(LossClosure closure = nullptr) override {
    c10::NoGradGuard no_grad;
    torch::Tensor loss;
    if (closure != nullptr) {
      c10::AutoGradMode enable_grad(true);
      loss = closure();
    }
    for (torch::optim::OptimizerParamGroup& group : param_groups_) {
      const auto& options = static_cast<const RAdamOptions&>(group.options());
      for (torch::Tensor& param : group.params()) {
        if (!param.grad().defined()) continue;
        TORCH_CHECK(!param.grad().is_sparse(), "radam does not support sparse gradients");
        std::unique_ptr<torch::optim::OptimizerParamState>& slot =
            state_[core::torch_compat::OptimizerStateKey(param)];
        if (slot == nullptr) {
          auto fresh = std::make_unique<RAdamParamState>();
          fresh->exp_avg(torch::zeros_like(param, torch::MemoryFormat::Preserve));
          fresh->exp_avg_sq(torch::zeros_like(param, torch::MemoryFormat::Preserve));
          slot = std::move(fresh);
        }
        Update(options, static_cast<RAdamParamState&>(*slot), param);
      }
    }
    return loss;
  }

  void save(torch::serialize::OutputArchive& archive) const override { serialize(*this, archive); }
  void load(torch::serialize::InputArchive& archive) override { serialize(*this, archive); }

 private:
  static void Update(const RAdamOptions& options, RAdamParamState& state, torch::Tensor& param) {
    const double lr = options.lr();
    const double beta1 = options.beta1();
    const double beta2 = options.beta2();
    const double weight_decay = options.weight_decay();
    const WeightDecayMode mode = options.weight_decay_mode();
    state.step(state.step() + 1);
    const double t = static_cast<double>(state.step());
    const double bias_correction1 = 1 - std::pow(beta1, t);
    const double bias_correction2 = 1 - std::pow(beta2, t);

    torch::Tensor grad = param.grad();
    if (weight_decay != 0 && mode == WeightDecayMode::kL2) grad = grad.add(param, weight_decay);
    torch::Tensor& exp_avg = state.exp_avg();
    torch::Tensor& exp_avg_sq = state.exp_avg_sq();
    exp_avg.mul_(beta1).add_(grad, 1 - beta1);
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);

    const double rho_inf = 2 / (1 - beta2) - 1;
    const double rho_t = rho_inf - 2 * t * std::pow(beta2, t) / bias_correction2;
    const bool rectified = options.rectify_inclusive() ? rho_t >= options.rectify_threshold()
                                                       : rho_t > options.rectify_threshold();
    const bool updates = rectified || options.sgd_below_threshold();
    if (weight_decay != 0 && (mode == WeightDecayMode::kDecoupled ||
                              (mode == WeightDecayMode::kDecoupledOnUpdate && updates))) {
      param.mul_(1 - lr * weight_decay);
    }
    if (rectified) {
      // rho_inf > rho_t >= threshold >= 4: no factor is negative.
      const double rectification =
          std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
      param.addcdiv_(exp_avg, exp_avg_sq.sqrt().add_(options.eps()),
                     -lr * rectification * std::sqrt(bias_correction2) / bias_correction1);
    } else if (options.sgd_below_threshold()) {
      param.add_(exp_avg, -lr / bias_correction1);
    }
  }

  template <typename Self, typename Archive>
  static void serialize(Self& self, Archive& archive) {
    _TORCH_OPTIM_SERIALIZE_WITH_TEMPLATE_ARG(RAdam);
  }
};

absl::StatusOr<std::unique_ptr<torch::optim::Optimizer>> MakeRAdam(
    const OptionValues& options, const OptimizerContext& context) {
  const absl::StatusOr<std::pair<double, double>> betas =
      CheckBetas("radam", options.GetDoubles("betas"));
  if (!betas.ok()) return betas.status();
  const double eps = options.GetDouble("eps");
  const double weight_decay = options.GetDouble("weight_decay");
  for (const absl::Status& status :
       {CheckNonNegative("radam", "lr", context.lr), CheckNonNegative("radam", "eps", eps),
        CheckNonNegative("radam", "weight_decay", weight_decay)}) {
    if (!status.ok()) return status;
  }
  const double threshold = options.GetDouble("rectify_threshold");
  if (!(threshold >= 4)) {
    return absl::InvalidArgumentError(
        absl::StrCat("optimizer 'radam': --rectify_threshold = ", threshold,
                     " must be >= 4 (below 4 the rectification term is undefined)"));
  }
  const std::string& below = options.GetString("below_threshold");
  if (below != "sgd" && below != "none") {
    return absl::InvalidArgumentError(absl::StrCat("optimizer 'radam': --below_threshold = '",
                                                   below, "' must be 'sgd' or 'none'"));
  }
  const std::string& mode_name = options.GetString("weight_decay_mode");
  const std::optional<WeightDecayMode> mode = ParseWeightDecayMode(mode_name);
  if (!mode.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("optimizer 'radam': --weight_decay_mode = '", mode_name,
                     "' must be 'l2', 'decoupled' or 'decoupled_on_update'"));
  }
  return std::make_unique<RAdam>(context.parameters,
                                 RAdamOptions(context.lr)
                                     .beta1(betas->first)
                                     .beta2(betas->second)
                                     .eps(eps)
                                     .weight_decay(weight_decay)
                                     .rectify_threshold(threshold)
                                     .rectify_inclusive(options.GetBool("rectify_inclusive"))
                                     .sgd_below_threshold(below == "sgd")
                                     .weight_decay_mode(*mode));
}

REGISTER_OPTIMIZER(
    "radam",
    "Rectified Adam; defaults as torch.optim.RAdam, flags for the reference and fairseq variants.",
    (OptionSpecs{
        OptionSpec::Doubles("betas", {0.9, 0.999},
                            "decay rates of the first- and second-moment averages, each in [0, 1)"),
        OptionSpec::Double("eps", 1e-8, "added to sqrt(v) in the denominator"),
        OptionSpec::Double("weight_decay", 0, "weight decay factor (see --weight_decay_mode)"),
        OptionSpec::Double("rectify_threshold", 5,
                           "rectify once rho_t passes it: 5 (PyTorch, reference and fairseq "
                           "code), 4 (the paper's Algorithm 2); must be >= 4"),
        OptionSpec::Bool("rectify_inclusive", false,
                         "false: rectify when rho_t > threshold (PyTorch, paper); true: when "
                         "rho_t >= threshold (reference and fairseq code)"),
        OptionSpec::String("below_threshold", "sgd",
                           "update while rho_t has not passed the threshold: sgd = lr * bias-"
                           "corrected momentum (PyTorch, paper); none = no update (reference "
                           "default, fairseq)"),
        OptionSpec::String("weight_decay_mode", "l2",
                           "l2 = wd * p added to the gradient (PyTorch 1.13); decoupled = p -= "
                           "lr * wd * p every step (fairseq); decoupled_on_update = only on steps "
                           "that update p (reference)"),
    }),
    MakeRAdam);

}  // namespace
}  // namespace plugins
