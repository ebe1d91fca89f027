#!/bin/bash
# The real bench binary end to end on tiny configurations and a tiny Ding dataset: it exits 0
# and prints every table with sane values (not timings), on the synthetic batch and on the
# trainer's real batches (--batches=data), with both PyTorch peers (the mirror script and
# torch.nn.Transformer): the mirror builds the C++ model's parameter count, every side trains
# on the same batches (the checksums agree, and match one computed here from the batch file),
# and a peer whose checksum differs, or a mirror whose parameter count does, fails the bench.
# Without python3-torch the peers' cases are skipped with a SKIP: line.
#
# Usage: bench_e2e_test.sh BENCH PREPARE_DATA MIRROR_SCRIPT TORCH_TRANSFORMER_SCRIPT
set -u
bench="$1"
prepare_data="$2"
mirror="$3"
torch_transformer="$4"
source tests/e2e_lib.sh
start_e2e bench_e2e
build_tiny_dataset "$prepare_data" "$tmp/data"

python_ok=0
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  python_ok=1
  peer_flags=(--reference_script="$mirror" --torch_transformer_script="$torch_transformer")
else
  echo "SKIP: /usr/bin/python3 cannot import torch (Debian: python3-torch): the PyTorch peers are not checked"
  peer_flags=(--python=)
fi
tiny=(--warmup=1 --repeats=2 --matmul_sizes=128)

# The scripts with one line of step_common.py changed by a sed expression, in DIR.
altered_scripts() {
  mkdir -p "$1"
  cp -L "$mirror" "$torch_transformer" "$(dirname "$mirror")/step_common.py" "$1/"
  sed -i "$2" "$1/step_common.py"
}

case_synthetic() {
  "$bench" --configs=32:64:2:1:1,16:32:2:1:2 --vocab_size=100 --batch_size=4 --source_length=5 \
    --target_length=6 "${tiny[@]}" --rounds=2 "${peer_flags[@]}" --e2e_updates=6 \
    --e2e_log_interval=3 \
    --train_flags="--data_dir=$tmp/data --embed_dim=32 --ffn_dim=64 --attention_heads=2 \
--encoder_layers=1 --decoder_layers=1 --max_tokens=512 --beam_size=2 --threads=1" \
    --work_dir="$tmp/work" >"$tmp/out.md" 2>"$tmp/err.txt" ||
    fail "bench exited with $?: $(tail -c 2000 "$tmp/err.txt")"
  cat "$tmp/out.md"
  local out="$tmp/out.md" heading row
  for heading in "## Machine" "## fp32 matrix product" \
    "## Training update (batch 4 x 5 source + 6 target tokens, vocabulary 100," \
    "## Where an update's time goes" "## Admin initialization" "## End to end" "## Padding"; do
    expect_in "$out" "$heading"
  done
  grep -q "^- BLAS in use: .*blas" "$out" || fail "no BLAS library named"
  grep -qE "^\| 128 \| [0-9]+\.[0-9] \|$" "$out" || fail "no matrix-product rate for n = 128"
  [ "$(grep -c "| C++ | " "$out")" = 2 ] || fail "not two C++ phase rows"
  grep -qE "^\| d=16 ffn=32 h=2 1L-2L \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$" "$out" ||
    fail "no Admin row for d=16"
  # d=32 has 24,736 parameters (the mirror's count by hand); nn.Transformer has no Admin omegas
  # (5 x 32) but two final LayerNorms (4 x 32): 24,704.
  if [ "$python_ok" = 1 ]; then
    grep -q "^- PyTorch peer mirror: /usr/bin/python3 /.*/$mirror$" "$out" ||
      fail "the mirror's script is not named"
    grep -q "^- PyTorch peer nn.Transformer: /usr/bin/python3 /.*/$torch_transformer$" "$out" ||
      fail "nn.Transformer's script is not named"
    expect_in "$out" "| parameters C++ / mirror / nn.Transformer | C++ ms | mirror ms | nn.Transformer ms | speed-up vs mirror | speed-up vs nn.Transformer | speed-up vs faster peer | per round (faster peer) |"
    row="$(grep -F "| d=32 ffn=64 h=2 1L-1L | 24736 / 24736 / 24704 |" "$out")"
    [ -n "$row" ] || fail "no step row with the parameter counts 24736 / 24736 / 24704"
    grep -qE "( [0-9.]+ \|){3}( [0-9]+\.[0-9]{2}x \|){2} \*\*[0-9]+\.[0-9]{2}x\*\* \| [0-9.]+, [0-9.]+ \|" \
      <<<"$row" || fail "no times, speed-ups and two rounds: $row"
    [ "$(grep -c "| mirror | " "$out")" = 2 ] || fail "not two mirror phase rows"
    [ "$(grep -c "| nn.Transformer | " "$out")" = 2 ] || fail "not two nn.Transformer phase rows"
  else
    expect_in "$out" "| d=32 ffn=64 h=2 1L-1L | 24736 | "
  fi
  # End to end: 6 updates, overhead and throughput are numbers.
  grep -qE "^\| 6 \| 0 \| [0-9.]+ \| [0-9.]+ \| -?[0-9.]+ s \| \*\*-?[0-9.]+%\*\* \| [0-9]+ \| [0-9]+ MiB \|$" \
    "$out" || fail "no end-to-end row for 6 updates"
  local bucketed random
  bucketed="$(sed -n 's/^| length buckets (trainer) | .* | \([0-9.]*\)% |$/\1/p' "$out")"
  random="$(sed -n 's/^| random | .* | \([0-9.]*\)% |$/\1/p' "$out")"
  if [ -z "$bucketed" ] || [ -z "$random" ]; then
    fail "no padding rows"
  elif ! awk -v b="$bucketed" -v r="$random" 'BEGIN { exit !(b >= 0 && b < r && r < 100) }'; then
    fail "padding: bucketed $bucketed% should be below random $random%"
  fi
}

case_data_batches() {
  local work="$tmp/work_data" out="$tmp/out_data.md"
  "$bench" --configs=32:64:2:1:1 --batches=data --data_dir="$tmp/data" --max_tokens=200 \
    --batch_count=3 "${tiny[@]}" --rounds=1 "${peer_flags[@]}" --e2e_updates=0 \
    --work_dir="$work" >"$out" 2>"$tmp/err_data.txt" ||
    fail "bench --batches=data exited with $?: $(tail -c 2000 "$tmp/err_data.txt")"
  cat "$out"
  expect_in "$out" "## Training update (the trainer's first 3 batches of $tmp/data at --max_tokens=200, in $work/batches.txt: on average "
  expect_in "$out" "vocabulary 500, admin residuals"
  [ "$(head -n 2 "$work/batches.txt" | tr '\n' ' ')" = "bench_batches 1 3 " ] ||
    fail "batches.txt does not start with its header and 3 batches"
  # Every batch within the budget, and some padding (real batches of varying lengths).
  awk 'NR > 2 && (NR - 3) % 4 == 0 { if ($1 * ($2 > $3 ? $2 : $3) > 200) exit 1 }' \
    "$work/batches.txt" || fail "a batch beyond --max_tokens=200"
  grep -qE "source \+ [0-9.]+ target positions, [1-9][0-9.]*% of them padding" "$out" ||
    fail "no padding in the real batches"
  # The checksum of the batch file computed here, batch b weighted by b: what every side printed.
  local expected
  expected="$(awk 'NR > 2 { k = (NR - 3) % 4; if (k == 0) b++; else for (i = 1; i <= NF; i++) s[k] += b * $i }
    END { print "batch_checksum=" s[1] "," s[2] "," s[3] }' "$work/batches.txt")"
  local sides="cxx" side
  [ "$python_ok" = 1 ] && sides="cxx mirror torch_transformer"
  for side in $sides; do
    grep -qxF "$expected" "$work/${side}_d32_1L-1L_round0.log" ||
      fail "$side: not $expected: $(grep batch_checksum "$work/${side}_d32_1L-1L_round0.log")"
  done
  # Vocabulary 500: 24,736 + 400 x 32 parameters.
  if [ "$python_ok" = 1 ]; then
    expect_in "$out" "| d=32 ffn=64 h=2 1L-1L | 37536 / 37536 / 37504 |"
    [ "$(grep -c "| nn.Transformer | " "$out")" = 1 ] || fail "no nn.Transformer phase row"
  else
    expect_in "$out" "| d=32 ffn=64 h=2 1L-1L | 37536 | "
  fi
}

# A peer whose batch checksum differs fails the bench, naming it; the other peer is the real one.
case_checksum_mismatch() {
  altered_scripts "$tmp/bad_batch" 's/print(f"batch_checksum={batch_checksum(batches)}")/print("batch_checksum=1,2,3")/'
  grep -q 'batch_checksum=1,2,3' "$tmp/bad_batch/step_common.py" || fail "the sed did not apply"
  local peer title scripts
  for peer in mirror torch_transformer; do
    if [ "$peer" = mirror ]; then
      title=mirror
      scripts=(--reference_script="$tmp/bad_batch/step_reference.py")
    else
      title=nn.Transformer
      scripts=(--torch_transformer_script="$tmp/bad_batch/step_torch_transformer.py")
    fi
    if "$bench" --configs=16:32:2:1:1 --vocab_size=100 --batch_size=2 --source_length=3 \
      --target_length=3 --warmup=0 --repeats=1 --rounds=1 --matmul_sizes=64 --e2e_updates=0 \
      --peers="$peer" "${scripts[@]}" --work_dir="$tmp/work_bad_$peer" \
      >/dev/null 2>"$tmp/err_bad_$peer.txt"; then
      fail "$peer: a batch checksum mismatch did not fail"
    fi
    # The C++ checksum is the synthetic 2 x 3 + 3 batch's.
    grep -qF "batch checksums differ (C++ 321,192,231, $title 1,2,3)" "$tmp/err_bad_$peer.txt" ||
      fail "$peer: mismatch message: $(cat "$tmp/err_bad_$peer.txt")"
  done
}

# The mirror must have the C++ model's parameter count; nn.Transformer need not, and the bench
# shows both counts.
case_parameter_count() {
  altered_scripts "$tmp/bad_count" 's/print(f"parameters={sum(p.numel() for p in model.parameters())}")/print("parameters=1")/'
  grep -q 'print("parameters=1")' "$tmp/bad_count/step_common.py" || fail "the sed did not apply"
  local common=(--configs=16:32:2:1:1 --vocab_size=100 --batch_size=2 --source_length=3
    --target_length=3 --warmup=0 --repeats=1 --rounds=1 --matmul_sizes=64 --e2e_updates=0)
  if "$bench" "${common[@]}" --peers=mirror --reference_script="$tmp/bad_count/step_reference.py" \
    --work_dir="$tmp/work_count_mirror" >/dev/null 2>"$tmp/err_count.txt"; then
    fail "a mirror with another parameter count did not fail"
  fi
  grep -q "the PyTorch peer mirror has 1 parameters, the C++ model" "$tmp/err_count.txt" ||
    fail "mismatch message: $(cat "$tmp/err_count.txt")"
  "$bench" "${common[@]}" --peers=torch_transformer \
    --torch_transformer_script="$tmp/bad_count/step_torch_transformer.py" \
    --work_dir="$tmp/work_count_tt" >"$tmp/out_count.md" 2>"$tmp/err_count_tt.txt" ||
    fail "nn.Transformer's parameter count failed the bench: $(tail -c 1000 "$tmp/err_count_tt.txt")"
  expect_in "$tmp/out_count.md" "| parameters C++ / nn.Transformer | C++ ms | nn.Transformer ms |"
  expect_in "$tmp/out_count.md" "| d=16 ffn=32 h=2 1L-1L | 7248 / 1 |"
  if grep -q "| mirror | " "$tmp/out_count.md"; then fail "--peers=torch_transformer ran the mirror"; fi
}

run_case case_synthetic
run_case case_data_batches
if [ "$python_ok" = 1 ]; then
  run_case case_checksum_mismatch
  run_case case_parameter_count
fi
finish_cases
