// `compare_checkpoints A.pt B.pt [--rtol=1e-5]`: compares the model weights of two
// checkpoints (e.g. a data-parallel run against one process with the same global batch).
// It measures the relative difference of the whole weight vector, ||a - b|| / ||b|| (L2,
// every parameter and buffer), and names the tensor with the largest share of ||a - b||;
// exits 0 when the difference is at most --rtol, 1 when above (or when the models differ
// in names or shapes), 2 on usage or read errors.
//
// Whole-vector, not per tensor: a tensor whose true gradient is zero (attention key biases,
// by the softmax's shift invariance) holds only rounding noise, so its own relative
// difference says nothing about whether two runs agree.
//
//   compare_checkpoints runs/dp/checkpoint_last.pt runs/single/checkpoint_last.pt
//   relative difference 3.1e-08 over 48 tensors; largest share: encoder.embed_tokens.weight
#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/train/checkpoint.h"
#include "core/train/command_line.h"
#include "core/util/status_macros.h"

namespace {

// Every tensor of a module archive (Module::save: tensors, and sub-archives per child),
// by its dotted name.
void ReadTensors(torch::serialize::InputArchive& archive, const std::string& prefix,
                 std::map<std::string, at::Tensor>* tensors) {
  for (const std::string& key : archive.keys()) {
    at::Tensor tensor;
    if (archive.try_read(key, tensor) || archive.try_read(key, tensor, /*is_buffer=*/true)) {
      (*tensors)[prefix + key] = tensor;
      continue;
    }
    torch::serialize::InputArchive child;
    if (archive.try_read(key, child)) ReadTensors(child, prefix + key + ".", tensors);
  }
}

absl::StatusOr<std::map<std::string, at::Tensor>> ModelTensors(const std::string& path) {
  torch::serialize::InputArchive archive;
  RETURN_IF_ERROR(core::OpenCheckpoint(path, archive));
  std::map<std::string, at::Tensor> tensors;
  try {
    torch::serialize::InputArchive model;
    archive.read("model", model);
    ReadTensors(model, "", &tensors);
  } catch (const c10::Error& error) {
    return absl::DataLossError(absl::StrCat(path, ": ", error.what_without_backtrace()));
  }
  return tensors;
}

}  // namespace

int main(int argc, char** argv) {
  core::CommandLine command_line("compare_checkpoints", "compare_checkpoints A.pt B.pt [--rtol=X]");
  command_line.AddGroup("compare_checkpoints flags")
      .add_options()(
          "rtol", boost::program_options::value<double>()->default_value(1e-5),
          "largest relative difference ||A - B|| / ||B|| of the model tensors that passes");
  if (command_line.AnswerStandardFlags(argc, argv)) return EXIT_SUCCESS;
  double rtol = 1e-5;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "--rtol=")) {
      if (!absl::SimpleAtod(arg.substr(7), &rtol)) {
        std::cerr << "compare_checkpoints: --rtol=" << arg.substr(7) << " is not a number\n";
        return 2;
      }
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) {
    std::cerr << "usage: compare_checkpoints A.pt B.pt [--rtol=1e-5]\n";
    return 2;
  }
  absl::StatusOr<std::map<std::string, at::Tensor>> read_a = ModelTensors(paths[0]);
  absl::StatusOr<std::map<std::string, at::Tensor>> read_b = ModelTensors(paths[1]);
  for (const auto* read : {&read_a, &read_b}) {
    if (!read->ok()) {
      std::cerr << "compare_checkpoints: " << read->status().message() << "\n";
      return 2;
    }
  }
  const std::map<std::string, at::Tensor>& a = *read_a;
  const std::map<std::string, at::Tensor>& b = *read_b;
  double difference_sq = 0, norm_sq = 0, worst = -1;
  std::string worst_name;
  for (const auto& [name, tensor] : b) {
    const auto other = a.find(name);
    if (other == a.end() || !other->second.sizes().equals(tensor.sizes())) {
      std::cerr << "compare_checkpoints: " << name << " is missing or has another shape in "
                << paths[0] << "\n";
      return 1;
    }
    const at::Tensor x = other->second.to(at::kDouble), y = tensor.to(at::kDouble);
    const double difference = (x - y).pow(2).sum().item<double>();
    difference_sq += difference;
    norm_sq += y.pow(2).sum().item<double>();
    if (!(difference <= worst)) {  // NaN counts as the worst
      worst = difference;
      worst_name = name;
    }
  }
  if (a.size() != b.size()) {
    std::cerr << "compare_checkpoints: " << paths[0] << " has " << a.size() << " tensors, "
              << paths[1] << " " << b.size() << "\n";
    return 1;
  }
  const double relative = std::sqrt(difference_sq / norm_sq);
  std::cout << "relative difference " << relative << " over " << b.size()
            << " tensors; largest share: " << worst_name << "\n";
  return relative <= rtol ? EXIT_SUCCESS : EXIT_FAILURE;
}
