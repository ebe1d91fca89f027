#include "tools/analyze/analyze_flags.h"

#include <boost/program_options.hpp>
#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/train/command_line.h"
#include "core/train/train_config.h"
#include "core/util/status_macros.h"
#include "plugins/residual.h"

namespace tools::analyze {
namespace {

// The analysis flags each report reads; --output_dir and --checkpoint apply to all.
const std::map<std::string, std::set<std::string>>& ReportFlags() {
  static const auto* flags = new std::map<std::string, std::set<std::string>>{
      {"omega_profile", {"--depths"}},
      {"output_change", {"--depths", "--modes", "--delta", "--epsilon", "--seeds", "--log_y"}},
      {"dependency", {}},
      {"grad_norms", {}},
      {"param_stats", {}},
  };
  return *flags;
}

absl::Status BadValue(const std::string& flag, const std::string& value, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(flag, "=", value, ": ", why));
}

}  // namespace

const std::vector<std::string>& ReportNames() {
  static const auto* names = [] {
    auto* list = new std::vector<std::string>;
    for (const auto& [name, flags] : ReportFlags()) list->push_back(name);
    return list;
  }();
  return *names;
}

absl::StatusOr<ModeSpec> ParseModeSpec(const std::string& text) {
  static const std::map<std::string, std::pair<std::string, std::string>> kNamed = {
      {"post", {"post", "default"}},
      {"pre", {"pre", "default"}},
      {"admin", {"admin", "admin"}},
  };
  ModeSpec spec;
  spec.name = text;
  if (const auto it = kNamed.find(text); it != kNamed.end()) {
    spec.residual = it->second.first;
    spec.init = it->second.second;
    return spec;
  }
  const std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits(':', 1));
  if (parts.size() != 2 || parts[1].empty() || !plugins::Residuals().Find(parts[0]).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown mode '", text, "': use post, pre, admin or RESIDUAL:INIT with RESIDUAL one of ",
        absl::StrJoin(plugins::Residuals().Names(), ", "), " (e.g. scaled:deepnorm)"));
  }
  spec.residual = parts[0];
  spec.init = parts[1];
  return spec;
}

absl::StatusOr<AnalyzeFlags> TakeAnalyzeFlags(std::vector<std::string>& args) {
  AnalyzeFlags flags;
  std::set<std::string> given;
  bool epsilon_given = false;
  std::vector<std::string> rest;
  for (const std::string& arg : args) {
    const std::vector<std::string> parts = absl::StrSplit(arg, absl::MaxSplits('=', 1));
    const std::string& name = parts[0];
    const std::string value = parts.size() == 2 ? parts[1] : "";
    static const std::set<std::string> kOwn = {"--report",     "--depths",     "--modes",
                                               "--output_dir", "--checkpoint", "--delta",
                                               "--epsilon",    "--seeds",      "--log_y"};
    if (kOwn.count(name) == 0) {
      rest.push_back(arg);
      continue;
    }
    if (parts.size() != 2 || value.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(name, " needs a value: ", name, "=..."));
    }
    if (!given.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(name, " is given twice"));
    }
    if (name == "--report") {
      flags.report = value;
    } else if (name == "--output_dir") {
      flags.output_dir = value;
    } else if (name == "--checkpoint") {
      flags.checkpoint = value;
    } else if (name == "--depths") {
      for (absl::string_view text : absl::StrSplit(value, ',')) {
        int64_t depth;
        if (!absl::SimpleAtoi(text, &depth) || depth < 1) {
          return BadValue(name, value, "expected positive integers, e.g. 1,2,4,6");
        }
        flags.depths.push_back(depth);
      }
    } else if (name == "--modes") {
      for (const std::string& text : std::vector<std::string>(absl::StrSplit(value, ','))) {
        absl::StatusOr<ModeSpec> mode = ParseModeSpec(text);
        if (!mode.ok()) return BadValue(name, value, std::string(mode.status().message()));
        flags.modes.push_back(*mode);
      }
    } else if (name == "--delta") {
      RETURN_IF_ERROR(core::CheckChoice("delta", value, {"random_sign", "grad_sign"}));
      flags.delta = value == "grad_sign" ? DeltaKind::kGradientSign : DeltaKind::kRandomSign;
    } else if (name == "--epsilon") {
      if (!absl::SimpleAtod(value, &flags.epsilon) || !(flags.epsilon >= 0)) {
        return BadValue(name, value, "expected a number >= 0");
      }
      epsilon_given = true;
    } else if (name == "--log_y") {
      RETURN_IF_ERROR(core::CheckChoice("log_y", value, {"true", "false"}));
      flags.log_y = value == "true";
    } else if (name == "--seeds") {
      if (!absl::SimpleAtoi(value, &flags.seeds) || flags.seeds < 1) {
        return BadValue(name, value, "expected a positive integer");
      }
    }
  }
  if (flags.report.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--report is required: one of ", absl::StrJoin(ReportNames(), ", ")));
  }
  RETURN_IF_ERROR(core::CheckChoice("report", flags.report, ReportNames()));
  const auto report = ReportFlags().find(flags.report);
  for (const std::string& name : given) {
    if (name == "--report" || name == "--output_dir" || name == "--checkpoint") continue;
    if (report->second.count(name) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " does not apply to --report=", flags.report));
    }
    if (!flags.checkpoint.empty() && (name == "--depths" || name == "--modes")) {
      return absl::InvalidArgumentError(absl::StrCat(
          name,
          " is meaningless with --checkpoint: the checkpoint fixes the model's depth and "
          "residual mode"));
    }
  }
  if (!epsilon_given && flags.delta == DeltaKind::kGradientSign) flags.epsilon = 1e-6;
  if (flags.report == "output_change" && flags.modes.empty() && flags.checkpoint.empty()) {
    for (const char* name : {"post", "pre", "admin"}) flags.modes.push_back(*ParseModeSpec(name));
  }
  args = rest;
  return flags;
}

std::string AnalyzeHelp() {
  namespace po = boost::program_options;
  po::options_description flags;
  flags.add_options()("report", po::value<std::string>(),
                      absl::StrCat("the report: ", absl::StrJoin(ReportNames(), ", ")).c_str())(
      "output_dir", po::value<std::string>()->default_value("runs/analysis"),
      "where the report's JSON and figures go")(
      "checkpoint", po::value<std::string>(),
      "analyse this trainer checkpoint instead of a freshly initialized model")(
      "depths", po::value<std::string>(),
      "output_change, omega_profile: encoder depths to scan, e.g. 1,2,4,6,12,18")(
      "modes", po::value<std::string>(),
      "output_change: model families, post, pre, admin or RESIDUAL:INIT (default post,pre,admin)")(
      "delta", po::value<std::string>()->default_value("random_sign"),
      "output_change: the perturbation, random_sign or grad_sign")(
      "epsilon", po::value<std::string>(),
      "output_change: its size (default 1e-4; 1e-6 with grad_sign)")(
      "seeds", po::value<std::string>()->default_value("3"),
      "output_change: models (and random perturbations) per depth; figures and fits use their "
      "median")("log_y", po::value<std::string>()->default_value("false"),
                "output_change: a logarithmic y axis, true or false");
  const absl::StatusOr<core::ParsedTrainConfig> trainer = core::ParseTrainConfig({"--help"});
  return absl::StrCat(
      "usage: bazel run //:analyze -- --report=NAME [analysis flags] [trainer flags]\n\n",
      core::FormatFlagHelp({{"analysis flags", &flags}}),
      "\ntrainer flags: the model, data and initializer, as `train` takes them:\n\n",
      trainer.ok() ? trainer->usage : "");
}

}  // namespace tools::analyze
