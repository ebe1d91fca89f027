#!/bin/bash
# Checks that the grids shipped in sweeps/ still plan with the real sweep binary: each one
# parses, every cell's flags are valid trainer flags (planning validates them as `train`
# does), and a dry run lists at least one cell; the shipped shell scripts parse too. A flag
# renamed in the trainer, or a grid edited by hand, fails here instead of at a user's run.
#
# Usage: shipped_grids_test.sh SWEEP_BINARY TRAIN_BINARY
set -u
sweep="$1"
train="$2"
failed=0
grids=(sweeps/*.ini)
if [ ! -f "${grids[0]}" ]; then
  echo "FAIL: no grid in sweeps/ (the test's data lacks //:shipped_sweeps)"
  exit 1
fi
for grid in "${grids[@]}"; do
  out="$("$sweep" --grid="$grid" --executor=print --train_binary="$train" \
         --sweep_dir="${TEST_TMPDIR:-/tmp}/never_written" 2>&1)"
  status=$?
  cells="$(grep -c '^\[[0-9]*/[0-9]*\] ' <<<"$out")"
  if [ "$status" != 0 ]; then
    echo "FAIL: $grid: the dry run exited $status: $out"
    failed=1
  elif [ "$cells" = 0 ]; then
    echo "FAIL: $grid: the dry run listed no cell: $out"
    failed=1
  else
    echo "ok: $grid: $cells cells"
  fi
done
for script in sweeps/*.sh; do
  [ -f "$script" ] || continue
  if ! bash -n "$script"; then
    echo "FAIL: $script does not parse"
    failed=1
  fi
done
[ "$failed" = 0 ] && echo "PASS"
exit "$failed"
