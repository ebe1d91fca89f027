#include "tools/sweep/seed_summary.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace tools::sweep {

tools::plot::LineSeries MeanWithBand(const std::string& label, const std::string& color,
                                     const std::vector<std::pair<double, double>>& points) {
  std::map<double, std::vector<double>> by_x;
  for (const auto& [x, y] : points) {
    if (std::isfinite(x) && std::isfinite(y)) by_x[x].push_back(y);
  }
  tools::plot::LineSeries series;
  series.label = label;
  series.color = color;
  for (const auto& [x, ys] : by_x) {
    double sum = 0;
    for (const double y : ys) sum += y;
    series.x.push_back(x);
    series.y.push_back(sum / static_cast<double>(ys.size()));
    series.band_low.push_back(*std::min_element(ys.begin(), ys.end()));
    series.band_high.push_back(*std::max_element(ys.begin(), ys.end()));
  }
  return series;
}

}  // namespace tools::sweep
