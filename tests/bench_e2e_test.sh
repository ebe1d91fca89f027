#!/bin/bash
# The real bench binary end to end on a tiny configuration and a tiny Ding dataset: it
# exits 0 and prints every table with sane values (not timings). With python3-torch
# installed, the PyTorch reference runs too and must build a model with the C++ model's
# parameter count.
#
# Usage: bench_e2e_test.sh BENCH_BINARY PREPARE_DATA_BINARY
set -u
bench="$1"
prepare_data="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}/bench_e2e"
rm -rf "$tmp"
mkdir -p "$tmp"
failed=0

fail() {
  echo "FAIL: $1"
  failed=1
}
source tests/e2e_lib.sh
require_ding

# The reference script beside this one in the source tree (runfiles link to it).
reference="$(dirname "$(readlink -f "$0")")/../bench/step_reference.py"
python_ok=0
if [ -f "$reference" ] && /usr/bin/python3 -c "import torch" 2>/dev/null; then
  python_ok=1
else
  echo "python3-torch or $reference missing: the PyTorch reference is not checked"
fi

head -n 30000 "$ding_path" >"$tmp/tiny.txt"
"$prepare_data" --ding_path="$tmp/tiny.txt" --output_dir="$tmp/data" --vocab_size=500 \
  --valid_pairs=40 --test_pairs=40 >"$tmp/prepare.out" 2>&1 ||
  fail "prepare_data: $(cat "$tmp/prepare.out")"

"$bench" --configs=32:64:2:1:1,16:32:2:1:2 --vocab_size=100 --batch_size=4 --source_length=5 \
  --target_length=6 --warmup=1 --repeats=2 --rounds=2 --matmul_sizes=128 \
  --reference_script="$reference" --e2e_updates=6 --e2e_log_interval=3 \
  --train_flags="--data_dir=$tmp/data --embed_dim=32 --ffn_dim=64 --attention_heads=2 \
--encoder_layers=1 --decoder_layers=1 --max_tokens=512 --beam_size=2 --threads=1" \
  --work_dir="$tmp/work" >"$tmp/out.md" 2>"$tmp/err.txt" ||
  fail "bench exited with $?: $(tail -c 2000 "$tmp/err.txt")"
cat "$tmp/out.md"

for heading in "## Machine" "## fp32 matrix product" "## Training update" \
  "## Where an update's time goes" "## Admin initialization" "## End to end" "## Padding"; do
  grep -qF -- "$heading" "$tmp/out.md" || fail "no '$heading' table"
done
grep -q "^- BLAS in use: .*blas" "$tmp/out.md" || fail "no BLAS library named"
grep -qE "^\| 128 \| [0-9]+\.[0-9] \|$" "$tmp/out.md" || fail "no matrix-product rate for n = 128"

# Step rows: d=32 has 24,736 parameters (bench/step_reference.py's count by hand).
row="$(grep -F "| d=32 ffn=64 h=2 1L-1L | 24736 / " "$tmp/out.md")"
[ -n "$row" ] || fail "no step row with 24736 parameters for d=32"
if [ "$python_ok" = 1 ]; then
  grep -qF "| d=32 ffn=64 h=2 1L-1L | 24736 / 24736 |" <<<"$row" ||
    fail "PyTorch parameter count differs: $row"
  grep -qE "\*\*[0-9]+\.[0-9]{2}x\*\* \| [0-9.]+, [0-9.]+ \|" <<<"$row" ||
    fail "no speed-up with two rounds: $row"
  [ "$(grep -c "| PyTorch | " "$tmp/out.md")" = 2 ] || fail "not two PyTorch phase rows"
fi
[ "$(grep -c "| C++ | " "$tmp/out.md")" = 2 ] || fail "not two C++ phase rows"
grep -qE "^\| d=16 ffn=32 h=2 1L-2L \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$" "$tmp/out.md" ||
  fail "no Admin row for d=16"

# End to end: 6 updates, overhead and throughput are numbers.
grep -qE "^\| 6 \| 0 \| [0-9.]+ \| [0-9.]+ \| -?[0-9.]+ s \| \*\*-?[0-9.]+%\*\* \| [0-9]+ \| [0-9]+ MiB \|$" \
  "$tmp/out.md" || fail "no end-to-end row for 6 updates"
bucketed="$(sed -n 's/^| length buckets (trainer) | .* | \([0-9.]*\)% |$/\1/p' "$tmp/out.md")"
random="$(sed -n 's/^| random | .* | \([0-9.]*\)% |$/\1/p' "$tmp/out.md")"
if [ -z "$bucketed" ] || [ -z "$random" ]; then
  fail "no padding rows"
elif ! awk -v b="$bucketed" -v r="$random" 'BEGIN { exit !(b >= 0 && b < r && r < 100) }'; then
  fail "padding: bucketed $bucketed% should be below random $random%"
fi

# A model the reference does not match fails loudly: simulated with a script that
# reports another parameter count.
if [ "$python_ok" = 1 ]; then
  sed 's/print(f"parameters={sum(p.numel() for p in model.parameters())}")/print("parameters=1")/' \
    "$reference" >"$tmp/wrong_reference.py"
  if "$bench" --configs=16:32:2:1:1 --vocab_size=100 --batch_size=2 --source_length=3 \
    --target_length=3 --warmup=0 --repeats=1 --rounds=1 --matmul_sizes=64 --e2e_updates=0 \
    --reference_script="$tmp/wrong_reference.py" --work_dir="$tmp/work2" \
    >/dev/null 2>"$tmp/err2.txt"; then
    fail "a parameter-count mismatch did not fail"
  fi
  grep -q "the PyTorch reference has 1 parameters, the C++ model" "$tmp/err2.txt" ||
    fail "mismatch message: $(cat "$tmp/err2.txt")"
fi

[ "$failed" = 0 ] && echo "PASS"
exit "$failed"
