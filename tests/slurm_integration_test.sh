#!/bin/bash
# Integration test against a real Slurm (issue 10 "Done when"): a one-node cluster on this
# machine (tests/slurm_local_cluster.sh: munge and slurm.conf generated for its CPUs and
# memory), then
#   1. a 2x2 grid of tiny runs submitted by `sweep --executor=slurm --wait` as one job array:
#      every cell done, results.csv with all four; the script and task table in the sweep
#      directory; the same command again submits nothing; `sweep --collect` rebuilds;
#   2. a 2-task `srun` data-parallel training (ranks from SLURM_PROCID/SLURM_STEP_NUM_TASKS,
#      rank 0 on the step's first node) that finishes with the same loss as one process;
# and the cluster is stopped (trap), whatever happened. Needs root, slurm-wlm and munge
# (tools/setup.sh); without them it is skipped with a SKIP line saying what is missing.
#
# Usage: slurm_integration_test.sh SWEEP TRAIN PREPARE_DATA COMPARE_CHECKPOINTS CLUSTER_SCRIPT
set -u
sweep="$(realpath "$1")"
train="$(realpath "$2")"
prepare_data="$3"
compare="$4"
cluster_script="$5"
source tests/e2e_lib.sh
for command in munged slurmctld slurmd sbatch srun; do
  command -v "$command" >/dev/null ||
    skip_test "$command is not installed (Debian/Ubuntu packages slurm-wlm and munge)"
done
[ "$(id -u)" = 0 ] || skip_test "the local Slurm cluster needs root (slurmd runs jobs as their users)"
tmp="$(realpath -m "${TEST_TMPDIR:-$(mktemp -d)}/slurm_integration")"
rm -rf "$tmp"
mkdir -p "$tmp"
# Short: a Unix socket path (munge's) has at most 108 bytes, and Bazel's TEST_TMPDIR is long.
cluster="$(mktemp -d /tmp/slurm.XXXXXX)"

trap '"$cluster_script" stop "$cluster"; rm -rf "$cluster"
      for pid in $(jobs -p); do kill -9 "$pid" 2>/dev/null; done' EXIT

build_tiny_dataset "$prepare_data" "$tmp/data"

start=$SECONDS
if ! started="$("$cluster_script" start "$cluster" 2>&1)"; then
  echo "FAIL: the local Slurm cluster did not start: $started"
  exit 1
fi
eval "$started"
echo "cluster up in $((SECONDS - start)) s: $(sinfo --noheader --format='%n %c CPUs %m MB %t')"

write_tiny_grid "$tmp/grid.ini" "$tmp/data" 20 "0.05, 0.1"

sweep_dir="$tmp/sweep"
run_sweep() {
  timeout 300 "$sweep" --grid="$tmp/grid.ini" --sweep_dir="$sweep_dir" --executor=slurm --wait \
    --poll_interval=1 --slurm_cpus_per_task=1 --slurm_time=00:10:00 --train_binary="$train" "$@"
}

case_grid_through_a_job_array() {
  run_sweep >"$tmp/sweep.out" 2>"$tmp/sweep.err"
  local code=$?
  [ "$code" = 0 ] || fail "sweep exited $code: $(tail -n 5 "$tmp/sweep.err")"
  grep -q "submitted Slurm array job [0-9]* (4 tasks" "$tmp/sweep.err" ||
    fail "no array of 4 tasks: $(cat "$tmp/sweep.err")"
  grep -q "#SBATCH --array=0-3" "$sweep_dir/slurm/array.sbatch" || fail "array.sbatch lacks --array=0-3"
  grep -q "#SBATCH --requeue" "$sweep_dir/slurm/array.sbatch" || fail "array.sbatch lacks --requeue"
  [ "$(wc -l <"$sweep_dir/slurm/tasks.tsv")" = 4 ] || fail "tasks.tsv: $(cat "$sweep_dir/slurm/tasks.tsv")"
  local rows
  rows="$(tail -n +2 "$sweep_dir/results.csv" | grep -c ',done,')"
  [ "$rows" = 4 ] || fail "results.csv has $rows done rows: $(cat "$sweep_dir/results.csv")"
  local dir
  for dir in "$sweep_dir"/*/cell.json; do
    dir="$(dirname "$dir")"
    grep -q "slurm job" "$dir/console.log" || fail "$dir/console.log does not say it ran under Slurm"
    grep -q '"state": *"done"' "$dir/status.json" || fail "$dir/status.json: $(cat "$dir/status.json")"
  done
  echo "  $(grep "array job .* finished" "$tmp/sweep.err")"
}

case_finished_grid_submits_nothing() {
  local job
  job="$(cat "$sweep_dir/slurm/job_id")"
  run_sweep >"$tmp/again.out" 2>"$tmp/again.err" || fail "second sweep: $(tail -n 3 "$tmp/again.err")"
  grep -q "submitting 0" "$tmp/again.err" || fail "resubmitted: $(cat "$tmp/again.err")"
  [ "$(cat "$sweep_dir/slurm/job_id")" = "$job" ] || fail "a new job was submitted"
  rm "$sweep_dir/results.csv"
  "$sweep" --collect --sweep_dir="$sweep_dir" >/dev/null 2>"$tmp/collect.err" ||
    fail "--collect: $(cat "$tmp/collect.err")"
  [ "$(tail -n +2 "$sweep_dir/results.csv" | grep -c ',done,')" = 4 ] ||
    fail "--collect: results.csv: $(cat "$sweep_dir/results.csv")"
}

case_srun_data_parallel_training() {
  local flags=(--data_dir="$tmp/data" --embed_dim=32 --ffn_dim=64 --attention_heads=2
               --encoder_layers=1 --decoder_layers=1 --max_tokens=512 --threads=1
               --bleu_sentences=10 --beam_size=2 --log_interval=1 --dropout=0
               --attention_dropout=0 --activation_dropout=0 --optimizer=adam --max_updates=10)
  timeout 300 srun --ntasks=2 --cpus-per-task=1 --time=00:10:00 "$train" "${flags[@]}" \
    --update_freq=1 --run_dir="$tmp/srun" >"$tmp/srun.out" 2>"$tmp/srun.err"
  local code=$?
  [ "$code" = 0 ] || fail "srun exited $code: $(tail -n 5 "$tmp/srun.err")"
  grep -q "rank 1 of 2: joined a gloo process group through .* (SLURM_PROCID/SLURM_STEP_NUM_TASKS)" \
    "$tmp/srun.err" || fail "rank 1 did not join through Slurm's variables: $(tail -n 5 "$tmp/srun.err")"
  grep -q '"state": *"done"' "$tmp/srun/status.json" 2>/dev/null ||
    fail "status.json: $(cat "$tmp/srun/status.json" 2>&1)"
  timeout 300 "$train" "${flags[@]}" --update_freq=2 --run_dir="$tmp/one" >/dev/null 2>&1 ||
    fail "the single-process run failed"
  local result
  result="$("$compare" "$tmp/srun/checkpoint_last.pt" "$tmp/one/checkpoint_last.pt" 2>&1)" ||
    fail "srun's weights differ from one process's: $result"
  echo "  $result"
}

run_case case_grid_through_a_job_array
run_case case_finished_grid_submits_nothing
run_case case_srun_data_parallel_training

finish_cases
