// Pre-LN (Xiong et al. 2020; Wang et al. 2019): x_i = x_{i-1} + f_i(LN(x_{i-1})), and one
// more LayerNorm closes the stack. Stable without warmup, usually a little worse than Post-LN
// when both converge (docs/formulas.md §1).
#include <memory>

#include "plugins/residual.h"
#include "residuals/pre_norm.h"

namespace plugins {
namespace {

REGISTER_RESIDUAL("pre", "Pre-LN: x_i = x_{i-1} + f_i(LN(x_{i-1})), a final LayerNorm per stack.",
                  {}, [](const OptionValues&) {
                    ResidualTraits traits;
                    traits.final_layer_norm = true;
                    return MakeArrangement(traits, [](const ResidualSite& site) {
                      return std::make_shared<PreNorm>(site.embed_dim);
                    });
                  });

}  // namespace
}  // namespace plugins
