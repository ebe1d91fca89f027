#!/bin/bash
# End to end tests of the real `train` binary (issue 7 "Done when") on a tiny dataset built
# from the first 30,000 lines of the Debian Ding dictionary: a run completes, kill -9 and
# resume reproduce the uninterrupted losses bit for bit, SIGTERM/SIGINT checkpoint and exit
# 143/130, an absurd learning rate ends as `diverged`, and bad input fails clearly with the
# documented exit code. Each case prints PASS or FAIL; the test fails if any case does.
#
# Usage: train_e2e_test.sh TRAIN_BINARY PREPARE_DATA_BINARY
set -u
train="$1"
prepare_data="$2"
source tests/e2e_lib.sh
start_e2e train_e2e
data="$tmp/data"

# A model of about 40k parameters: an update takes milliseconds on one thread.
common=(--data_dir="$data" --embed_dim=32 --ffn_dim=64 --attention_heads=2 --encoder_layers=1
        --decoder_layers=1 --max_tokens=512 --threads=1 --bleu_sentences=10 --beam_size=2
        --log_interval=1)

# merge_flags FLAGS...: sets `merged` to `common` then FLAGS, where a later flag replaces an
# earlier one of the same name (boost rejects a repeated flag).
merge_flags() {
  merged=()
  local all=("${common[@]}" "$@") i j later
  for ((i = 0; i < ${#all[@]}; ++i)); do
    later=0
    for ((j = i + 1; j < ${#all[@]}; ++j)); do
      [ "${all[i]%%=*}" = "${all[j]%%=*}" ] && later=1
    done
    [ "$later" = 0 ] && merged+=("${all[i]}")
  done
}

# train_in NAME FLAGS...: runs the trainer on run directory $tmp/NAME (unless FLAGS give
# --run_dir) in the foreground, stdout and stderr to $tmp/NAME.out and $tmp/NAME.err;
# returns its exit code.
train_in() {
  local dir="$1"
  shift
  merge_flags --run_dir="$tmp/$dir" "$@"
  timeout 120 "$train" "${merged[@]}" >"$tmp/$dir.out" 2>"$tmp/$dir.err"
}

# start_in DIR FLAGS...: the same in the background; sets `pid` to the trainer's.
start_in() {
  local dir="$1"
  shift
  merge_flags --run_dir="$tmp/$dir" "$@"
  "$train" "${merged[@]}" >"$tmp/$dir.out" 2>"$tmp/$dir.err" &
  pid=$!
}

# train_lines FILE: the number of "train" lines in a metrics.jsonl (0 when it is missing).
train_lines() {
  local count
  count="$(grep -c '"type":"train"' "$1" 2>/dev/null)"
  echo "${count:-0}"
}

# wait_for_lines PID FILE N: waits (60 s at most) until FILE has N train lines; fails when
# process PID ends first.
wait_for_lines() {
  local pid="$1" file="$2" n="$3" i
  for ((i = 0; i < 3000; ++i)); do
    [ "$(train_lines "$file")" -ge "$n" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# train_losses FILE: "update loss" per train line, loss as the full 17-digit number.
train_losses() {
  sed -n 's/^{"type":"train","update":\([0-9]*\),.*"loss":\([^,]*\),.*/\1 \2/p' "$1" 2>/dev/null
}

# train_lines_untimed FILE: the train lines without their timings (tokens/s, elapsed), which
# differ between runs; the rest (epoch, loss, nll, ppl, lr, grad norm) must not.
train_lines_untimed() {
  grep '"type":"train"' "$1" 2>/dev/null | sed 's/,"tokens_per_s":.*//'
}

# expect_whole_lines METRICS: every line is one whole JSON object.
expect_whole_lines() {
  local bad
  [ -f "$1" ] || return
  bad="$(grep -vn '^{.*}$' "$1")"
  [ -z "$bad" ] || fail "$1 has lines that are not JSON objects: $(head -c 300 <<<"$bad")"
}

# valid_lines FILE: the validation lines.
valid_lines() {
  grep '"type":"valid"' "$1" 2>/dev/null
}

# json_field FILE KEY: a number or string field of a one-line JSON file (status.json).
json_field() {
  sed -n "s/.*\"$2\":\"\\{0,1\\}\\([^,\"}]*\\).*/\\1/p" "$1" 2>/dev/null
}

# expect_updates_1_to_n METRICS N: the train lines are exactly updates 1..N, once each.
expect_updates_1_to_n() {
  local updates
  updates="$(train_losses "$1" | awk '{print $1}' | tr '\n' ' ')"
  if [ "$updates" != "$(seq -s ' ' 1 "${2:-0}" 2>/dev/null) " ]; then
    fail "$1: train lines are not updates 1..$2 once each: $updates"
  fi
}

# expect_files DIR NAMES...: each DIR/NAME exists and is not empty.
expect_files() {
  local dir="$1" name
  shift
  for name in "$@"; do
    [ -s "$dir/$name" ] || fail "$dir/$name is missing or empty"
  done
}

# expect_error NAME CODE MESSAGE DIR FLAGS...: train on DIR exits with CODE, prints nothing
# on stdout and MESSAGE on stderr.
expect_error() {
  local name="$1" code="$2" message="$3" dir="$4"
  shift 4
  train_in "$dir" "$@"
  expect_rc "$name" $? "$code" "$tmp/$dir.err"
  [ -s "$tmp/$dir.out" ] && fail "$name: printed on stdout: $(head -c 300 "$tmp/$dir.out")"
  expect_in "$tmp/$dir.err" "$message"
}

# 1. A run completes with every file a researcher looks at.
case_run_completes() {
  train_in done --max_updates=30 --bleu_interval=15
  expect_rc done $? 0 "$tmp/done.err"
  local dir="$tmp/done"
  expect_in "$dir/status.json" '"state":"done"'
  expect_in "$dir/status.json" '"exit_reason":"max_updates"'
  expect_in "$dir/status.json" '"updates":30'
  [ "$(json_field "$dir/status.json" valid_bleu)" = null ] && fail "status.json has no valid BLEU"
  [ "$(json_field "$dir/status.json" test_bleu)" = null ] && fail "status.json has no test BLEU"
  expect_updates_1_to_n "$dir/metrics.jsonl" 30
  expect_in "$dir/metrics.jsonl" '"type":"valid","update":30,'
  expect_in "$dir/metrics.jsonl" '"type":"bleu","split":"valid"'
  expect_in "$dir/metrics.jsonl" '"type":"bleu","split":"test"'
  expect_in "$dir/metrics.jsonl" '"type":"valid_bleu","update":15,'
  expect_files "$dir" config.ini train.log metrics.jsonl checkpoint_last.pt checkpoint_best.pt \
    profile.ratio.init valid.hyp test.hyp
  expect_in "$dir/config.ini" "init = admin"
  expect_in "$tmp/done.out" "run directory: $dir"
  expect_whole_lines "$dir/metrics.jsonl"
}

# 1b. The same command on a finished run: it resumes at the end, scores again and logs each
# result once (no second validation or BLEU line at the last update).
case_rerun_finished_run() {
  cp -r "$tmp/done" "$tmp/rerun"
  train_in rerun --max_updates=30
  expect_rc rerun $? 0 "$tmp/rerun.err"
  expect_in "$tmp/rerun.err" "resuming $tmp/rerun at update 30,"
  expect_in "$tmp/rerun/status.json" '"state":"done"'
  expect_updates_1_to_n "$tmp/rerun/metrics.jsonl" 30
  local type
  for type in '"type":"valid","update":30,' '"type":"bleu","split":"valid","update":30,' \
      '"type":"bleu","split":"test","update":30,'; do
    [ "$(grep -cF -- "$type" "$tmp/rerun/metrics.jsonl")" = 1 ] ||
      fail "metrics.jsonl should have one line with $type, has $(grep -cF -- "$type" \
        "$tmp/rerun/metrics.jsonl")"
  done
  if ! cmp -s "$tmp/done/test.hyp" "$tmp/rerun/test.hyp"; then
    fail "scoring the finished run again changed test.hyp"
  fi
}

# 1f. A finished run whose checkpoint_last.pt is gone (deleted to save space) is never
# restarted over its results: the same command is refused and changes nothing; --start_over
# discards them and trains anew.
case_finished_run_without_last_checkpoint() {
  cp -r "$tmp/done" "$tmp/nolast"
  rm "$tmp/nolast/checkpoint_last.pt"
  local before
  before="$(cd "$tmp/nolast" && md5sum metrics.jsonl status.json checkpoint_best.pt test.hyp)"
  expect_error nolast 1 "holds the results of an earlier run (checkpoint_best.pt, status.json \
(done)) but no checkpoint_last.pt to resume from" nolast --max_updates=30
  expect_in "$tmp/nolast.err" "--start_over"
  [ "$(cd "$tmp/nolast" && md5sum metrics.jsonl status.json checkpoint_best.pt test.hyp)" = \
    "$before" ] || fail "the refused command changed the earlier run's files"
  train_in nolast --max_updates=10 --start_over
  expect_rc nolast-start-over $? 0 "$tmp/nolast.err"
  expect_in "$tmp/nolast.err" "new run in $tmp/nolast"
  expect_updates_1_to_n "$tmp/nolast/metrics.jsonl" 10
  expect_in "$tmp/nolast/status.json" '"updates":10'
}

# 1g. A damaged line inside metrics.jsonl (not a torn last line) stops a resume with the
# file:line, instead of being dropped silently; the file is left as it was.
case_damaged_metrics_line() {
  cp -r "$tmp/done" "$tmp/damaged"
  sed -i '5s/.*/{"type":"train","update":5,"loss":/' "$tmp/damaged/metrics.jsonl"
  local before
  before="$(md5sum <"$tmp/damaged/metrics.jsonl")"
  expect_error damaged 1 "$tmp/damaged/metrics.jsonl:5 is not a metrics line" damaged \
    --max_updates=30
  [ "$(md5sum <"$tmp/damaged/metrics.jsonl")" = "$before" ] ||
    fail "the refused resume changed metrics.jsonl"
}

# 1h. --max_updates may grow on resume, unless the schedule decays over it: a cosine run is
# refused (its rates ahead would change), an inverse_sqrt one goes on.
case_max_updates_on_resume() {
  train_in cosine --max_updates=12 --lr_scheduler=cosine --warmup_updates=2
  expect_rc cosine $? 0 "$tmp/cosine.err"
  expect_error "cosine longer" 2 "--max_updates = 24 changes the learning rates of \
--lr_scheduler=cosine, which this run started with --max_updates = 12" cosine \
    --max_updates=24 --lr_scheduler=cosine --warmup_updates=2
  train_in isqrt --max_updates=12 --lr_scheduler=inverse_sqrt --warmup_updates=2
  train_in isqrt --max_updates=16 --lr_scheduler=inverse_sqrt --warmup_updates=2
  expect_rc "inverse_sqrt longer" $? 0 "$tmp/isqrt.err"
  expect_updates_1_to_n "$tmp/isqrt/metrics.jsonl" 16
}

# 1i. Checkpoints and status.json reach the disk before they replace the old file: each is
# fsynced under its temporary name, renamed, then its directory fsynced (strace shows the
# order), so a power loss leaves the old or the new file, never an empty one.
case_durable_files() {
  local dir="$tmp/durable" trace="$tmp/durable.trace"
  merge_flags --run_dir="$dir" --max_updates=3
  strace -f -y -e trace=fsync,rename -o "$trace" "$train" "${merged[@]}" \
    >"$tmp/durable.out" 2>"$tmp/durable.err"
  expect_rc durable $? 0 "$tmp/durable.err"
  local file temporary order
  for file in checkpoint_last.pt status.json; do
    temporary="$file\.tmp[-0-9]*"
    # F: the temporary synced, R: renamed into place, D: the directory synced.
    order="$(sed -nE -e "s|.*fsync\([0-9]+<$dir/$temporary>\).*|F|p" \
      -e "s|.*rename\(\"$dir/$temporary\", \"$dir/$file\"\).*|R|p" \
      -e "s|.*fsync\([0-9]+<$dir>\).*|D|p" "$trace" | tr -d '\n')"
    case "$order" in
      *FRD*) ;;
      *) fail "$file: expected fsync, rename, directory fsync; strace shows '$order'" ;;
    esac
  done
}

# 1j. A process killed after update 10's checkpoint_last but while writing its kept checkpoint
# (checkpoint_10.pt.tmp left, no checkpoint_10.pt) and before its periodic BLEU: the resume
# writes both, removes the temporary, and goes on with the uninterrupted run's losses.
case_unfinished_update_work() {
  local flags=(--max_updates=20 --save_interval=10 --keep_interval=10 --bleu_interval=10)
  train_in whole "${flags[@]}"
  expect_rc whole $? 0 "$tmp/whole.err"
  mkdir "$tmp/cut"
  cp "$tmp/whole/checkpoint_10.pt" "$tmp/cut/checkpoint_last.pt"
  head -c 1000 "$tmp/whole/checkpoint_10.pt" >"$tmp/cut/checkpoint_10.pt.tmp"
  grep -v '"update":1[1-9],\|"update":20,\|"type":"valid_bleu","update":10,' \
    "$tmp/whole/metrics.jsonl" >"$tmp/cut/metrics.jsonl"
  train_in cut "${flags[@]}"
  expect_rc cut $? 0 "$tmp/cut.err"
  expect_files "$tmp/cut" checkpoint_10.pt checkpoint_20.pt
  [ -e "$tmp/cut/checkpoint_10.pt.tmp" ] && fail "the stray checkpoint_10.pt.tmp is still there"
  [ "$(grep -c '"type":"valid_bleu","update":10,' "$tmp/cut/metrics.jsonl")" = 1 ] ||
    fail "the periodic BLEU of update 10 is not logged exactly once"
  [ "$(train_losses "$tmp/cut/metrics.jsonl")" = "$(train_losses "$tmp/whole/metrics.jsonl")" ] ||
    fail "the resumed run's losses differ from the uninterrupted run's"
}

# 1k. A resume on a dataset rebuilt since the run started (another manifest) is refused; the
# same dataset copied elsewhere (same manifest) is the same data.
case_rebuilt_dataset() {
  cp -r "$data" "$tmp/data_copy"
  train_in rebuilt --data_dir="$tmp/data_copy" --max_updates=6 --save_interval=3
  expect_rc rebuilt $? 0 "$tmp/rebuilt.err"
  sed -i 's/"valid_pairs": "\([0-9]*\)"/"valid_pairs": "1\1"/' "$tmp/data_copy/manifest.json"
  expect_error "rebuilt dataset" 2 "is not the one this run started on" rebuilt \
    --data_dir="$tmp/data_copy" --max_updates=6 --save_interval=3
}

# 1l. A full disk during a checkpoint write (a tmpfs in a mount namespace of its own, with room
# for the run directory but not for another checkpoint) ends the run with exit 1 and the reason
# in status.json, the temporary removed and the previous checkpoint intact; with room again,
# the same command resumes from it.
case_disk_full() {
  train_in full --max_updates=2 --save_interval=2
  expect_rc full $? 0 "$tmp/full.err"
  local before room
  before="$(sha256sum <"$tmp/full/checkpoint_last.pt")"
  room=$(($(du -sk "$tmp/full" | cut -f1) + $(stat -c %s "$tmp/full/checkpoint_last.pt") / 2048))
  mkdir -p "$tmp/disk"
  merge_flags --run_dir="$tmp/disk/full" --max_updates=4 --save_interval=2
  unshare --user --map-root-user --mount bash -s -- "$tmp" "$room" "$train" "${merged[@]}" <<'INNER'
tmp="$1" room="$2" train="$3"
shift 3
mount -t tmpfs -o "size=${room}k" tmpfs "$tmp/disk" || exit 1
cp -r "$tmp/full" "$tmp/disk/full"
timeout 120 "$train" "$@" >"$tmp/disk_full.out" 2>"$tmp/disk_full.err"
echo $? >"$tmp/disk_full.rc"
cp -r "$tmp/disk/full" "$tmp/full_after"
INNER
  [ "$(cat "$tmp/disk_full.rc" 2>/dev/null)" = 1 ] ||
    fail "exit '$(cat "$tmp/disk_full.rc" 2>/dev/null)' on a full disk, expected 1: $(tail -n 3 \
      "$tmp/disk_full.err" 2>/dev/null)"
  expect_in "$tmp/disk_full.err" "checkpoint_last.pt.tmp-"
  expect_in "$tmp/disk_full.err" "No space left on device"
  expect_in "$tmp/full_after/status.json" '"state":"failed"'
  expect_in "$tmp/full_after/status.json" "No space left on device"
  [ "$(sha256sum <"$tmp/full_after/checkpoint_last.pt")" = "$before" ] ||
    fail "the previous checkpoint_last.pt changed"
  ls "$tmp/full_after" | grep -q '\.tmp' && fail "a temporary is left: $(ls "$tmp/full_after")"
  train_in full_after --max_updates=4 --save_interval=2
  expect_rc full_after $? 0 "$tmp/full_after.err"
  expect_in "$tmp/full_after.err" "resuming $tmp/full_after at update 2,"
}

# 1c. The run directory's config.ini, given to --config, repeats the run bit for bit.
case_config_ini_repeats_run() {
  timeout 120 "$train" --config="$tmp/done/config.ini" --run_dir="$tmp/from_ini" \
    >"$tmp/from_ini.out" 2>"$tmp/from_ini.err"
  expect_rc from_ini $? 0 "$tmp/from_ini.err"
  expect_in "$tmp/from_ini/config.ini" "run_dir = $tmp/from_ini"
  if ! diff <(train_lines_untimed "$tmp/done/metrics.jsonl") \
            <(train_lines_untimed "$tmp/from_ini/metrics.jsonl") >"$tmp/from_ini.diff"; then
    fail "the run from config.ini trained differently:"
    head -n 6 "$tmp/from_ini.diff" | sed 's/^/    /'
  fi
  if ! diff <(grep -v '^run_dir = ' "$tmp/done/config.ini") \
            <(grep -v '^run_dir = ' "$tmp/from_ini/config.ini") >"$tmp/from_ini.diff"; then
    fail "config.ini changed on the way through --config:"
    head -n 6 "$tmp/from_ini.diff" | sed 's/^/    /'
  fi
}

# 1d. Epoch ends: the update that finishes epoch 1 (83 updates of this dataset), its
# validation and status.json belong to epoch 1, not to the epoch the data moved on to.
case_epoch_end() {
  train_in epoch --max_epochs=1 --max_updates=0
  expect_rc epoch $? 0 "$tmp/epoch.err"
  local dir="$tmp/epoch" last
  expect_in "$dir/status.json" '"exit_reason":"max_epochs"'
  expect_in "$dir/status.json" '"epoch":1,'
  last="$(json_field "$dir/status.json" updates)"
  expect_updates_1_to_n "$dir/metrics.jsonl" "$last"
  expect_in "$dir/metrics.jsonl" "{\"type\":\"train\",\"update\":$last,\"epoch\":1,"
  expect_in "$dir/metrics.jsonl" "{\"type\":\"valid\",\"update\":$last,\"epoch\":1,"
  expect_files "$dir" checkpoint_last.pt checkpoint_best.pt
}

# 1e. A run that fails after it started (here: test.hyp cannot be written) exits 1 and says
# "failed" in status.json, not "running".
case_failure_recorded() {
  mkdir -p "$tmp/failing/test.hyp"
  train_in failing --max_updates=2
  expect_rc failing $? 1 "$tmp/failing.err"
  expect_in "$tmp/failing.err" "test.hyp"
  expect_in "$tmp/failing/status.json" '"state":"failed"'
  expect_in "$tmp/failing/status.json" 'test.hyp'
}

# 2. kill -9 twice (in epoch 1, then early in epoch 2; 83 updates make an epoch of this
# dataset), each time as if in the middle of a metrics line, and resume: bit for bit the
# losses, validations and translations of the uninterrupted run.
case_exact_resume() {
  local flags=(--max_updates=110 --save_interval=5 --validate_interval=10 --lr=1e-3
               --lr_scheduler=inverse_sqrt --warmup_updates=10)
  train_in resume_a "${flags[@]}"
  expect_rc resume_a $? 0 "$tmp/resume_a.err"

  local kill_at rc resumed=0
  for kill_at in 17 88; do
    start_in resume_b "${flags[@]}"
    if ! wait_for_lines "$pid" "$tmp/resume_b/metrics.jsonl" "$kill_at"; then
      fail "run B ended before logging $kill_at updates (too fast to kill mid-run?)"
    fi
    kill -9 "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
    rc=$?
    [ "$rc" = 137 ] || fail "run B was not killed by SIGKILL at $kill_at (exit code $rc)"
    # As if the kill had come in the middle of appending a metrics line.
    printf '{"type":"train","upd' >>"$tmp/resume_b/metrics.jsonl"
    [ "$resumed" = 1 ] && expect_in "$tmp/resume_b.err" "resuming $tmp/resume_b at update"
    resumed=1
  done
  train_in resume_b "${flags[@]}"
  expect_rc resume_b $? 0 "$tmp/resume_b.err"
  expect_in "$tmp/resume_b.err" "resuming $tmp/resume_b at update"

  expect_in "$tmp/resume_b/status.json" '"state":"done"'
  expect_updates_1_to_n "$tmp/resume_b/metrics.jsonl" 110
  expect_whole_lines "$tmp/resume_b/metrics.jsonl"
  if ! diff <(train_losses "$tmp/resume_a/metrics.jsonl") \
            <(train_losses "$tmp/resume_b/metrics.jsonl") >"$tmp/resume.diff"; then
    fail "per-update losses differ between the uninterrupted and the resumed run:"
    head -n 6 "$tmp/resume.diff" | sed 's/^/    /'
  elif ! diff <(train_lines_untimed "$tmp/resume_a/metrics.jsonl") \
              <(train_lines_untimed "$tmp/resume_b/metrics.jsonl") >"$tmp/resume.diff"; then
    fail "train lines (nll, lr, grad norm, epoch) differ between the two runs:"
    head -n 6 "$tmp/resume.diff" | sed 's/^/    /'
  fi
  if ! diff <(valid_lines "$tmp/resume_a/metrics.jsonl") \
            <(valid_lines "$tmp/resume_b/metrics.jsonl") >"$tmp/resume_valid.diff"; then
    fail "validation lines differ between the uninterrupted and the resumed run:"
    head -n 6 "$tmp/resume_valid.diff" | sed 's/^/    /'
  fi
  if ! cmp -s "$tmp/resume_a/test.hyp" "$tmp/resume_b/test.hyp"; then
    fail "test.hyp differs between the uninterrupted and the resumed run"
  fi
}

# 3. SIGTERM / SIGINT: finish the update, checkpoint, exit 143 / 130; the same command resumes.
signal_case() {
  local signal="$1" code="$2" dir="signal_$1"
  start_in "$dir" --max_updates=100000
  wait_for_lines "$pid" "$tmp/$dir/metrics.jsonl" 3 || fail "the run ended before 3 updates"
  kill -"$signal" "$pid"
  wait "$pid"
  expect_rc "SIG$signal" $? "$code" "$tmp/$dir.err"
  expect_files "$tmp/$dir" checkpoint_last.pt
  expect_in "$tmp/$dir/status.json" '"state":"interrupted"'
  expect_in "$tmp/$dir/status.json" "\"exit_reason\":\"SIG$signal\""
  local updates
  updates="$(json_field "$tmp/$dir/status.json" updates)"
  if ! [ "${updates:-0}" -ge 3 ] 2>/dev/null; then
    fail "status.json says '$updates' updates, expected at least 3"
    return
  fi
  # A requeued job: the same command (here with a nearer stop) continues the run.
  local stop=$((updates + 3))
  train_in "$dir" --max_updates="$stop"
  expect_rc "resume after SIG$signal" $? 0 "$tmp/$dir.err"
  expect_in "$tmp/$dir.err" "resuming $tmp/$dir at update $updates,"
  expect_in "$tmp/$dir/status.json" '"state":"done"'
  expect_in "$tmp/$dir/status.json" "\"updates\":$stop,"
  expect_updates_1_to_n "$tmp/$dir/metrics.jsonl" "$stop"
}
# 3b. A stop signal during the final BLEU (slow here: the whole valid and test sets, beam 8,
# outputs of up to 300 tokens) ends the run within a translation batch with 143, not after
# the BLEU with 0; the same command resumes at the end and scores once. During a periodic
# BLEU it stops the run at that update, and the resume redoes that BLEU.
case_sigterm_during_bleu() {
  local slow=(--bleu_sentences=0 --beam_size=8 --max_len_b=300)
  start_in final_bleu --max_updates=2 "${slow[@]}"
  wait_until 60 grep -q "stopping at update 2" "$tmp/final_bleu.err" ||
    fail "the run never reached its final BLEU"
  kill -TERM "$pid"
  wait "$pid"
  expect_rc "SIGTERM during the final BLEU" $? 143 "$tmp/final_bleu.err"
  expect_in "$tmp/final_bleu.err" "SIGTERM during the final BLEU; exiting"
  expect_in "$tmp/final_bleu/status.json" '"state":"interrupted"'
  train_in final_bleu --max_updates=2 "${slow[@]}"
  expect_rc "resume after SIGTERM in the final BLEU" $? 0 "$tmp/final_bleu.err"
  expect_in "$tmp/final_bleu/status.json" '"state":"done"'
  [ "$(grep -c '"type":"bleu","split":"test"' "$tmp/final_bleu/metrics.jsonl")" = 1 ] ||
    fail "metrics.jsonl should have one test BLEU line"

  start_in periodic_bleu --max_updates=4 --bleu_interval=2 "${slow[@]}"
  wait_until 60 grep -q "update 2 |" "$tmp/periodic_bleu.err" ||
    fail "the run never reached update 2"
  kill -TERM "$pid"
  wait "$pid"
  expect_rc "SIGTERM during a periodic BLEU" $? 143 "$tmp/periodic_bleu.err"
  expect_in "$tmp/periodic_bleu.err" "periodic BLEU of update 2 stopped by a signal"
  expect_in "$tmp/periodic_bleu/status.json" '"updates":2,'
  train_in periodic_bleu --max_updates=4 --bleu_interval=2 "${slow[@]}"
  expect_rc "resume after SIGTERM in a periodic BLEU" $? 0 "$tmp/periodic_bleu.err"
  local update
  for update in 2 4; do
    [ "$(grep -c "\"type\":\"valid_bleu\",\"update\":$update," \
        "$tmp/periodic_bleu/metrics.jsonl")" = 1 ] ||
      fail "metrics.jsonl should have one periodic BLEU line of update $update"
  done
}

case_sigterm() { signal_case TERM 143; }
case_sigint() { signal_case INT 130; }

# 4. Divergence is a result: exit code 3, state "diverged", the last good checkpoint kept.
# 4b. A run that explodes from its first updates (RAdam at --lr=10; 60 updates, inside the
# detector's 100-update warmup) ends as diverged, not done.
case_early_divergence() {
  train_in early --max_updates=60 --lr=10
  expect_rc early $? 3 "$tmp/early.err"
  expect_in "$tmp/early/status.json" '"state":"diverged"'
  expect_in "$tmp/early.err" "x the first loss"
}

case_divergence() {
  train_in diverge --max_updates=200 --lr=1000 --lr_scheduler=constant --optimizer=sgd \
    --save_interval=1
  expect_rc diverge $? 3 "$tmp/diverge.err"
  expect_in "$tmp/diverge/status.json" '"state":"diverged"'
  expect_in "$tmp/diverge.err" "diverged at update"
  expect_files "$tmp/diverge" checkpoint_last.pt
  local updates
  updates="$(json_field "$tmp/diverge/status.json" updates)"
  if ! [ "${updates:-200}" -lt 200 ] 2>/dev/null; then
    fail "status.json says '$updates' updates"
    return
  fi
  # The checkpoint is the last good update's: the same command resumes there and, being
  # deterministic, diverges again.
  train_in diverge --max_updates=200 --lr=1000 --lr_scheduler=constant --optimizer=sgd \
    --save_interval=1
  expect_rc "diverge again" $? 3 "$tmp/diverge.err"
  expect_in "$tmp/diverge.err" "resuming $tmp/diverge at update $updates,"
  expect_in "$tmp/diverge.err" "diverged at update $((updates + 1))"
}

# 4c. --precision=bf16 trains where the CPU has AVX512-BF16 or AMX (finite losses; a resumed
# run logs the uninterrupted one's losses bit for bit, as in fp32), and is refused with exit 2
# and the reason where it has neither.
case_bf16() {
  if ! grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo; then
    echo "  (this CPU has no bf16: checking the refusal)"
    expect_error "bf16 without the CPU flag" 2 "needs a CPU with AVX512-BF16 or AMX" bf16 \
      --precision=bf16 --max_updates=2
    return
  fi
  train_in bf16 --precision=bf16 --max_updates=8
  expect_rc bf16 $? 0 "$tmp/bf16.err"
  expect_in "$tmp/bf16/config.ini" "precision = bf16"
  expect_updates_1_to_n "$tmp/bf16/metrics.jsonl" 8
  grep -qiE '"loss":(nan|inf|-inf|null)' "$tmp/bf16/metrics.jsonl" && fail "a bf16 loss is not finite"
  train_in bf16_cut --precision=bf16 --max_updates=4
  expect_rc bf16_cut $? 0 "$tmp/bf16_cut.err"
  train_in bf16_cut --precision=bf16 --max_updates=8
  expect_rc "bf16 resume" $? 0 "$tmp/bf16_cut.err"
  [ "$(train_losses "$tmp/bf16_cut/metrics.jsonl")" = "$(train_losses "$tmp/bf16/metrics.jsonl")" ] ||
    fail "the resumed bf16 run's losses differ from the uninterrupted run's"
}

# 4c'. --batch_threads=2 (each batch in two shards on two threads, the default on two cores):
# a run cut and resumed logs the uninterrupted run's losses bit for bit. Refused, leaving no run
# directory, with a stateful arrangement and with bf16.
case_batch_threads_resume() {
  local flags=(--threads=0 --batch_threads=2)
  train_in shards "${flags[@]}" --max_updates=8
  expect_rc shards $? 0 "$tmp/shards.err"
  expect_in "$tmp/shards.err" "2 batch threads"
  train_in shards_cut "${flags[@]}" --max_updates=4
  expect_rc shards_cut $? 0 "$tmp/shards_cut.err"
  train_in shards_cut "${flags[@]}" --max_updates=8
  expect_rc "shards resume" $? 0 "$tmp/shards_cut.err"
  [ "$(train_losses "$tmp/shards_cut/metrics.jsonl")" = "$(train_losses "$tmp/shards/metrics.jsonl")" ] ||
    fail "two batch threads: the resumed run's losses differ from the uninterrupted run's"
  expect_error "batch threads with a stateful arrangement" 2 "keeps state along a stack" \
    shards_b2t --threads=0 --batch_threads=2 --encoder_residual=b2t --decoder_residual=b2t \
    --init=default --max_updates=2
  [ -e "$tmp/shards_b2t" ] && fail "the refused run left $tmp/shards_b2t behind"
  expect_error "batch threads with bf16" 2 "mixed-precision forward passes on several threads" \
    shards_bf16 --threads=0 --batch_threads=2 --precision=bf16 --max_updates=2
}

# 4d. --patience: a run whose validation loss stops improving (SGD at --lr=1e-30 leaves the
# weights as they are) stops after that many validations without a new best, as "done" with
# exit reason "patience", and scores its best checkpoint.
case_patience() {
  train_in patience --optimizer=sgd --lr_scheduler=constant --lr=1e-30 --validate_interval=2 \
    --patience=2 --max_updates=100
  expect_rc patience $? 0 "$tmp/patience.err"
  expect_in "$tmp/patience/status.json" '"state":"done"'
  expect_in "$tmp/patience/status.json" '"exit_reason":"patience"'
  expect_in "$tmp/patience/status.json" '"updates":6,'
  expect_in "$tmp/patience/metrics.jsonl" '"type":"bleu","split":"test","update":6,'
}

# 4e. --keep_last_checkpoints: of the checkpoints --keep_interval keeps, only the latest N stay;
# --keep_best_checkpoints: the weights of the N best validations stay as
# checkpoint_best_<update>.pt (the validation loss falls here, so those are the latest N too).
case_kept_checkpoints() {
  train_in kept --max_updates=10 --keep_interval=2 --keep_last_checkpoints=2 \
    --validate_interval=2 --keep_best_checkpoints=2
  expect_rc kept $? 0 "$tmp/kept.err"
  local prefix
  for prefix in checkpoint_ checkpoint_best_; do
    [ "$(cd "$tmp/kept" && ls "$prefix"[0-9]*.pt | sort -V | tr '\n' ' ')" = \
      "${prefix}8.pt ${prefix}10.pt " ] ||
      fail "kept ${prefix}<update>.pt: $(cd "$tmp/kept" && ls "$prefix"[0-9]*.pt | tr '\n' ' ')"
  done
  expect_files "$tmp/kept" checkpoint_last.pt checkpoint_best.pt
}

# 5. Bad input: a clear message and the documented exit code.
case_unknown_flag() {
  expect_error "unknown flag" 2 "unknown flag --max_updatez; did you mean --max_updates?" \
    bad_flag --max_updatez=3
}

case_bad_value() {
  expect_error "bad value" 2 "--max_tokens" bad_value --max_updates=3 --max_tokens=lots
  expect_error "infinite lr" 2 "--lr must be > 0 and finite, not inf" bad_value --max_updates=3 --lr=inf
  expect_error "too many threads" 2 "--threads = 100000 is more than the" bad_value \
    --max_updates=3 --threads=100000
  [ -e "$tmp/bad_value/metrics.jsonl" ] && fail "a refused command left metrics.jsonl behind"
  expect_error "bad plugin value" 2 "--betas = 0.9 must be two numbers" bad_plugin_value \
    --max_updates=3 --betas=0.9
  [ -e "$tmp/bad_plugin_value" ] && fail "a bad plugin value left a run directory behind"
}

case_config_unknown_key() {
  printf '# a config\n\nmax_updates = 3\nmax_updatez = 3\n' >"$tmp/bad.ini"
  expect_error "config unknown key" 2 "$tmp/bad.ini:4: unknown key 'max_updatez'" bad_config \
    --config="$tmp/bad.ini"
}

case_tfixup_with_admin_residuals() {
  expect_error "tfixup + admin residuals" 2 "tfixup" tfixup --max_updates=3 --init=tfixup \
    --encoder_residual=admin --decoder_residual=admin
  expect_in "$tmp/tfixup.err" "--encoder_residual=none"
}

case_missing_dataset() {
  expect_error "missing dataset" 1 "prepare_data" no_data --max_updates=3 \
    --data_dir="$tmp/no_such_dataset"
  expect_in "$tmp/no_data.err" "$tmp/no_such_dataset"
  [ -e "$tmp/no_data" ] && fail "a command that cannot run created its run directory"
}

# --device=cuda as this build and machine allow: a CPU-only LibTorch (no libtorch_cuda linked)
# refuses it, naming the flag; a CUDA one without a visible GPU refuses it too, and says the
# CUDA path was not run; with a GPU: fp32, bf16 and fp16 train there, a GPU index beyond the
# visible ones is refused, a run cut and resumed with --deterministic logs the uninterrupted
# run's losses bit for bit, and a GPU checkpoint resumes with --device=cpu.
case_cuda_device() {
  if ! ldd "$train" | grep -q 'libtorch_cuda'; then
    echo "  (a CPU-only LibTorch: checking the refusal)"
    expect_error "--device=cuda" 2 "--device=cuda: this LibTorch has no CUDA" cuda \
      --max_updates=3 --device=cuda
    return
  fi
  local gpus
  gpus="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU')"
  if [ "${CUDA_VISIBLE_DEVICES-unset}" = "" ] || [ "$gpus" = 0 ]; then
    echo "  SKIPPED (not run): a CUDA LibTorch but no visible GPU; checking the refusal only"
    expect_error "--device=cuda without a GPU" 2 "--device=cuda: no GPU is visible" cuda \
      --max_updates=3 --device=cuda
    return
  fi
  local precision
  for precision in fp32 bf16 fp16; do
    train_in "cuda_$precision" --device=cuda --precision="$precision" --max_updates=8
    expect_rc "--device=cuda --precision=$precision" $? 0 "$tmp/cuda_$precision.err"
    expect_in "$tmp/cuda_$precision/train.log" "device cuda:0"
    grep -qiE '"loss":(nan|inf|-inf|null)' "$tmp/cuda_$precision/metrics.jsonl" &&
      fail "a $precision loss on the GPU is not finite"
  done
  expect_error "--device=cuda:$gpus" 2 "--device=cuda:$gpus: there is no such GPU" cuda_beyond \
    --max_updates=3 --device="cuda:$gpus"
  train_in cuda_whole --device=cuda --deterministic=true --max_updates=8
  expect_rc "--deterministic" $? 0 "$tmp/cuda_whole.err"
  train_in cuda_cut --device=cuda --deterministic=true --max_updates=4
  train_in cuda_cut --device=cuda --deterministic=true --max_updates=8
  expect_rc "--deterministic resume" $? 0 "$tmp/cuda_cut.err"
  [ "$(train_losses "$tmp/cuda_cut/metrics.jsonl")" = "$(train_losses "$tmp/cuda_whole/metrics.jsonl")" ] ||
    fail "the resumed --deterministic GPU run's losses differ from the uninterrupted run's"
  train_in cuda_cut --device=cpu --max_updates=10
  expect_rc "a GPU checkpoint resumed on the CPU" $? 0 "$tmp/cuda_cut.err"
}

# --precision=fp16 is refused on a CPU (autocast has no fp16 there), naming the flag.
case_fp16_on_cpu() {
  expect_error "fp16 on a CPU" 2 "--precision=fp16 needs --device=cuda (not cpu)" fp16_cpu \
    --precision=fp16 --max_updates=3
}

# --deterministic on a CPU: every op of an update has a deterministic kernel (none is refused),
# and the log says the switch is on.
case_deterministic_on_cpu() {
  train_in deterministic --deterministic=true --max_updates=3
  expect_rc "--deterministic" $? 0 "$tmp/deterministic.err"
  expect_in "$tmp/deterministic/train.log" "deterministic kernels"
}

case_locked_run_dir() {
  start_in locked_owner --run_dir="$tmp/locked" --max_updates=100000
  wait_for_lines "$pid" "$tmp/locked/metrics.jsonl" 1 || fail "the owner ended before training"
  expect_error "locked run directory" 1 "in use" locked --max_updates=3
  expect_in "$tmp/locked.err" "$tmp/locked"
  kill -TERM "$pid"
  wait "$pid"
  expect_rc "owner of the locked run directory" $? 143 "$tmp/locked_owner.err"
}

case_corrupt_checkpoint() {
  cp -r "$tmp/done" "$tmp/corrupt"
  local size
  size="$(wc -c <"$tmp/corrupt/checkpoint_last.pt")"
  truncate -s $((size / 2)) "$tmp/corrupt/checkpoint_last.pt"
  expect_error "corrupt checkpoint" 1 "$tmp/corrupt/checkpoint_last.pt" corrupt --max_updates=30
  expect_in "$tmp/corrupt.err" "checkpoint_best.pt"
  # The error's advice works: the best checkpoint resumes the run.
  cp "$tmp/corrupt/checkpoint_best.pt" "$tmp/corrupt/checkpoint_last.pt"
  train_in corrupt --max_updates=30
  expect_rc "resume from checkpoint_best" $? 0 "$tmp/corrupt.err"
  expect_in "$tmp/corrupt.err" "resuming"
}

# A checkpoint with one flipped bit is refused instead of resumed on other numbers.
case_flipped_bit_checkpoint() {
  cp -r "$tmp/done" "$tmp/flipped"
  local file="$tmp/flipped/checkpoint_last.pt" offset byte
  offset=$(($(wc -c <"$file") / 2))
  byte="$(od -An -tu1 -j"$offset" -N1 "$file" | tr -d ' ')"
  printf "$(printf '\\%03o' $((byte ^ 4)))" |
    dd of="$file" bs=1 seek="$offset" conv=notrunc status=none
  expect_error "flipped bit" 1 "does not match the SHA-256 written with it" flipped \
    --max_updates=30
}

case_incompatible_resume() {
  cp -r "$tmp/done" "$tmp/incompatible"
  expect_error "incompatible resume" 2 "encoder_layers = 1 there, 2 here" incompatible \
    --max_updates=30 --encoder_layers=2
}

build_tiny_dataset "$prepare_data" "$data"
if [ "${#failed_cases[@]}" != 0 ]; then
  echo "FAIL: no dataset, no test"
  exit 1
fi
for test_case in case_run_completes case_rerun_finished_run \
    case_finished_run_without_last_checkpoint case_damaged_metrics_line \
    case_max_updates_on_resume case_durable_files case_unfinished_update_work \
    case_rebuilt_dataset case_disk_full case_config_ini_repeats_run \
    case_epoch_end case_failure_recorded case_exact_resume case_sigterm case_sigint \
    case_sigterm_during_bleu \
    case_divergence case_early_divergence case_bf16 case_batch_threads_resume case_patience \
    case_kept_checkpoints \
    case_unknown_flag \
    case_bad_value \
    case_config_unknown_key \
    case_tfixup_with_admin_residuals case_missing_dataset case_cuda_device \
    case_fp16_on_cpu case_deterministic_on_cpu \
    case_locked_run_dir case_corrupt_checkpoint case_flipped_bit_checkpoint \
    case_incompatible_resume; do
  run_case "$test_case"
done
finish_cases
