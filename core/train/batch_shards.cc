#include "core/train/batch_shards.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <exception>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/model/fast_dropout.h"
#include "core/model/label_smoothed_loss.h"
#include "core/model/transformer.h"

namespace core {
namespace {

// What one shard's thread leaves for the caller.
struct ShardResult {
  BatchLoss loss;
  // Its gradients of `parameters`, in order (undefined where a parameter was unused); empty
  // when the shard accumulated into .grad itself (a single shard).
  std::vector<at::Tensor> gradients;
  std::exception_ptr error;
};

// Columns [0, length) of `tokens`, where `length` ends at the last column with a real token.
at::Tensor TrimPadding(const at::Tensor& tokens, const at::Tensor& real_columns) {
  const int64_t length = real_columns.nonzero().max().item<int64_t>() + 1;
  return tokens.slice(/*dim=*/1, 0, length);
}

}  // namespace

std::vector<std::pair<int64_t, int64_t>> ShardRows(const at::Tensor& target, int64_t pad_id,
                                                   int64_t shards) {
  const at::Tensor tokens = target.ne(pad_id).sum(/*dim=*/1).cpu();
  const int64_t rows = tokens.size(0);
  const int64_t* count = tokens.data_ptr<int64_t>();
  shards = std::max<int64_t>(1, std::min(shards, rows));
  int64_t total = 0;
  for (int64_t row = 0; row < rows; ++row) total += count[row];
  std::vector<std::pair<int64_t, int64_t>> ranges;
  int64_t begin = 0;
  int64_t cumulative = 0;
  for (int64_t row = 0; row + 1 < rows; ++row) {
    cumulative += count[row];
    const int64_t closed = static_cast<int64_t>(ranges.size()) + 1;  // counting this one
    // Close a shard where its end comes nearest its share of the tokens (before the next row
    // would overshoot by more than half of it), leaving a row for each shard still to come.
    const bool near_share =
        (2 * cumulative + count[row + 1]) * shards >= 2 * total * closed;
    if (closed < shards && near_share && rows - (row + 1) >= shards - closed) {
      ranges.emplace_back(begin, row + 1);
      begin = row + 1;
    }
  }
  ranges.emplace_back(begin, rows);
  return ranges;
}

BatchTensors SliceBatch(const BatchTensors& batch, int64_t begin, int64_t end, int64_t pad_id) {
  const at::Tensor source = batch.source.slice(0, begin, end);
  const at::Tensor target = batch.target.slice(0, begin, end);
  // Decoder inputs and targets are the same sentences shifted by one: padded alike.
  const at::Tensor target_columns = target.ne(pad_id).any(/*dim=*/0);
  return {TrimPadding(source, source.ne(pad_id).any(/*dim=*/0)),
          TrimPadding(batch.decoder_input.slice(0, begin, end), target_columns),
          TrimPadding(target, target_columns)};
}

bool RunsConcurrently(const TransformerImpl& model) {
  return !model.encoder->residual_stack && !model.decoder->residual_stack;
}

absl::StatusOr<int64_t> ResolveBatchThreads(int64_t requested, int64_t threads,
                                            Precision precision, const c10::Device& device,
                                            int64_t cores, bool runs_concurrently) {
  if (requested < 0) {
    return absl::InvalidArgumentError(absl::StrCat("--batch_threads = ", requested,
                                                   " must be >= 0"));
  }
  if (requested == 0) {
    const bool concurrent = device.is_cpu() && threads == 0 && runs_concurrently &&
                            precision == Precision::kFp32;
    return concurrent ? std::max<int64_t>(1, cores) : 1;
  }
  if (requested == 1) return 1;
  if (!device.is_cpu()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--batch_threads = ", requested, " runs on CPU threads; on ", device.str(),
                     " leave it at 0 or 1"));
  }
  if (!runs_concurrently) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--batch_threads = ", requested,
        ": this residual arrangement keeps state along a stack (b2t, resi_dual), so its forward "
        "passes cannot share the model across threads; use --batch_threads=1"));
  }
  if (precision != Precision::kFp32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--batch_threads = ", requested, " with --precision=", PrecisionName(precision),
        ": mixed-precision forward passes on several threads crash LibTorch 1.13's bf16 kernels; "
        "use --batch_threads=1"));
  }
  if (threads > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--batch_threads = ", requested, " and --threads = ", threads,
        ": each batch thread runs one-threaded kernels; set at most one of them above 1"));
  }
  return requested;
}

BatchLoss ForwardBackward(TransformerImpl& model, const BatchTensors& batch,
                          const std::vector<at::Tensor>& parameters, const ShardOptions& options,
                          Precision precision, const c10::Device& device,
                          const LossScaler& scaler) {
  TORCH_CHECK(options.threads == 1 || (device.is_cpu() && RunsConcurrently(model) &&
                                        precision == Precision::kFp32),
              "batch threads need a CPU, fp32 and residual arrangements without stack state");
  // One shard needs no token counts (on a GPU each would be a device-to-host copy).
  const std::vector<std::pair<int64_t, int64_t>> ranges =
      options.threads == 1 ? std::vector<std::pair<int64_t, int64_t>>{{0, batch.target.size(0)}}
                           : ShardRows(batch.target, options.pad_id, options.threads);
  const bool single = ranges.size() == 1;
  // One draw of the default generator per batch decides every shard's masks.
  const uint64_t seed = NextDropoutKey();
  std::vector<ShardResult> results(ranges.size());
  const auto run_shard = [&](size_t k) {
    ShardResult& result = results[k];
    try {
      const DropoutKeyScope keys(seed + k);
      const BatchTensors shard =
          single ? batch : SliceBatch(batch, ranges[k].first, ranges[k].second, options.pad_id);
      LossSums sums;
      {
        const MixedPrecisionScope mixed_precision(precision, device);
        sums = LabelSmoothedCrossEntropy(model.forward(shard.source, shard.decoder_input),
                                         shard.target, options.label_smoothing, options.pad_id);
      }
      const at::Tensor scaled = scaler.Scale(sums.loss);
      if (single) {
        scaled.backward();
      } else {
        result.gradients = torch::autograd::grad({scaled}, parameters, /*grad_outputs=*/{},
                                                 /*retain_graph=*/false, /*create_graph=*/false,
                                                 /*allow_unused=*/true);
      }
      // One device-to-host copy for the three sums (each .item() would sync a GPU).
      const at::Tensor host =
          at::stack({sums.loss.detach().to(at::kDouble), sums.nll.to(at::kDouble),
                     sums.tokens.to(at::kDouble)})
              .cpu();
      result.loss = {host[0].item<double>(), host[1].item<double>(),
                     static_cast<int64_t>(host[2].item<double>())};
    } catch (...) {
      result.error = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (size_t k = 1; k < ranges.size(); ++k) threads.emplace_back(run_shard, k);
  run_shard(0);
  for (std::thread& thread : threads) thread.join();

  BatchLoss total;
  for (const ShardResult& result : results) {
    if (result.error) std::rethrow_exception(result.error);
    total.loss_sum += result.loss.loss_sum;
    total.nll_sum += result.loss.nll_sum;
    total.tokens += result.loss.tokens;
  }
  // In shard order, whichever thread finished first: the sum is the same in every run.
  at::NoGradGuard no_grad;
  for (const ShardResult& result : results) {
    for (size_t i = 0; i < result.gradients.size(); ++i) {
      const at::Tensor& gradient = result.gradients[i];
      if (!gradient.defined()) continue;
      at::Tensor& grad = parameters[i].mutable_grad();
      if (grad.defined()) {
        grad.add_(gradient);
      } else {
        // Optimizers detach_() a .grad in place, which a view does not allow.
        grad = gradient.is_view() ? gradient.clone() : gradient;
      }
    }
  }
  return total;
}

}  // namespace core
