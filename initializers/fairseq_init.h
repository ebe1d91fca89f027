// Fairseq's initialization of the whole model (docs/formulas.md §2.1), shared by the initializer
// plugins that start from it and rescale (default, tfixup, admin, deepnorm).
//
//   ApplyFairseqInit(*model);
//   ScaleWeights(model->Sublayers(), Stack::kEncoder, {Weight::kValue}, 0.5);
#ifndef INITIALIZERS_FAIRSEQ_INIT_H_
#define INITIALIZERS_FAIRSEQ_INIT_H_

#include "core/model/transformer.h"

namespace plugins {

// Every parameter as fairseq initialises it:
//  - q/k/v projections: Xavier uniform with gain 1/√2 (fairseq's fused QKV matrix
//    initialised as one, seen per projection); out projection and both FFN matrices:
//    Xavier uniform; every bias 0;
//  - embeddings and a separate output projection: N(0, d^-1/2), the padding row 0;
//  - LayerNorm γ = 1, β = 0; Admin ω = 1 (Post-LN). A constant α (kScaled) is kept.
void ApplyFairseqInit(core::TransformerImpl& model);

// The input embeddings the model owns: the encoder's, and the decoder's when it is not
// shared (shared embeddings are one tensor, listed once).
std::vector<at::Tensor> InputEmbeddings(core::TransformerImpl& model);

}  // namespace plugins

#endif  // INITIALIZERS_FAIRSEQ_INIT_H_
