#include "tools/analyze/report_common.h"

#include <ATen/ATen.h>

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/train/checkpoint.h"
#include "core/util/json_io.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"
#include "core/util/user_path.h"
#include "tools/analyze/param_stats.h"
#include "tools/plot/figure_file.h"

namespace tools::analyze {

absl::Status LoadCheckpointWeights(const std::string& flag_value, core::TransformerImpl& model,
                                   const c10::Device& device) {
  const absl::Status loaded =
      core::LoadCheckpointModel(core::ResolveUserPath(flag_value), model, device);
  if (!absl::IsInvalidArgument(loaded)) return loaded;
  return absl::InvalidArgumentError(absl::StrCat("--checkpoint=", flag_value, ": ",
                                                 loaded.message(),
                                                 "; leave out the flags that change the model"));
}

absl::StatusOr<core::Experiment> LoadAnalysedModel(const ReportContext& context,
                                                   std::vector<std::string>* not_written) {
  absl::StatusOr<core::Experiment> experiment = core::BuildExperiment(context.config, false);
  if (!experiment.ok()) return experiment.status();
  if (!context.flags.checkpoint.empty()) {
    RETURN_IF_ERROR(
        LoadCheckpointWeights(context.flags.checkpoint, *experiment->model, experiment->device));
    return experiment;
  }
  const std::vector<int64_t> versions = ParameterVersions(*experiment->model);
  RETURN_IF_ERROR(core::InitializeModel(*experiment, context.config, ""));
  if (not_written != nullptr) *not_written = ParametersNotWrittenSince(*experiment->model, versions);
  return experiment;
}

core::BatchTensors FirstTrainingBatch(const core::Experiment& experiment) {
  return core::ToTensors(experiment.batcher->MakeBatch(experiment.batcher->PlanEpoch(1).front()),
                         experiment.device);
}

absl::Status WriteReportFile(const ReportContext& context, const std::string& name,
                             absl::string_view contents) {
  const std::string path = context.output_dir + "/" + name;
  if (absl::EndsWith(name, ".svg")) {
    RETURN_IF_ERROR(tools::plot::WriteFigure(path, std::string(contents)));
  } else {
    RETURN_IF_ERROR(core::WriteFileAtomically(path, contents));
  }
  std::printf("wrote %s\n", path.c_str());
  return absl::OkStatus();
}

absl::Status WriteReportJson(const ReportContext& context, const std::string& name,
                             const nlohmann::ordered_json& json) {
  return WriteReportFile(context, name, core::DumpJson(json) + "\n");
}

nlohmann::ordered_json ReportHeader(const ReportContext& context) {
  nlohmann::ordered_json header;
  header["report"] = context.flags.report;
  header["checkpoint"] = context.flags.checkpoint;
  header["config"] = nlohmann::ordered_json::object();
  for (const auto& [key, value] : context.resolved) header["config"][key] = value;
  return header;
}

}  // namespace tools::analyze
