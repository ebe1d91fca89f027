// Runs that differ only by seed, drawn as one line: the mean at each x over the runs that have
// a value there, with the min-max band around it.
//
//   std::vector<std::pair<double, double>> points = {{100, 5.1}, {100, 5.3}, {200, 4.2}};
//   tools::plot::LineSeries line = MeanWithBand("postln", "#0072b2", points);
//   // x {100, 200}, y {5.2, 4.2}, band {5.1, 4.2} .. {5.3, 4.2}
#ifndef TOOLS_SWEEP_SEED_SUMMARY_H_
#define TOOLS_SWEEP_SEED_SUMMARY_H_

#include <string>
#include <utility>
#include <vector>

#include "tools/plot/svg_plot.h"

namespace tools::sweep {

// (x, y) points of every run, in any order; non-finite y values are left out.
tools::plot::LineSeries MeanWithBand(const std::string& label, const std::string& color,
                                     const std::vector<std::pair<double, double>>& points);

}  // namespace tools::sweep

#endif  // TOOLS_SWEEP_SEED_SUMMARY_H_
