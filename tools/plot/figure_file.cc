#include "tools/plot/figure_file.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"

extern char** environ;

namespace tools::plot {
namespace {

constexpr char kConverter[] = "rsvg-convert";

// Runs `argv` (argv[0] found on PATH) and waits; its exit code, or -1 when it cannot start.
int Run(const std::vector<std::string>& argv) {
  std::vector<char*> pointers;
  for (const std::string& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, argv[0].c_str(), nullptr, nullptr, pointers.data(), environ) != 0) {
    return -1;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool ConverterMissing() {
  static const bool missing = Run({kConverter, "--version"}) != 0;
  return missing;
}

}  // namespace

absl::Status WriteFigure(const std::string& svg_path, const std::string& svg) {
  if (!absl::EndsWith(svg_path, ".svg")) {
    return absl::InvalidArgumentError(absl::StrCat("figure file ", svg_path, " must end in .svg"));
  }
  RETURN_IF_ERROR(core::WriteFileAtomically(svg_path, svg));
  if (ConverterMissing()) {
    static bool warned = false;
    if (!warned) {
      std::fprintf(stderr,
                   "warning: %s not found (Debian package librsvg2-bin): figures are written "
                   "as SVG only, without PNG and PDF copies\n",
                   kConverter);
      warned = true;
    }
    return absl::OkStatus();
  }
  const std::string stem = svg_path.substr(0, svg_path.size() - 4);
  for (const char* format : {"png", "pdf"}) {
    const std::string path = absl::StrCat(stem, ".", format);
    const std::string partial = absl::StrCat(path, ".partial");
    // PNG at twice the SVG's size: sharp on slides.
    std::vector<std::string> argv = {kConverter, "--format", format, "--output", partial};
    if (std::string(format) == "png") argv.insert(argv.end(), {"--zoom", "2"});
    argv.push_back(svg_path);
    if (const int code = Run(argv); code != 0) {
      std::filesystem::remove(partial);
      return absl::InternalError(absl::StrCat("`", absl::StrJoin(argv, " "),
                                              "` failed (exit code ", code, ")"));
    }
    std::error_code error;
    std::filesystem::rename(partial, path, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("cannot rename ", partial, " to ", path, ": ", error.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace tools::plot
