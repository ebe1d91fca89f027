// --report=dependency: β_{i,j} of each stack, as JSON and heatmaps.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/model/model_options.h"
#include "core/util/status_macros.h"
#include "tools/analyze/dependency.h"
#include "tools/analyze/report_common.h"
#include "tools/plot/svg_plot.h"

namespace tools::analyze {

using tools::plot::Heatmap;
using tools::plot::RenderHeatmap;

absl::Status RunDependencyReport(const ReportContext& context) {
  ASSIGN_OR_RETURN(core::Experiment experiment, LoadAnalysedModel(context));
  const std::vector<DependencyMatrix> matrices =
      MeasureDependency(*experiment.model, FirstTrainingBatch(experiment));
  nlohmann::ordered_json matrix_json = nlohmann::ordered_json::array();
  for (const DependencyMatrix& matrix : matrices) {
    const std::string stack = core::StackName(matrix.stack);
    const std::string& residual = matrix.stack == core::Stack::kEncoder
                                      ? context.config.model.encoder_residual
                                      : context.config.model.decoder_residual;
    std::printf("%s (%s): beta_ii, the dependency of x_i on its own branch\n", stack.c_str(),
                residual.c_str());
    std::vector<double> diagonal;
    for (size_t i = 0; i < matrix.beta.size(); ++i) {
      diagonal.push_back(matrix.beta[i][i + 1]);
      std::printf("  %-5s %.4f\n", matrix.row_labels[i].c_str(), diagonal.back());
    }
    nlohmann::ordered_json entry;
    entry["stack"] = stack;
    entry["residual"] = residual;
    entry["rows"] = matrix.row_labels;
    entry["columns"] = matrix.column_labels;
    entry["beta"] = matrix.beta;
    entry["diagonal"] = diagonal;
    matrix_json.push_back(std::move(entry));
    Heatmap heatmap;
    heatmap.value_label = "β_{i,j}";
    heatmap.title = absl::StrFormat("Dependency β of the %s (%s, %d sublayers)", stack, residual,
                                    matrix.beta.size());
    heatmap.x_label = "branch a_j (a_0: embedding)";
    heatmap.y_label = "sublayer output x_i";
    heatmap.values = matrix.beta;
    heatmap.row_labels = matrix.row_labels;
    heatmap.column_labels = matrix.column_labels;
    RETURN_IF_ERROR(WriteReportFile(context, absl::StrCat("dependency.", stack, ".svg"),
                                    RenderHeatmap(heatmap)));
  }
  nlohmann::ordered_json json = ReportHeader(context);
  json["matrices"] = std::move(matrix_json);
  return WriteReportJson(context, "dependency.json", json);
}

}  // namespace tools::analyze
