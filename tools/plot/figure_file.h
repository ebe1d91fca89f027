// Figures on disk: the SVG, and PNG and PDF copies for slides and LaTeX, drawn by rsvg-convert
// (Debian package librsvg2-bin, which tools/setup.sh installs).
//
//   absl::Status written = WriteFigure("runs/x/figures/loss.svg", svg);
//   // runs/x/figures/loss.svg, loss.png (twice the SVG's size), loss.pdf
//
// Every file is written atomically. Without rsvg-convert the SVG is still written and the
// copies are skipped, with one warning per process on stderr: a figure is never lost for want
// of a converter.
#ifndef TOOLS_PLOT_FIGURE_FILE_H_
#define TOOLS_PLOT_FIGURE_FILE_H_

#include <string>

#include "absl/status/status.h"

namespace tools::plot {

// `svg_path` must end in ".svg"; the copies take the same name with ".png" and ".pdf".
absl::Status WriteFigure(const std::string& svg_path, const std::string& svg);

}  // namespace tools::plot

#endif  // TOOLS_PLOT_FIGURE_FILE_H_
