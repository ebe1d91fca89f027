#include "core/train/checkpoint.h"

#include <ATen/Context.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/train/device.h"
#include "core/util/sha256.h"
#include "core/util/status_macros.h"
#include "core/util/text_file.h"

namespace core {
namespace {

constexpr int64_t kFormatVersion = 1;

// Devices whose default random generator a checkpoint carries.
std::vector<at::Device> GeneratorDevices() {
  std::vector<at::Device> devices = {at::Device(at::kCPU)};
  if (at::hasCUDA()) {
    for (size_t i = 0; i < at::getNumGPUs(); ++i) {
      devices.emplace_back(at::kCUDA, static_cast<c10::DeviceIndex>(i));
    }
  }
  return devices;
}

constexpr char kGeneratorPrefix[] = "rng/";

std::string GeneratorKey(const at::Device& device) { return kGeneratorPrefix + device.str(); }

// The major version of a LibTorch version string ("2.1.0+cu121" -> 2), or -1.
int MajorVersion(const std::string& version) {
  int major = -1;
  return absl::SimpleAtoi(version.substr(0, version.find('.')), &major) ? major : -1;
}

void WriteState(torch::serialize::OutputArchive& archive, const CheckpointState& state) {
  archive.write("format_version", c10::IValue(kFormatVersion));
  archive.write("updates", c10::IValue(state.updates));
  archive.write("data_epoch", c10::IValue(state.data_position.epoch));
  archive.write("data_batch", c10::IValue(state.data_position.batch_index));
  archive.write("train_time", c10::IValue(state.train_time));
  archive.write("best_valid_loss", c10::IValue(state.best_valid_loss));
  archive.write("fast_loss", c10::IValue(state.fast_loss));
  archive.write("slow_loss", c10::IValue(state.slow_loss));
  archive.write("initial_loss", c10::IValue(state.initial_loss));
  archive.write("observed_updates", c10::IValue(state.observed_updates));
  archive.write("stale_validations", c10::IValue(state.stale_validations));
  std::vector<double> best_losses;
  std::vector<int64_t> best_updates;
  for (const auto& [loss, update] : state.best_kept) {
    best_losses.push_back(loss);
    best_updates.push_back(update);
  }
  archive.write("best_kept_losses", c10::IValue(best_losses));
  archive.write("best_kept_updates", c10::IValue(best_updates));
  archive.write("interval_loss", c10::IValue(state.log_interval.loss));
  archive.write("interval_nll", c10::IValue(state.log_interval.nll));
  archive.write("interval_grad_norm", c10::IValue(state.log_interval.grad_norm));
  archive.write("interval_tokens", c10::IValue(state.log_interval.tokens));
  archive.write("interval_updates", c10::IValue(state.log_interval.updates));
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (const auto& [key, value] : state.config) {
    keys.push_back(key);
    values.push_back(value);
  }
  archive.write("dataset_id", c10::IValue(state.dataset_id));
  archive.write("libtorch_version", c10::IValue(LibTorchVersion()));
  archive.write("loss_scale", c10::IValue(state.loss_scale));
  archive.write("loss_scale_growth_tracker", c10::IValue(state.loss_scale_growth_tracker));
  archive.write("config_keys", c10::IValue(keys));
  archive.write("config_values", c10::IValue(values));
}

CheckpointState ReadState(torch::serialize::InputArchive& archive) {
  auto read = [&archive](const char* key) {
    c10::IValue value;
    archive.read(key, value);
    return value;
  };
  TORCH_CHECK(read("format_version").toInt() == kFormatVersion, "unknown checkpoint format");
  CheckpointState state;
  state.updates = read("updates").toInt();
  state.data_position = {read("data_epoch").toInt(), read("data_batch").toInt()};
  state.train_time = read("train_time").toDouble();
  state.best_valid_loss = read("best_valid_loss").toDouble();
  state.fast_loss = read("fast_loss").toDouble();
  state.slow_loss = read("slow_loss").toDouble();
  // Checkpoints from before the first loss was kept: the slow average stands in for it.
  c10::IValue initial_loss;
  state.initial_loss =
      archive.try_read("initial_loss", initial_loss) ? initial_loss.toDouble() : state.slow_loss;
  state.observed_updates = read("observed_updates").toInt();
  if (c10::IValue stale; archive.try_read("stale_validations", stale)) {
    state.stale_validations = stale.toInt();
  }
  if (c10::IValue losses, updates; archive.try_read("best_kept_losses", losses) &&
                                   archive.try_read("best_kept_updates", updates)) {
    const std::vector<double> loss_list = losses.toDoubleVector();
    const std::vector<int64_t> update_list = updates.toIntVector();
    for (size_t i = 0; i < loss_list.size() && i < update_list.size(); ++i) {
      state.best_kept.emplace_back(loss_list[i], update_list[i]);
    }
  }
  state.log_interval = {read("interval_loss").toDouble(), read("interval_nll").toDouble(),
                        read("interval_grad_norm").toDouble(), read("interval_tokens").toInt(),
                        read("interval_updates").toInt()};
  if (c10::IValue dataset_id; archive.try_read("dataset_id", dataset_id)) {
    state.dataset_id = dataset_id.toStringRef();
  }
  if (c10::IValue version; archive.try_read("libtorch_version", version)) {
    state.libtorch_version = version.toStringRef();
  }
  if (c10::IValue scale, tracker; archive.try_read("loss_scale", scale) &&
                                  archive.try_read("loss_scale_growth_tracker", tracker)) {
    state.loss_scale = scale.toDouble();
    state.loss_scale_growth_tracker = tracker.toInt();
  }
  const auto keys = read("config_keys").toList();
  const auto values = read("config_values").toList();
  TORCH_CHECK(keys.size() == values.size(), "config keys and values differ in number");
  for (size_t i = 0; i < keys.size(); ++i) {
    state.config[keys.get(i).toStringRef()] = values.get(i).toStringRef();
  }
  return state;
}

// The archive holding the checkpoint's content, its tensors on `device`, read back from
// `outer` (loaded on the CPU from `path`): its "payload" (the serialized content) after
// checking it against the SHA-256 written with it, or the file itself for a checkpoint written
// before payloads had a checksum.
void ReadVerifiedContent(const std::string& path, torch::serialize::InputArchive& outer,
                         const c10::Device& device, torch::serialize::InputArchive& content) {
  at::Tensor payload;
  if (!outer.try_read("payload", payload)) {
    content.load_from(path, device);
    return;
  }
  c10::IValue written_digest;
  outer.read("payload_sha256", written_digest);
  const absl::string_view bytes(reinterpret_cast<const char*>(payload.data_ptr<uint8_t>()),
                                payload.numel());
  TORCH_CHECK(Sha256Hex(bytes) == written_digest.toStringRef(),
              "its content does not match the SHA-256 written with it (damaged on disk?)");
  content.load_from(bytes.data(), bytes.size(), device);
}

using TensorShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;

// The shapes of `model`'s parameters and buffers, by name.
TensorShapes ShapesOf(torch::nn::Module& model) {
  TensorShapes shapes;
  for (const auto& item : model.named_parameters()) {
    shapes.emplace_back(item.key(), item.value().sizes().vec());
  }
  for (const auto& item : model.named_buffers()) {
    shapes.emplace_back(item.key(), item.value().sizes().vec());
  }
  return shapes;
}

// LibTorch's loader gives a tensor the checkpoint's shape (Tensor::set_), so a checkpoint of
// another model would load and fail later: refused here, naming the first changed tensor.
absl::Status CheckShapesKept(const std::string& path, const TensorShapes& before,
                             torch::nn::Module& model) {
  const TensorShapes after = ShapesOf(model);
  for (size_t i = 0; i < before.size() && i < after.size(); ++i) {
    if (after[i].second == before[i].second) continue;
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint ", path, ": ", before[i].first, " has shape [",
                     absl::StrJoin(after[i].second, ","), "] there but [",
                     absl::StrJoin(before[i].second, ","), "] in this model"));
  }
  return absl::OkStatus();
}

void LoadModel(torch::serialize::InputArchive& archive, torch::nn::Module& model) {
  torch::serialize::InputArchive model_archive;
  archive.read("model", model_archive);
  model.load(model_archive);
}

// Restores the default generator of every device of this process that the checkpoint has a
// state for (from a CPU byte tensor, as generators take it); records the rest in `state`.
void RestoreGenerators(torch::serialize::InputArchive& archive, CheckpointState& state) {
  std::vector<std::string> saved;
  for (const std::string& key : archive.keys()) {
    if (absl::StartsWith(key, kGeneratorPrefix)) saved.push_back(key);
  }
  std::vector<std::string> here;
  for (const at::Device& device : GeneratorDevices()) here.push_back(GeneratorKey(device));
  GeneratorRestorePlan plan = PlanGeneratorRestore(saved, here);
  for (const std::string& key : plan.restore) {
    at::Tensor generator_state;
    archive.read(key, generator_state);
    at::Generator generator = at::globalContext().defaultGenerator(
        at::Device(key.substr(sizeof(kGeneratorPrefix) - 1)));
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(generator_state.to(at::kCPU));
  }
  state.skipped_generators = std::move(plan.skipped);
}

// `device` as a load's target: one this process can use, where `model` already is.
absl::StatusOr<c10::Device> CheckTarget(const std::string& path, torch::nn::Module& model,
                                        const c10::Device& device) {
  absl::StatusOr<c10::Device> target = ParseDevice(device.str());
  if (!target.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot load checkpoint ", path, " onto ",
                                                   device.str(), ": ", target.status().message()));
  }
  for (const auto& item : model.named_parameters()) {
    if (item.value().device() == *target) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot load checkpoint ", path, " onto ", target->str(), ": the model is on ",
        item.value().device().str(), " (", item.key(), "); move it there first"));
  }
  return target;
}

// Runs `load` on the content of the checkpoint at `path`, its tensors on `device`, turning
// LibTorch's exceptions into a clear error.
template <typename Load>
absl::Status WithArchive(const std::string& path, const c10::Device& device, Load load) {
  if (!std::filesystem::exists(path)) {
    return absl::NotFoundError(absl::StrCat("checkpoint ", path, " does not exist"));
  }
  try {
    torch::serialize::InputArchive outer;
    outer.load_from(path, c10::Device(c10::kCPU));
    torch::serialize::InputArchive content;
    ReadVerifiedContent(path, outer, device, content);
    load(content);
  } catch (const c10::Error& error) {
    return absl::DataLossError(absl::StrCat(
        "checkpoint ", path,
        " is corrupt, truncated or from another model: ", error.what_without_backtrace()));
  }
  return absl::OkStatus();
}

}  // namespace

GeneratorRestorePlan PlanGeneratorRestore(const std::vector<std::string>& saved,
                                          const std::vector<std::string>& here) {
  const auto contains = [](const std::vector<std::string>& keys, const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  };
  GeneratorRestorePlan plan;
  for (const std::string& key : here) {
    if (contains(saved, key)) {
      plan.restore.push_back(key);
    } else {
      plan.skipped.push_back(absl::StrCat(key, " (not in the checkpoint: keeps its seed)"));
    }
  }
  for (const std::string& key : saved) {
    if (!contains(here, key)) {
      plan.skipped.push_back(absl::StrCat(key, " (saved, but this process has no ",
                                          key.substr(sizeof(kGeneratorPrefix) - 1), ")"));
    }
  }
  return plan;
}

absl::Status CheckOptimizerStateReadable(const std::string& path,
                                         const std::string& saved_version,
                                         const std::string& running_version) {
  // Only LibTorch 1.x wrote checkpoints before the version was recorded.
  const std::string saved = saved_version.empty() ? "1.x" : saved_version;
  if (MajorVersion(saved) == MajorVersion(running_version)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "checkpoint ", path, " was written by LibTorch ", saved, ", and this program uses LibTorch ",
      running_version, ": the optimizer state does not carry over between major versions (its "
      "keys would parse as 0 and the state be dropped without a word). Resume with a LibTorch ",
      MajorVersion(saved), ".x build, or start a new run from its weights with --restore=", path,
      " (a fresh optimizer)"));
}

std::string LibTorchVersion() { return TORCH_VERSION; }

absl::Status SaveCheckpoint(const std::string& path, torch::nn::Module& model,
                            torch::optim::Optimizer& optimizer, const CheckpointState& state) {
  std::ostringstream file;
  try {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model_archive;
    model.save(model_archive);
    archive.write("model", model_archive);
    torch::serialize::OutputArchive optimizer_archive;
    optimizer.save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
    WriteState(archive, state);
    for (const at::Device& device : GeneratorDevices()) {
      at::Generator generator = at::globalContext().defaultGenerator(device);
      std::lock_guard<std::mutex> lock(generator.mutex());
      archive.write(GeneratorKey(device), generator.get_state());
    }
    // The content goes in as one byte tensor with its SHA-256 beside it, so that a load
    // detects a flipped bit anywhere in it (the archive format itself checks nothing).
    std::ostringstream content;
    archive.save_to(content);
    const std::string bytes = std::move(content).str();
    torch::serialize::OutputArchive outer;
    outer.write("payload", at::from_blob(const_cast<char*>(bytes.data()),
                                         {static_cast<int64_t>(bytes.size())}, at::kByte));
    outer.write("payload_sha256", c10::IValue(Sha256Hex(bytes)));
    // Into memory, then to disk with checked writes: LibTorch's file writer finishes the file
    // in its destructor, where a write error (a full disk) can only terminate the program.
    outer.save_to(file);
  } catch (const c10::Error& error) {
    return absl::InternalError(
        absl::StrCat("cannot serialize checkpoint ", path, ": ", error.what_without_backtrace()));
  }
  return WriteFileAtomically(path, std::move(file).str());
}

absl::StatusOr<CheckpointState> LoadCheckpoint(const std::string& path, torch::nn::Module& model,
                                               torch::optim::Optimizer& optimizer,
                                               const c10::Device& device) {
  ASSIGN_OR_RETURN(const c10::Device target, CheckTarget(path, model, device));
  CheckpointState state;
  absl::Status readable;
  const TensorShapes shapes = ShapesOf(model);
  absl::Status status = WithArchive(path, target, [&](torch::serialize::InputArchive& archive) {
    // The version first: a checkpoint of another major version must not load half-way.
    state = ReadState(archive);
    readable = CheckOptimizerStateReadable(path, state.libtorch_version, LibTorchVersion());
    if (!readable.ok()) return;
    LoadModel(archive, model);
    torch::serialize::InputArchive optimizer_archive;
    archive.read("optimizer", optimizer_archive);
    optimizer.load(optimizer_archive);
    RestoreGenerators(archive, state);
  });
  RETURN_IF_ERROR(status);
  RETURN_IF_ERROR(readable);
  RETURN_IF_ERROR(CheckShapesKept(path, shapes, model));
  return state;
}

absl::StatusOr<CheckpointState> ReadCheckpointState(const std::string& path) {
  CheckpointState state;
  absl::Status status =
      WithArchive(path, c10::Device(c10::kCPU),
                  [&](torch::serialize::InputArchive& archive) { state = ReadState(archive); });
  if (!status.ok()) return status;
  return state;
}

absl::Status OpenCheckpoint(const std::string& path, torch::serialize::InputArchive& content) {
  return WithArchive(path, c10::Device(c10::kCPU), [&](torch::serialize::InputArchive& archive) {
    content = std::move(archive);
  });
}

absl::Status LoadCheckpointModel(const std::string& path, torch::nn::Module& model,
                                 const c10::Device& device) {
  ASSIGN_OR_RETURN(const c10::Device target, CheckTarget(path, model, device));
  const TensorShapes shapes = ShapesOf(model);
  RETURN_IF_ERROR(WithArchive(
      path, target, [&](torch::serialize::InputArchive& archive) { LoadModel(archive, model); }));
  return CheckShapesKept(path, shapes, model);
}

}  // namespace core
