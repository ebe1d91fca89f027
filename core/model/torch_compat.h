// The LibTorch C++ APIs that differ between LibTorch 1.13 (Debian's libtorch-dev, CPU) and
// 2.x (CUDA PyTorch wheels), bridged here and only here: the rest of the code keeps to the
// API both have (docs/building.md).
//
// - torch::optim::Optimizer::state_ is keyed by the parameter's TensorImpl address: as a
//   string in 1.13 (c10::guts::to_string, i.e. `ostream << pointer`; c10::guts::to_string
//   is gone in 2.x), as a void* in 2.x. OptimizerStateKey(param) gives the key of either,
//   chosen from the map's own key type, so no version number is tested.
#ifndef CORE_MODEL_TORCH_COMPAT_H_
#define CORE_MODEL_TORCH_COMPAT_H_

#include <ATen/core/Tensor.h>
#include <torch/optim/optimizer.h>

#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

namespace core {
namespace torch_compat {

// The key type of torch::optim::Optimizer::state().
using OptimizerStateKeyType = typename std::remove_reference_t<
    decltype(std::declval<torch::optim::Optimizer&>().state())>::key_type;

// The key under which an optimizer keeps the state of `param`, as LibTorch's own optimizers
// compute it.
template <typename Key = OptimizerStateKeyType>
Key OptimizerStateKey(const at::Tensor& param) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream key;
    key << param.unsafeGetTensorImpl();
    return key.str();
  } else {
    return param.unsafeGetTensorImpl();
  }
}

}  // namespace torch_compat
}  // namespace core

#endif  // CORE_MODEL_TORCH_COMPAT_H_
