#include "tools/sweep/executor.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace tools::sweep {

bool IsFinished(const std::string& state) { return state == "done" || state == "diverged"; }

std::string ShellCommand(const std::vector<std::string>& args) {
  return absl::StrJoin(args, " ", [](std::string* out, const std::string& arg) {
    const bool plain = !arg.empty() && arg.find_first_not_of(
                                           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                           "0123456789_-.,/=:+@%") == std::string::npos;
    absl::StrAppend(
        out, plain ? arg : absl::StrCat("'", absl::StrReplaceAll(arg, {{"'", "'\\''"}}), "'"));
  });
}

}  // namespace tools::sweep
