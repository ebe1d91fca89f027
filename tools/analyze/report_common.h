// What the report implementations (report_*.cc) share: the analysed model, its batch and the
// output files. Internal to tools/analysis.
//
//   absl::StatusOr<core::Experiment> experiment = LoadAnalysedModel(context);
//   core::BatchTensors batch = FirstTrainingBatch(*experiment);
//   nlohmann::ordered_json json = ReportHeader(context);
//   json["matrices"] = ...;
//   absl::Status written = WriteReportJson(context, "dependency.json", json);
#ifndef TOOLS_ANALYZE_REPORT_COMMON_H_
#define TOOLS_ANALYZE_REPORT_COMMON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/data/batch_tensors.h"
#include "core/train/experiment.h"
#include "tools/analyze/reports.h"

namespace tools::analyze {

// The model to analyse: --checkpoint's weights, or a fresh one initialized by --init. For a
// fresh model, `not_written` (when given) receives the parameters the initializer left as
// the model's construction made them (the init audit, tools/analyze/param_stats.h).
absl::StatusOr<core::Experiment> LoadAnalysedModel(const ReportContext& context,
                                                   std::vector<std::string>* not_written = nullptr);

// Loads --checkpoint's weights into `model`, on `device` (a GPU run's checkpoint analyses on a
// CPU); an error (InvalidArgument) when a parameter's shape differs from the model's, i.e. when
// flags changed the checkpoint's configuration.
absl::Status LoadCheckpointWeights(const std::string& flag_value, core::TransformerImpl& model,
                                   const c10::Device& device);

// The first training batch of --seed: the batch Admin profiles on, the paper's fixed batch.
core::BatchTensors FirstTrainingBatch(const core::Experiment& experiment);

// Writes <output_dir>/<name> atomically and prints its path; a figure (name.svg) also gets
// its PNG and PDF copies (tools/plot/figure_file.h).
absl::Status WriteReportFile(const ReportContext& context, const std::string& name,
                             absl::string_view contents);

// Writes `json` on one line, as WriteReportFile.
absl::Status WriteReportJson(const ReportContext& context, const std::string& name,
                             const nlohmann::ordered_json& json);

// The JSON object every report starts with: report name, checkpoint, the trainer config.
nlohmann::ordered_json ReportHeader(const ReportContext& context);

}  // namespace tools::analyze

#endif  // TOOLS_ANALYZE_REPORT_COMMON_H_
