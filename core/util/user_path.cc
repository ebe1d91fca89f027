#include "core/util/user_path.h"

#include <cstdlib>
#include <filesystem>

namespace core {
namespace {

std::string BaseDirectory(const char* variable) {
  const char* value = std::getenv(variable);
  if (value != nullptr && value[0] != '\0') return value;
  std::error_code error;
  const std::filesystem::path current = std::filesystem::current_path(error);
  return error ? "." : current.string();
}

std::string Join(const std::string& base, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(base) / path).lexically_normal().string();
}

}  // namespace

std::string ResolveUserPath(const std::string& path) {
  return Join(BaseDirectory("BUILD_WORKING_DIRECTORY"), path);
}

std::string WorkspacePath(const std::string& relative) {
  return Join(BaseDirectory("BUILD_WORKSPACE_DIRECTORY"), relative);
}

}  // namespace core
