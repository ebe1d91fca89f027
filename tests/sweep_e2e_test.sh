#!/bin/bash
# End to end tests of the real `sweep` binary (issue 8 "Done when") with the real `train`
# on a tiny dataset built from the first 30,000 lines of the Debian Ding dictionary: a 2x2
# grid with --jobs=2 writes every result file, a diverging cell is reported as `diverged`
# while the sweep goes on, a sweep killed mid-way finishes only what was missing when run
# again (finished cells keep their files), two sweeps cannot run one directory, SIGINT
# stops cleanly, --collect rebuilds the results, a bad grid names its line, and a run directory
# still held by a live process is waited for, and cells of an earlier version of the grid stay
# out of the results.
#
# Usage: sweep_e2e_test.sh SWEEP_BINARY TRAIN_BINARY PREPARE_DATA_BINARY
set -u
sweep="$1"
train="$2"
prepare_data="$3"
source tests/e2e_lib.sh
start_e2e sweep_e2e

# run_sweep NAME FLAGS...: runs the sweep in the foreground (stdout, stderr to $tmp/NAME.*).
run_sweep() {
  local name="$1"
  shift
  timeout 240 "$sweep" --train_binary="$train" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
}

# state DIR: the state in DIR/status.json.
state() {
  sed -n 's/.*"state":"\([a-z]*\)".*/\1/p' "$1/status.json" 2>/dev/null
}

# 1. A 2x2 grid with two jobs: every result file; lr=1000 cells diverge, the others finish.
case_grid_2x2() {
  write_tiny_grid "$tmp/grid.ini" "$tmp/data" 20 "0.1, 1000"
  run_sweep grid --grid="$tmp/grid.ini" --sweep_dir="$tmp/s1" --jobs=2
  expect_rc grid $? 0 "$tmp/grid.err"
  local file
  for file in results.csv results.jsonl results.md report.html grid.ini \
    figures/loss.svg figures/loss.png figures/loss.pdf figures/optimization.svg; do
    [ -s "$tmp/s1/$file" ] || fail "$file missing"
  done
  [ "$(find "$tmp/s1" -name cell.json | wc -l)" = 4 ] || fail "not 4 cell directories"
  [ "$(wc -l <"$tmp/s1/results.csv")" = 5 ] || fail "results.csv: not a header and 4 rows"
  [ "$(grep -c ',done,max_updates,20,' "$tmp/s1/results.csv")" = 2 ] ||
    fail "results.csv: not 2 done cells: $(cat "$tmp/s1/results.csv")"
  [ "$(grep -c ',1000,diverged,' "$tmp/s1/results.csv")" = 2 ] ||
    fail "results.csv: the lr=1000 cells are not diverged: $(cat "$tmp/s1/results.csv")"
  grep -q '| postln | [0-9.]* (n=1) | diverged |' "$tmp/s1/results.md" ||
    fail "results.md pivot: $(head -8 "$tmp/s1/results.md")"
  [ "$(grep -c '<svg' "$tmp/s1/report.html")" = 2 ] || fail "report.html: not 2 figures"
  grep -q '(1/1 diverged)' "$tmp/s1/report.html" || fail "report.html: diverged runs not marked"
  grep -q 'sweep: 4/4 finished (2 done, 2 diverged), 0 running, 0 pending, 0 failed' \
    "$tmp/grid.err" || fail "no final overview line: $(tail -3 "$tmp/grid.err")"
  # Each run got its share of the cores, not LibTorch's default of all of them (0).
  [ "$(grep -c "^threads = [1-9]" "$tmp/s1"/*/config.ini | grep -c ':1$')" = 4 ] ||
    fail "runs without --threads: $(grep -h '^threads' "$tmp/s1"/*/config.ini)"
}

# 2. The dry run lists every cell, its state and command, and runs nothing; --only slices.
case_print() {
  run_sweep print --grid="$tmp/grid.ini" --sweep_dir="$tmp/s1" --executor=print --set lr=0.1,0.2
  expect_rc print $? 0 "$tmp/print.err"
  grep -q '^\[1/4\] arch-postln.lr-0.1\.[0-9a-f]\{8\} (done)$' "$tmp/print.out" ||
    fail "print: $(head -2 "$tmp/print.out")"
  grep -q '^\[2/4\] arch-postln.lr-0.2\..* (pending)$' "$tmp/print.out" || fail "print: no pending"
  grep -q -- "--lr=0.2 --run_dir=$tmp/s1/arch-postln.lr-0.2" "$tmp/print.out" ||
    fail "print: no command"
  grep -q '^4 cells: 2 finished, 2 to run$' "$tmp/print.out" || fail "print: no summary"
  [ -z "$(find "$tmp/s1" -maxdepth 1 -name 'arch-postln.lr-0.2.*')" ] || fail "print created a run"
  # --only: a slice of the grid.
  run_sweep only --grid="$tmp/grid.ini" --sweep_dir="$tmp/s1" --executor=print --only arch=admin
  expect_rc only $? 0 "$tmp/only.err"
  grep -q '^2 cells: 2 finished, 0 to run$' "$tmp/only.out" || fail "--only: $(tail -1 "$tmp/only.out")"
  grep -q 'arch-postln' "$tmp/only.out" && fail "--only ran a postln cell"
}

# 3. --collect rebuilds the result files from the run directories alone.
case_collect() {
  cp "$tmp/s1/results.csv" "$tmp/results.before"
  rm "$tmp/s1"/results.* "$tmp/s1/report.html"
  run_sweep collect --collect --sweep_dir="$tmp/s1"
  expect_rc collect $? 0 "$tmp/collect.err"
  cmp -s "$tmp/s1/results.csv" "$tmp/results.before" || fail "results.csv differs after --collect"
  [ -s "$tmp/s1/report.html" ] || fail "no report.html after --collect"
}

# 3b. The final loss against the learning rate, one panel per arrangement, and the
# learning-rate sensitivity table; a misspelt metric is refused before anything is written.
case_plot_and_sensitivity() {
  run_sweep plot --collect --sweep_dir="$tmp/s1" --sensitivity=lr \
    --plot=x:lr,y:capped_final_loss,panel:arch,seeds:show
  expect_rc plot $? 0 "$tmp/plot.err"
  local figure="$tmp/s1/figures/capped_final_loss_vs_lr.svg"
  [ -s "$figure" ] || fail "no $figure"
  expect_in "$figure" ">arch = postln</text>"
  expect_in "$figure" ">lr (log scale)</text>"
  expect_in "$tmp/s1/results.md" "## Learning-rate sensitivity over lr"
  expect_in "$tmp/s1/results.md" "| arch | LR sensitivity | best final loss | best lr | lr values | runs |"
  grep -q '^| postln | [0-9.]* | [0-9.]* | 0.1 | 2/2 | 2/2 |$' "$tmp/s1/results.md" ||
    fail "no postln sensitivity row: $(grep -A4 'sensitivity over' "$tmp/s1/results.md")"
  expect_in "$tmp/s1/report.html" "capped_final_loss against lr"
  run_sweep badplot --grid="$tmp/grid.ini" --sweep_dir="$tmp/s1" --plot=x:lr,y:final_loss
  expect_rc "misspelt metric" $? 2 "$tmp/badplot.err"
  expect_in "$tmp/badplot.err" "--plot y: 'final_loss' is not a metric"
}

# 4. A sweep killed (kill -9) mid-way: its trainer checkpoints (it gets SIGTERM when the
# sweep dies); the same command then runs only what is missing.
case_kill_and_rerun() {
  write_tiny_grid "$tmp/grid2.ini" "$tmp/data" 60 "0.05, 0.1"
  "$sweep" --train_binary="$train" --grid="$tmp/grid2.ini" --sweep_dir="$tmp/s2" --jobs=1 \
    >"$tmp/kill.out" 2>"$tmp/kill.err" &
  local pid=$!
  local first second
  wait_until 120 eval '[ "$(state "$(ls -d "$tmp"/s2/arch-postln.lr-0.05.* 2>/dev/null)")" = done ]' ||
    fail "the first cell did not finish"
  first="$(ls -d "$tmp"/s2/arch-postln.lr-0.05.*)"
  second="$(ls -d "$tmp"/s2/arch-postln.lr-0.1.*)"
  wait_until 60 grep -qs '"type":"train","update":10,' "$second/metrics.jsonl" ||
    fail "the second cell did not start"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  wait_until 30 eval '[ "$(state "$second")" = interrupted ]' ||
    fail "the second cell is '$(state "$second")', not interrupted"
  [ -z "$(find "$tmp/s2" -path '*/arch-admin.*/status.json')" ] || fail "later cells started early"
  local first_status first_metrics
  first_status="$(stat -c %Y.%s "$first/status.json" "$first/metrics.jsonl" "$first"/checkpoint_*.pt)"
  sleep 1.1  # so that a rewritten file would get another mtime
  run_sweep rerun --grid="$tmp/grid2.ini" --sweep_dir="$tmp/s2" --jobs=1
  expect_rc rerun $? 0 "$tmp/rerun.err"
  [ "$(stat -c %Y.%s "$first/status.json" "$first/metrics.jsonl" "$first"/checkpoint_*.pt)" = \
    "$first_status" ] || fail "the finished cell's files were rewritten"
  grep -q "started $(basename "$first")" "$tmp/rerun.err" && fail "the finished cell ran again"
  grep -q "resuming $second at update" "$second/console.log" ||
    fail "the interrupted cell did not resume: $(grep -c resuming "$second/console.log")"
  [ "$(grep -c ',done,max_updates,60,' "$tmp/s2/results.csv")" = 4 ] ||
    fail "not 4 done cells: $(cat "$tmp/s2/results.csv")"
}

# 5. A second sweep on a running sweep's directory is refused; SIGINT stops the first
# cleanly (its trainers checkpoint) with exit code 130.
case_lock_and_sigint() {
  write_tiny_grid "$tmp/grid3.ini" "$tmp/data" 100000 "0.05, 0.1"
  "$sweep" --train_binary="$train" --grid="$tmp/grid3.ini" --sweep_dir="$tmp/s3" --jobs=2 \
    >"$tmp/first.out" 2>"$tmp/first.err" &
  local pid=$!
  wait_until 60 eval '[ "$(cat "$tmp"/s3/*/metrics.jsonl 2>/dev/null | grep -c "\"type\":\"train\"")" -ge 4 ]' ||
    fail "the trainers did not start"
  run_sweep second --grid="$tmp/grid3.ini" --sweep_dir="$tmp/s3"
  expect_rc second $? 1 "$tmp/second.err"
  grep -q "is being run by another sweep" "$tmp/second.err" ||
    fail "second sweep: $(cat "$tmp/second.err")"
  kill -INT "$pid"
  wait "$pid"
  expect_rc sigint $? 130 "$tmp/first.err"
  [ "$(grep -c ',interrupted,SIGINT,' "$tmp/s3/results.csv")" = 2 ] ||
    fail "not 2 interrupted cells: $(cat "$tmp/s3/results.csv")"
}

# 6. A bad grid is rejected before anything runs, naming its line.
case_bad_grid() {
  write_tiny_grid "$tmp/bad.ini" "$tmp/data" 20 "0.1, fast"
  run_sweep bad --grid="$tmp/bad.ini" --sweep_dir="$tmp/s4"
  expect_rc bad $? 2 "$tmp/bad.err"
  grep -q "bad.ini:24: in the cell arch=postln, lr=fast: --lr: lr = 'fast' is not a number" \
    "$tmp/bad.err" || fail "bad grid: $(cat "$tmp/bad.err")"
  [ ! -e "$tmp/s4" ] || fail "a bad grid created its sweep directory"
}

# 6b. A grid that trains on a GPU asks Slurm for one GPU per task by default (a stand-in sbatch
# takes the submission), and --slurm_gpus_per_task=0 is refused before anything is submitted.
case_slurm_gpu_request() {
  write_tiny_grid "$tmp/gpu.ini" "$tmp/data" 20 "0.1, 0.2"
  sed -i 's/^\[train\]$/[train]\ndevice = cuda/' "$tmp/gpu.ini"
  mkdir -p "$tmp/fake_slurm"
  printf '#!/bin/sh\necho "$@" >>"%s/sbatch.calls"\necho 4242\n' "$tmp" >"$tmp/fake_slurm/sbatch"
  chmod +x "$tmp/fake_slurm/sbatch"
  PATH="$tmp/fake_slurm:$PATH" run_sweep gpu0 --grid="$tmp/gpu.ini" --sweep_dir="$tmp/s_gpu" \
    --executor=slurm --slurm_gpus_per_task=0
  expect_rc "--slurm_gpus_per_task=0" $? 2 "$tmp/gpu0.err"
  expect_in "$tmp/gpu0.err" "--slurm_gpus_per_task=0, but cell"
  [ ! -e "$tmp/sbatch.calls" ] || fail "a refused sweep called sbatch"
  PATH="$tmp/fake_slurm:$PATH" run_sweep gpu --grid="$tmp/gpu.ini" --sweep_dir="$tmp/s_gpu" \
    --executor=slurm
  expect_rc "slurm submission" $? 0 "$tmp/gpu.err"
  expect_in "$tmp/s_gpu/slurm/array.sbatch" "#SBATCH --gres=gpu:1"
  grep -q -- "--device=cuda" "$tmp/s_gpu/slurm/tasks.tsv" || fail "tasks.tsv lacks --device=cuda"
}

# 7. A sweep run again while a cell's run directory is still held (a flock(1) holder stands in
# for a stopped sweep's trainer finishing its update) waits for it and then runs the cell,
# instead of starting a trainer that exits "in use" and is marked failed.
case_rerun_waits_for_held_cell() {
  write_tiny_grid "$tmp/grid5.ini" "$tmp/data" 10 "0.1"
  run_sweep print5 --grid="$tmp/grid5.ini" --sweep_dir="$tmp/s5" --executor=print
  local cell
  cell="$(grep -o -- "--run_dir=$tmp/s5/arch-postln[^ ]*" "$tmp/print5.out" | cut -d= -f2)"
  mkdir -p "$cell"
  flock "$cell/.lock" sleep 3 &
  local holder=$!
  wait_until 5 eval '! flock -n "$cell/.lock" true' || fail "the holder did not take the lock"
  run_sweep held --grid="$tmp/grid5.ini" --sweep_dir="$tmp/s5" --jobs=1
  expect_rc held $? 0 "$tmp/held.err"
  expect_in "$tmp/held.err" "run directory is held by a live process"
  [ "$(state "$cell")" = done ] || fail "the held cell is '$(state "$cell")', not done"
  wait "$holder"
}

# 8. A grid changed on the same sweep directory (--set max_updates=12): the earlier cells stay
# out of the tables (with a warning; listed apart in results.md), and the grid as it was
# reuses its finished cells instead of running them again.
case_changed_grid() {
  write_tiny_grid "$tmp/grid6.ini" "$tmp/data" 10 "0.1"
  run_sweep v1 --grid="$tmp/grid6.ini" --sweep_dir="$tmp/s6" --jobs=2
  expect_rc v1 $? 0 "$tmp/v1.err"
  run_sweep v2 --grid="$tmp/grid6.ini" --sweep_dir="$tmp/s6" --jobs=2 --set max_updates=12
  expect_rc v2 $? 0 "$tmp/v2.err"
  expect_in "$tmp/v2.err" "2 cell(s) in $tmp/s6 belong to an earlier version of the grid"
  [ "$(grep -c ',done,max_updates,12,' "$tmp/s6/results.csv")" = 2 ] ||
    fail "not 2 cells of 12 updates: $(cat "$tmp/s6/results.csv")"
  grep -q ',max_updates,10,' "$tmp/s6/results.csv" &&
    fail "results.csv holds cells of the earlier grid"
  expect_in "$tmp/s6/results.md" "Cells of earlier versions of the grid"
  run_sweep v1_again --grid="$tmp/grid6.ini" --sweep_dir="$tmp/s6" --jobs=2
  expect_rc v1_again $? 0 "$tmp/v1_again.err"
  grep -q "sweep: started" "$tmp/v1_again.err" && fail "the unchanged cells ran again"
  [ "$(grep -c ',done,max_updates,10,' "$tmp/s6/results.csv")" = 2 ] ||
    fail "not the 2 cells of 10 updates: $(cat "$tmp/s6/results.csv")"
}

build_tiny_dataset "$prepare_data" "$tmp/data"
run_case case_grid_2x2
run_case case_print
run_case case_collect
run_case case_plot_and_sensitivity
run_case case_kill_and_rerun
run_case case_lock_and_sigint
run_case case_bad_grid
run_case case_slurm_gpu_request
run_case case_rerun_waits_for_held_cell
run_case case_changed_grid
finish_cases
