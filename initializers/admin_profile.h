// Admin's ω profile: the profiling recursion (docs/formulas.md §3.2) and the reference file format.
//
// The profiler observes one train-mode forward pass and, at each sublayer i of a stack,
// before the residual sum, sets ω_i to the running ratio and updates it:
//   ω_1 = 1,   ω_{i+1} = sqrt(Var[ω_i·x_{i-1}] + Var[f_i(x_{i-1})]),
// the encoder and decoder chains independent. The profile file has one `<idx> <ω>` line
// per sublayer, encoder first (idx 2l+1, 2l+2) then decoder (3l+1, 3l+2, 3l+3), as the
// reference code's `profile.ratio.init`.
//
//   AdminProfiler profiler(VarianceOver::kAllPositions);
//   model->forward(source, previous, &profiler);   // train mode, no grad
//   AdminProfile profile = profiler.profile();
//   absl::Status written = WriteAdminProfile(run_dir + "/profile.ratio.init", profile);
#ifndef INITIALIZERS_ADMIN_PROFILE_H_
#define INITIALIZERS_ADMIN_PROFILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/model/sublayer.h"
#include "core/model/transformer.h"

namespace plugins {

struct AdminProfile {
  // ω_1 .. ω_{2N} of the encoder sublayers, in execution order.
  std::vector<double> encoder;
  // ω_1 .. ω_{3M} of the decoder sublayers.
  std::vector<double> decoder;
};

// Which positions the variances run over. The reference code takes every element, padding
// included, which makes the decoder profile depend on the batch's padding (docs/formulas.md §3.3);
// real positions only is what the method means.
enum class VarianceOver { kAllPositions, kRealPositions };

class AdminProfiler : public core::SublayerObserver {
 public:
  explicit AdminProfiler(VarianceOver variance_over) : variance_over_(variance_over) {}

  // Sets ω_i of the sublayer (when it has a shortcut scale, trainable or constant) and
  // advances its stack's ratio.
  void OnBranch(const core::SublayerEvent& event) override;

  const AdminProfile& profile() const { return profile_; }

 private:
  double Variance(const at::Tensor& x, const at::Tensor& padding_mask) const;

  VarianceOver variance_over_;
  double ratio_[2] = {1.0, 1.0};  // by core::Stack
  AdminProfile profile_;
};

// Writes `profile` in the reference format, through a temporary file renamed into place.
absl::Status WriteAdminProfile(const std::string& path, const AdminProfile& profile);

// Reads a reference-format profile for a model with the given sublayer counts; errors name
// the file and line (wrong count, wrong index, unparsable or non-positive value).
absl::StatusOr<AdminProfile> ReadAdminProfile(const std::string& path, int64_t encoder_sublayers,
                                              int64_t decoder_sublayers);

// Fills every shortcut scale of `model` (trainable ω or constant) from `profile` (sizes must
// match the model).
absl::Status ApplyAdminProfile(core::TransformerImpl& model, const AdminProfile& profile);

}  // namespace plugins

#endif  // INITIALIZERS_ADMIN_PROFILE_H_
