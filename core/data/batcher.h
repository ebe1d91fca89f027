// Token-budget batches over a parallel dataset, reproducible and resumable.
//
// As fairseq's --max-tokens: a batch of n pairs whose longest side has L tokens costs
// n * L padded tokens, and every batch keeps n * L <= max_tokens (and n <= max_sentences
// when set). Each epoch, pairs are shuffled (from the seed and the epoch number), sorted
// by length with the shuffle breaking ties, cut greedily into batches, and the batches
// shuffled again: similar lengths share a batch, so padding stays small, while batch
// membership and order still change every epoch. Without `shuffle` (validation), batches
// follow ascending length and do not change between epochs.
//
// The data position (epoch, index into that epoch's batch order) is all a checkpoint
// needs: Restore() regenerates the epoch's batches and continues with exactly the batch
// the interrupted run would have produced next.
//
//   BatcherOptions options;
//   options.max_tokens = 4096;
//   options.seed = 1;
//   absl::StatusOr<Batcher> batcher =
//       Batcher::Create(&dataset.examples(), options, BatchSpecialIds{pad, bos});
//   Batch batch = batcher->Next();
//   DataPosition saved = batcher->position();   // into the checkpoint
//   ...
//   absl::Status restored = batcher->Restore(saved);  // resume: same batches from here
#ifndef CORE_DATA_BATCHER_H_
#define CORE_DATA_BATCHER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/data/translation_example.h"

namespace core {

struct BatcherOptions {
  // Most padded tokens in a batch: batch size * longest side (source or target, EOS
  // included) of its pairs.
  int64_t max_tokens = 4096;
  // Most pairs in a batch; 0 for no limit beyond max_tokens.
  int64_t max_sentences = 0;
  // Seed of the per-epoch shuffles.
  uint64_t seed = 1;
  // Shuffle pairs and batches each epoch (training); false keeps length order
  // (validation and test, where order does not matter and speed does).
  bool shuffle = true;
};

// The ids a batch is padded and started with.
struct BatchSpecialIds {
  // Fills the positions after a sentence's end.
  int32_t pad = 0;
  // The first decoder input token (the decoder input is the target shifted right).
  int32_t decoder_start = 2;
};

// Where the batcher is: the next batch is `batch_index` (0-based) of epoch `epoch`
// (1-based) in that epoch's batch order.
struct DataPosition {
  int64_t epoch = 1;
  int64_t batch_index = 0;

  bool operator==(const DataPosition& other) const {
    return epoch == other.epoch && batch_index == other.batch_index;
  }
  // "epoch 3, batch 17".
  std::string ToString() const;
};

// One batch, as plain row-major arrays the trainer turns into tensors.
struct Batch {
  // Indices into the examples vector the batcher was created with.
  std::vector<int64_t> example_indices;
  // Rows (pairs).
  int64_t size = 0;
  // Columns of `source`, and of `target` and `decoder_input`.
  int64_t source_width = 0;
  int64_t target_width = 0;
  // [size x source_width] source ids (EOS-terminated), padded with the pad id.
  std::vector<int32_t> source;
  // [size x target_width] target ids (EOS-terminated), padded.
  std::vector<int32_t> target;
  // [size x target_width] decoder inputs: decoder_start, then the target without its
  // last token (teacher forcing), padded.
  std::vector<int32_t> decoder_input;
  // Real (unpadded) lengths per row.
  std::vector<int32_t> source_lengths;
  std::vector<int32_t> target_lengths;
  // Sums of the lengths: real tokens.
  int64_t source_tokens = 0;
  int64_t target_tokens = 0;

  // size * (source_width + target_width): what the model computes on.
  int64_t padded_tokens() const { return size * (source_width + target_width); }
  // The share of padded_tokens() that is padding.
  double padding_fraction() const;
  // What max_tokens bounds: size * max(source_width, target_width).
  int64_t budget_tokens() const;
};

// Real and padded token totals over many batches.
struct PaddingStats {
  int64_t batches = 0;
  int64_t real_tokens = 0;
  int64_t padded_tokens = 0;

  void Add(const Batch& batch);
  // padding / padded tokens, 0 when empty.
  double padding_fraction() const;
};

// One data-parallel rank's share of one update (Batcher::NextUpdate).
struct UpdateBatches {
  std::vector<Batch> batches;
  // The update took the epoch's last batch (it may then be shorter than usual).
  bool epoch_ended = false;
};

class Batcher {
 public:
  // `examples` must outlive the batcher and stay unchanged. Errors: no examples, a
  // non-positive budget, or a pair longer than max_tokens on its own (raise max_tokens or
  // lower max_positions).
  static absl::StatusOr<Batcher> Create(const std::vector<Example>* examples,
                                        const BatcherOptions& options, BatchSpecialIds ids);

  // The batch at position(), then advances (into the next epoch after the last batch).
  Batch Next();

  // The batches of one update for `rank` of `world_size` data-parallel ranks. The update
  // takes the next batches_per_rank × world_size batches of the order (fewer when the epoch
  // ends first, as one process's update does) and deals them out in turn: rank r gets the
  // update's batches r, r + world_size, ... So the ranks' shares together are exactly the
  // batches of one process with update_freq = batches_per_rank × world_size, and every
  // rank advances past all of them (the same position everywhere).
  UpdateBatches NextUpdate(int64_t batches_per_rank, int rank, int world_size);

  // The position of the batch Next() returns next.
  DataPosition position() const { return position_; }

  // Continues from `position` (as returned by position()). An index equal to the epoch's
  // batch count means "end of that epoch" and continues with the next one. Errors for an
  // epoch below 1 or an index beyond the epoch.
  absl::Status Restore(const DataPosition& position);

  // The batches of `epoch`, in order, as example indices.
  std::vector<std::vector<int64_t>> PlanEpoch(int64_t epoch) const;

  // Number of batches in `epoch`.
  int64_t BatchCount(int64_t epoch) const;

  // Builds the padded arrays for the examples `indices`.
  Batch MakeBatch(const std::vector<int64_t>& indices) const;

  const BatcherOptions& options() const { return options_; }

 private:
  Batcher(const std::vector<Example>* examples, const BatcherOptions& options, BatchSpecialIds ids);
  void EnsurePlan(int64_t epoch);
  // Moves past the batch at position_ (planned); true when that ended its epoch.
  bool Advance();

  const std::vector<Example>* examples_;
  BatcherOptions options_;
  BatchSpecialIds ids_;
  DataPosition position_;
  // The plan of epoch `planned_epoch_` (0: none yet).
  int64_t planned_epoch_ = 0;
  std::vector<std::vector<int64_t>> plan_;
};

}  // namespace core

#endif  // CORE_DATA_BATCHER_H_
