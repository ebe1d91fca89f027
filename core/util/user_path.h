// Paths given by a user on the command line, made independent of how the tool was started.
//
// `bazel run` starts a binary inside its runfiles tree, not where the user typed the
// command; Bazel passes that directory as BUILD_WORKING_DIRECTORY and the workspace root as
// BUILD_WORKSPACE_DIRECTORY. A relative user path must resolve against the former, and
// project defaults such as data/ding-de-en against the latter:
//
//   ResolveUserPath("hyp.txt")        // "$BUILD_WORKING_DIRECTORY/hyp.txt" under bazel run
//   WorkspacePath("data/ding-de-en")  // "$BUILD_WORKSPACE_DIRECTORY/data/ding-de-en"
//
// Run directly (not through bazel run), both resolve against the current directory.
#ifndef CORE_UTIL_USER_PATH_H_
#define CORE_UTIL_USER_PATH_H_

#include <string>

namespace core {

// `path` unchanged when absolute or empty; otherwise joined to the directory the user
// ran the command from.
std::string ResolveUserPath(const std::string& path);

// `relative` joined to the workspace root (the current directory outside bazel run).
std::string WorkspacePath(const std::string& relative);

}  // namespace core

#endif  // CORE_UTIL_USER_PATH_H_
