#include "core/data/batcher.h"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/util/stable_random.h"

namespace core {
namespace {

int64_t LongestSide(const Example& example) {
  return static_cast<int64_t>(std::max(example.source.size(), example.target.size()));
}

}  // namespace

std::string DataPosition::ToString() const {
  return absl::StrCat("epoch ", epoch, ", batch ", batch_index);
}

double Batch::padding_fraction() const {
  const int64_t padded = padded_tokens();
  return padded == 0 ? 0.0 : 1.0 - static_cast<double>(source_tokens + target_tokens) / padded;
}

int64_t Batch::budget_tokens() const { return size * std::max(source_width, target_width); }

void PaddingStats::Add(const Batch& batch) {
  ++batches;
  real_tokens += batch.source_tokens + batch.target_tokens;
  padded_tokens += batch.padded_tokens();
}

double PaddingStats::padding_fraction() const {
  return padded_tokens == 0 ? 0.0 : 1.0 - static_cast<double>(real_tokens) / padded_tokens;
}

absl::StatusOr<Batcher> Batcher::Create(const std::vector<Example>* examples,
                                        const BatcherOptions& options, BatchSpecialIds ids) {
  if (examples == nullptr || examples->empty()) {
    return absl::InvalidArgumentError("cannot batch an empty dataset");
  }
  if (options.max_tokens <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_tokens must be positive, got ", options.max_tokens));
  }
  if (options.max_sentences < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_sentences must be 0 (no limit) or positive, got ", options.max_sentences));
  }
  for (size_t i = 0; i < examples->size(); ++i) {
    if ((*examples)[i].source.empty() || (*examples)[i].target.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("pair ", i, " (line ", (*examples)[i].line + 1,
                                                     ") has an empty side; every side "
                                                     "ends with EOS"));
    }
    const int64_t longest = LongestSide((*examples)[i]);
    if (longest > options.max_tokens) {
      return absl::InvalidArgumentError(
          absl::StrCat("pair ", i, " (line ", (*examples)[i].line + 1, ") has ", longest,
                       " tokens, more than max_tokens ", options.max_tokens,
                       "; raise max_tokens or lower max_positions"));
    }
  }
  return Batcher(examples, options, ids);
}

Batcher::Batcher(const std::vector<Example>* examples, const BatcherOptions& options,
                 BatchSpecialIds ids)
    : examples_(examples), options_(options), ids_(ids) {}

std::vector<std::vector<int64_t>> Batcher::PlanEpoch(int64_t epoch) const {
  const std::vector<Example>& examples = *examples_;
  std::vector<int64_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  // Two streams per epoch: one orders equal-length pairs, one orders the batches.
  StableRandom pair_random(MixSeed(options_.seed, 2 * static_cast<uint64_t>(epoch)));
  StableRandom batch_random(MixSeed(options_.seed, 2 * static_cast<uint64_t>(epoch) + 1));
  if (options_.shuffle) StableShuffle(&order, &pair_random);
  // Longest side first (what the budget counts), then source and target length to keep
  // both sides' padding small; the stable sort keeps the shuffle as the tie-break.
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    const Example& x = examples[a];
    const Example& y = examples[b];
    return std::make_tuple(LongestSide(x), x.source.size(), x.target.size()) <
           std::make_tuple(LongestSide(y), y.source.size(), y.target.size());
  });

  std::vector<std::vector<int64_t>> batches;
  std::vector<int64_t> current;
  int64_t current_width = 0;
  for (int64_t index : order) {
    // Ascending order: this pair is at least as long as every pair in `current`.
    const int64_t width = std::max(current_width, LongestSide(examples[index]));
    const int64_t size = static_cast<int64_t>(current.size()) + 1;
    const bool fits = size * width <= options_.max_tokens &&
                      (options_.max_sentences == 0 || size <= options_.max_sentences);
    if (!fits) {
      batches.push_back(std::move(current));
      current.clear();
      current_width = 0;
    }
    current.push_back(index);
    current_width = std::max(current_width, LongestSide(examples[index]));
  }
  if (!current.empty()) batches.push_back(std::move(current));
  if (options_.shuffle) StableShuffle(&batches, &batch_random);
  return batches;
}

int64_t Batcher::BatchCount(int64_t epoch) const {
  if (epoch == planned_epoch_) return static_cast<int64_t>(plan_.size());
  return static_cast<int64_t>(PlanEpoch(epoch).size());
}

void Batcher::EnsurePlan(int64_t epoch) {
  if (planned_epoch_ == epoch) return;
  plan_ = PlanEpoch(epoch);
  planned_epoch_ = epoch;
}

Batch Batcher::Next() {
  EnsurePlan(position_.epoch);
  Batch batch = MakeBatch(plan_[position_.batch_index]);
  Advance();
  return batch;
}

bool Batcher::Advance() {
  if (++position_.batch_index < static_cast<int64_t>(plan_.size())) return false;
  ++position_.epoch;
  position_.batch_index = 0;
  return true;
}

UpdateBatches Batcher::NextUpdate(int64_t batches_per_rank, int rank, int world_size) {
  UpdateBatches update;
  for (int64_t k = 0; k < batches_per_rank * world_size && !update.epoch_ended; ++k) {
    EnsurePlan(position_.epoch);
    // Other ranks' batches are only stepped over, not built.
    if (k % world_size == rank) update.batches.push_back(MakeBatch(plan_[position_.batch_index]));
    update.epoch_ended = Advance();
  }
  return update;
}

absl::Status Batcher::Restore(const DataPosition& position) {
  if (position.epoch < 1 || position.batch_index < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid data position (", position.ToString(), ")"));
  }
  EnsurePlan(position.epoch);
  const int64_t count = static_cast<int64_t>(plan_.size());
  if (position.batch_index > count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "data position (", position.ToString(), ") is beyond the ", count,
        " batches of that epoch; was the checkpoint made with other data or batch settings?"));
  }
  position_ = position;
  if (position_.batch_index == count) {
    ++position_.epoch;
    position_.batch_index = 0;
  }
  return absl::OkStatus();
}

Batch Batcher::MakeBatch(const std::vector<int64_t>& indices) const {
  Batch batch;
  batch.example_indices = indices;
  batch.size = static_cast<int64_t>(indices.size());
  for (int64_t index : indices) {
    const Example& example = (*examples_)[index];
    batch.source_width = std::max<int64_t>(batch.source_width, example.source.size());
    batch.target_width = std::max<int64_t>(batch.target_width, example.target.size());
  }
  batch.source.assign(batch.size * batch.source_width, ids_.pad);
  batch.target.assign(batch.size * batch.target_width, ids_.pad);
  batch.decoder_input.assign(batch.size * batch.target_width, ids_.pad);
  for (int64_t row = 0; row < batch.size; ++row) {
    const Example& example = (*examples_)[indices[row]];
    std::copy(example.source.begin(), example.source.end(),
              batch.source.begin() + row * batch.source_width);
    std::copy(example.target.begin(), example.target.end(),
              batch.target.begin() + row * batch.target_width);
    int32_t* decoder_row = batch.decoder_input.data() + row * batch.target_width;
    decoder_row[0] = ids_.decoder_start;
    std::copy(example.target.begin(), example.target.end() - 1, decoder_row + 1);
    batch.source_lengths.push_back(static_cast<int32_t>(example.source.size()));
    batch.target_lengths.push_back(static_cast<int32_t>(example.target.size()));
    batch.source_tokens += static_cast<int64_t>(example.source.size());
    batch.target_tokens += static_cast<int64_t>(example.target.size());
  }
  return batch;
}

}  // namespace core
