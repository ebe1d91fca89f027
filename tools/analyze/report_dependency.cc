// --report=dependency: β_{i,j} of each stack, as JSON and heatmaps.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/model/model_options.h"
#include "core/util/json_line.h"
#include "tools/analyze/dependency.h"
#include "tools/analyze/report_common.h"
#include "tools/plot/svg_plot.h"

namespace analysis {

absl::Status RunDependencyReport(const ReportContext& context) {
  absl::StatusOr<core::Experiment> experiment = LoadAnalysedModel(context);
  if (!experiment.ok()) return experiment.status();
  const std::vector<DependencyMatrix> matrices =
      MeasureDependency(*experiment->model, FirstTrainingBatch(*experiment));
  std::vector<std::string> matrix_json;
  for (const DependencyMatrix& matrix : matrices) {
    const std::string stack = core::StackName(matrix.stack);
    const core::ResidualMode mode = matrix.stack == core::Stack::kEncoder
                                        ? context.config.model.encoder_residual
                                        : context.config.model.decoder_residual;
    std::printf("%s (%s): beta_ii, the dependency of x_i on its own branch\n", stack.c_str(),
                core::ResidualModeName(mode));
    std::vector<double> diagonal;
    std::vector<std::string> rows;
    for (size_t i = 0; i < matrix.beta.size(); ++i) {
      diagonal.push_back(matrix.beta[i][i + 1]);
      std::printf("  %-5s %.4f\n", matrix.row_labels[i].c_str(), diagonal.back());
      rows.push_back(JsonNumbers(matrix.beta[i]));
    }
    std::vector<std::string> row_labels, column_labels;
    for (const std::string& l : matrix.row_labels) row_labels.push_back(core::JsonQuote(l));
    for (const std::string& l : matrix.column_labels) column_labels.push_back(core::JsonQuote(l));
    matrix_json.push_back(JsonObject()
                              .Add("stack", stack)
                              .Add("residual", core::ResidualModeName(mode))
                              .AddJson("rows", JsonArray(row_labels))
                              .AddJson("columns", JsonArray(column_labels))
                              .AddJson("beta", JsonArray(rows))
                              .AddJson("diagonal", JsonNumbers(diagonal))
                              .str());
    core::Heatmap heatmap;
    heatmap.title = absl::StrFormat("Dependency β of the %s (%s, %d sublayers)", stack,
                                    core::ResidualModeName(mode), matrix.beta.size());
    heatmap.x_label = "branch a_j (a_0: embedding)";
    heatmap.y_label = "sublayer output x_i";
    heatmap.values = matrix.beta;
    heatmap.row_labels = matrix.row_labels;
    heatmap.column_labels = matrix.column_labels;
    if (absl::Status status = WriteReportFile(context, absl::StrCat("dependency.", stack, ".svg"),
                                              core::RenderHeatmap(heatmap));
        !status.ok()) {
      return status;
    }
  }
  return WriteReportFile(
      context, "dependency.json",
      ReportHeader(context).AddJson("matrices", JsonArray(matrix_json)).str() + "\n");
}

}  // namespace analysis
