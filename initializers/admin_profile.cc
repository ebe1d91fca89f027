#include "initializers/admin_profile.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "plugins/residual_connection.h"

namespace plugins {

double AdminProfiler::Variance(const at::Tensor& x, const at::Tensor& padding_mask) const {
  at::Tensor values = x.to(at::kDouble);
  if (variance_over_ == VarianceOver::kRealPositions) {
    values = values.masked_select(padding_mask.logical_not().unsqueeze(-1));
  }
  return values.var(/*unbiased=*/false).item<double>();
}

void AdminProfiler::OnBranch(const core::SublayerEvent& event) {
  const core::Sublayer& sublayer = event.sublayer;
  double& ratio = ratio_[static_cast<int>(sublayer.stack)];
  const double omega = ratio;
  if (sublayer.residual->shortcut_scale().defined()) {
    at::NoGradGuard no_grad;
    sublayer.residual->shortcut_scale().fill_(omega);
  }
  (sublayer.stack == core::Stack::kEncoder ? profile_.encoder : profile_.decoder).push_back(omega);
  // The standard deviation of the un-normalised sum b_i becomes ω_{i+1}.
  ratio = std::sqrt(Variance(event.shortcut * omega, event.padding_mask) +
                    Variance(event.branch, event.padding_mask));
}

absl::Status WriteAdminProfile(const std::string& path, const AdminProfile& profile) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary);
    if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write ", temporary));
    for (const std::vector<double>* chain : {&profile.encoder, &profile.decoder}) {
      for (size_t i = 0; i < chain->size(); ++i) {
        out << absl::StrFormat("%d %.17g\n", i + 1, (*chain)[i]);
      }
    }
    if (!out.flush()) return absl::DataLossError(absl::StrCat("error writing ", temporary));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot rename ", temporary, " to ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<AdminProfile> ReadAdminProfile(const std::string& path, int64_t encoder_sublayers,
                                              int64_t decoder_sublayers) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open Admin profile ", path));
  AdminProfile profile;
  std::string line;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const bool encoder = static_cast<int64_t>(profile.encoder.size()) < encoder_sublayers;
    std::vector<double>& chain = encoder ? profile.encoder : profile.decoder;
    const int64_t expected_index = static_cast<int64_t>(chain.size()) + 1;
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_number, ": ", what));
    };
    if (!encoder && static_cast<int64_t>(chain.size()) >= decoder_sublayers) {
      return error(absl::StrCat("more lines than the model's ", encoder_sublayers, " encoder + ",
                                decoder_sublayers, " decoder sublayers"));
    }
    const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    int64_t index;
    double omega;
    if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &index) ||
        !absl::SimpleAtod(fields[1], &omega)) {
      return error(absl::StrCat("expected `<index> <omega>`, got '", line, "'"));
    }
    if (index != expected_index) {
      return error(absl::StrCat("expected index ", expected_index, " of the ",
                                encoder ? "encoder" : "decoder", ", got ", index));
    }
    if (!(omega > 0) || !std::isfinite(omega)) {
      return error(absl::StrCat("omega = ", fields[1], " must be a positive number"));
    }
    chain.push_back(omega);
  }
  if (static_cast<int64_t>(profile.encoder.size()) != encoder_sublayers ||
      static_cast<int64_t>(profile.decoder.size()) != decoder_sublayers) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": has ", line_number, " lines; the model needs ", encoder_sublayers, " encoder + ",
        decoder_sublayers, " decoder sublayers (same depths as when profiled?)"));
  }
  return profile;
}

absl::Status ApplyAdminProfile(core::TransformerImpl& model, const AdminProfile& profile) {
  const core::ModelOptions& options = model.options();
  if (static_cast<int64_t>(profile.encoder.size()) != 2 * options.encoder_layers ||
      static_cast<int64_t>(profile.decoder.size()) != 3 * options.decoder_layers) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Admin profile has ", profile.encoder.size(), " encoder and ", profile.decoder.size(),
        " decoder values; the model has ", 2 * options.encoder_layers, " and ",
        3 * options.decoder_layers, " sublayers"));
  }
  at::NoGradGuard no_grad;
  for (const core::Sublayer& sublayer : model.Sublayers()) {
    if (!sublayer.residual->shortcut_scale().defined()) continue;
    const std::vector<double>& chain =
        sublayer.stack == core::Stack::kEncoder ? profile.encoder : profile.decoder;
    sublayer.residual->shortcut_scale().fill_(chain[sublayer.index]);
  }
  return absl::OkStatus();
}

}  // namespace plugins
