// Matrix-product FLOPs of one training update of the project's Transformer, counted from
// its shape: the numerator of the model FLOPs utilisation (MFU) that `bench` reports.
//
// Only products count (projections, attention scores and mixes, feed-forward, output
// projection); LayerNorm, softmax, dropout, embeddings, the loss and the optimizer are
// O(tokens·d) or O(parameters), a few percent of the products here, and are left out as
// MFU conventionally does. With B sentences, S source and T target positions, width d,
// feed-forward width f, vocabulary V, N encoder and M decoder layers, a product of an
// [m, k] and a [k, n] matrix costing 2mkn:
//
//   encoder layer:  8BSd² (q, k, v, out) + 4BS²d (scores, mix) + 4BSdf (feed-forward)
//   decoder layer:  8BTd² + 4BT²d (self-attention)
//                 + 4BTd² + 4BSd² (encoder attention: q, out on T; k, v on S) + 4BTSd
//                 + 4BTdf
//   output:         2BTdV
//   update:         3 × forward (backward computes the gradient of each product's input
//                   and of its weight, each as costly as the product)
//
//   StepFlops flops = CountStepFlops(model_options, BatchShape{64, 20, 20});
//   double mfu = flops.update / seconds_per_update / peak_flops_per_second;
#ifndef TOOLS_BENCH_FLOPS_H_
#define TOOLS_BENCH_FLOPS_H_

#include <cstdint>

#include "core/model/model_options.h"

namespace tools::bench {

// A batch without padding: every sentence has the full lengths.
struct BatchShape {
  int64_t sentences = 64;
  int64_t source_length = 20;
  int64_t target_length = 20;
};

struct StepFlops {
  // One forward pass (teacher-forced, all target positions).
  double forward = 0;
  // Forward, backward: 3 × forward.
  double update = 0;
};

// Uses embed_dim, ffn_dim, encoder/decoder_layers and target_vocab_size of `model`.
StepFlops CountStepFlops(const core::ModelOptions& model, const BatchShape& batch);

}  // namespace tools::bench

#endif  // TOOLS_BENCH_FLOPS_H_
