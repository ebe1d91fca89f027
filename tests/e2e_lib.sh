# Shared by the end-to-end tests of the real binaries: cases that each print PASS or FAIL, a
# tiny real dataset, and polling. Source it, define case functions that call `fail`, run each
# with `run_case`, then call `finish_cases`:
#
#   source tests/e2e_lib.sh
#   start_e2e train_e2e    # $tmp: an empty directory of the test's own
#   case_runs() { "$train" ... || fail "train exited $?"; }
#   build_tiny_dataset "$prepare_data" "$tmp/data"
#   run_case case_runs
#   finish_cases
failed_cases=()
case_failed=0

# start_e2e NAME: sets $tmp to an empty directory NAME in the test's temporary directory, and
# has the test's background processes killed when it exits (a failed case may leave some).
start_e2e() {
  tmp="${TEST_TMPDIR:-$(mktemp -d)}/$1"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  trap 'for pid in $(jobs -p); do kill -9 "$pid" 2>/dev/null; done' EXIT
}

# fail MESSAGE: marks the current case failed.
fail() {
  echo "  $1"
  case_failed=1
}

# run_case FUNCTION: runs one case and prints its verdict with its duration.
run_case() {
  case_failed=0
  local start=$SECONDS
  "$1"
  if [ "$case_failed" = 0 ]; then
    echo "PASS: $1 ($((SECONDS - start)) s)"
  else
    echo "FAIL: $1"
    failed_cases+=("$1")
  fi
}

# finish_cases: exits 1 naming the failed cases, or 0.
finish_cases() {
  if [ "${#failed_cases[@]}" -ne 0 ]; then
    echo "FAILED: ${failed_cases[*]}"
    exit 1
  fi
  echo "PASS: all cases"
  exit 0
}

# skip_test REASON: ends the test here, printing "SKIP: REASON". It exits 0, so `bazel test`
# passes it with the line in its log; ctest reports it as skipped, not passed (every test has
# SKIP_REGULAR_EXPRESSION matching a "SKIP: " line, cmake/bazel_rules.cmake). Only for what a machine may
# lack (the Ding dictionary, Slurm, a GPU), never for a failure.
skip_test() {
  echo "SKIP: $1"
  exit 0
}

# The Debian Ding dictionary the end-to-end tests build their data from.
ding_path=/usr/share/trans/de-en

# require_ding: skips the test where the Ding dictionary is not installed (a GPU machine that
# is not Debian); tools/setup.sh and tools/gpu_check.sh install it.
require_ding() {
  [ -r "$ding_path" ] ||
    skip_test "$ding_path is missing (Debian/Ubuntu package trans-de-en): no data to train on"
}

# build_tiny_dataset PREPARE_DATA OUTPUT_DIR: the first 30,000 lines of the Debian Ding
# dictionary prepared as a dataset (500 pieces, 40 valid and 40 test pairs); a failure ends
# the test, a machine without the dictionary skips it.
build_tiny_dataset() {
  require_ding
  local work
  work="$(mktemp -d)"
  head -n 30000 "$ding_path" >"$work/tiny.txt"
  if ! "$1" --ding_path="$work/tiny.txt" --output_dir="$2" --vocab_size=500 --valid_pairs=40 \
      --test_pairs=40 >"$work/prepare.out" 2>&1; then
    echo "FAIL: prepare_data: $(cat "$work/prepare.out")"
    exit 1
  fi
  rm -rf "$work"
}

# wait_until SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds; fails after
# SECONDS.
wait_until() {
  local limit="$1" i
  shift
  for ((i = 0; i < limit * 20; ++i)); do
    "$@" && return 0
    sleep 0.05
  done
  return 1
}

# expect_rc NAME ACTUAL EXPECTED ERR_FILE: the exit code, with the end of stderr when it differs.
expect_rc() {
  if [ "$2" != "$3" ]; then
    fail "$1: exit code $2, expected $3; stderr ends with:"
    tail -n 5 "$4" | sed 's/^/    /'
  fi
}

# expect_in FILE TEXT: FILE contains TEXT (fixed string).
expect_in() {
  if ! grep -qF -- "$2" "$1" 2>/dev/null; then
    fail "$1 lacks: $2"
    [ -f "$1" ] && tail -n 5 "$1" | sed 's/^/    /'
  fi
}

# write_tiny_grid FILE DATA_DIR MAX_UPDATES LRS: a sweep grid of 2x2 tiny runs on DATA_DIR,
# arch (postln, admin; zipped) x lr (LRS, e.g. "0.1, 1000"), SGD at a constant rate.
write_tiny_grid() {
  cat >"$1" <<GRID
# Two architectures x two learning rates, tiny models.
[train]
data_dir = $2
embed_dim = 32
ffn_dim = 64
attention_heads = 2
encoder_layers = 1
decoder_layers = 1
max_tokens = 512
bleu_sentences = 10
beam_size = 2
log_interval = 5
validate_interval = 10
save_interval = 5
max_updates = $3
optimizer = sgd
lr_scheduler = constant
[zip.arch]
label = postln, admin
encoder_residual = post, admin
decoder_residual = post, admin
init = default, admin
[axes]
lr = $4
GRID
}
