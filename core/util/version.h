// The project's version, printed by every tool's --version (with LibTorch's). Raise it with
// each wave of changes that users see.
#ifndef CORE_UTIL_VERSION_H_
#define CORE_UTIL_VERSION_H_

namespace core {

inline constexpr char kProjectName[] = "admin_trainer";
inline constexpr char kProjectVersion[] = "0.3.0";

}  // namespace core

#endif  // CORE_UTIL_VERSION_H_
