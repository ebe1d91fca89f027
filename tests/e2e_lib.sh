# Shared by the end-to-end tests of the real binaries: cases that each print PASS or FAIL, a
# tiny real dataset, and polling. Source it, define case functions that call `fail`, run each
# with `run_case`, then call `finish_cases`:
#
#   source tests/e2e_lib.sh
#   case_runs() { "$train" ... || fail "train exited $?"; }
#   build_tiny_dataset "$prepare_data" "$tmp/data"
#   run_case case_runs
#   finish_cases
failed_cases=()
case_failed=0

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

# build_tiny_dataset PREPARE_DATA OUTPUT_DIR: the first 30,000 lines of the Debian Ding
# dictionary prepared as a dataset (500 pieces, 40 valid and 40 test pairs); a failure ends
# the test.
build_tiny_dataset() {
  local work
  work="$(mktemp -d)"
  head -n 30000 /usr/share/trans/de-en >"$work/tiny.txt"
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
