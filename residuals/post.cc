// Post-LN, the original Transformer's arrangement (Vaswani et al. 2017):
//   x_i = LN(x_{i-1} + f_i(x_{i-1})).
// Deep stacks of it diverge without warmup: each output leans on its branch (docs/formulas.md §1).
#include <memory>

#include "residuals/norm_after_sum.h"

namespace plugins {

REGISTER_RESIDUAL("post", "Post-LN: x_i = LN(x_{i-1} + f_i(x_{i-1})).", {},
                  [](const OptionValues&) {
                    return MakeArrangement({}, [](const ResidualSite& site) {
                      return std::make_shared<NormAfterSum>(
                          site.embed_dim, ResidualTraits::ShortcutScale::kNone, 1.0);
                    });
                  });

}  // namespace plugins
