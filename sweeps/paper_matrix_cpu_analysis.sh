#!/bin/bash
# The diagnostics of docs/RESULTS.md, on models of sweeps/paper_matrix_cpu.ini's width: the
# output change over depth at initialization, and the dependency matrices and gradient norms
# of 6-layer (and 18-layer) Post-LN, Pre-LN and Admin models at initialization and after the
# matrix's training. Run from the workspace root after the matrix has finished:
#   sweeps/paper_matrix_cpu_analysis.sh            # writes docs/results/<report>_<model>/
set -euo pipefail
cd "$(dirname "$0")/.."
bazel build //:analyze
analyze=bazel-bin/tools/analyze/analyze
out=docs/results
cells=runs/sweeps/paper_matrix_cpu
width=(--embed_dim=64 --ffn_dim=256 --attention_heads=4 --max_tokens=1000)

# The trained model of one matrix cell: its last checkpoint.
checkpoint() { ls "$cells"/setting-"$1".depth-"$2".seed-1.*/checkpoint_last.pt; }

"$analyze" --report=output_change --modes=post,pre,admin --depths=1,2,4,6,12,18,25,50,100 \
  --seeds=3 --decoder_layers=1 "${width[@]}" --output_dir="$out/output_change"

for arch in postln:post:default preln:pre:default admin:admin:admin; do
  IFS=: read -r name residual init <<<"$arch"
  for layers in 6 18; do
    model=(--encoder_residual="$residual" --decoder_residual="$residual" --init="$init"
           --encoder_layers="$layers" --decoder_layers="$layers" "${width[@]}")
    "$analyze" --report=dependency "${model[@]}" --output_dir="$out/dependency_${name}${layers}_init"
    "$analyze" --report=dependency --checkpoint="$(checkpoint "$name" "${layers}L-${layers}L")" \
      --output_dir="$out/dependency_${name}${layers}_trained"
    "$analyze" --report=grad_norms "${model[@]}" --output_dir="$out/grad_norms_${name}${layers}_init"
  done
done
