#!/bin/bash
# Data-parallel training end to end (issue 10 "Done when"): two `train` ranks on localhost
# over Gloo, on a tiny Ding dataset and a tiny model without dropout.
#   1. 2 ranks reach the weights and losses of one process with the same global batch within
#      1e-5 relative, across an epoch end: with Adam at update_freq 1 per rank (the gradient
#      sums are then the same additions), and with SGD at update_freq 2 per rank (summed in
#      another order). Only rank 0 writes files.
#   2. kill -9 of one rank (either) makes the other exit non-zero within DIST_TIMEOUT, with
#      an error that says so; status.json says failed.
#   3. SIGTERM to rank 1 alone stops both ranks at the same update (exit 143) with rank 0's
#      checkpoint; the same command resumes and still matches one process.
#   4. A missing rank ends the rendezvous after DIST_TIMEOUT; ranks with different flags
#      and bad launcher variables are errors that name the cause.
# Each case prints PASS or FAIL; the test fails if any case does.
#
# Usage: distributed_train_test.sh TRAIN PREPARE_DATA COMPARE_CHECKPOINTS
set -u
train="$1"
prepare_data="$2"
compare="$3"
source tests/e2e_lib.sh
start_e2e distributed_train
data="$tmp/data"

# Dropout off: with it, each rank draws its own masks and no run can equal one process's.
common=(--data_dir="$data" --embed_dim=32 --ffn_dim=64 --attention_heads=2 --encoder_layers=1
        --decoder_layers=1 --max_tokens=2048 --threads=1 --bleu_sentences=10 --beam_size=2
        --log_interval=1 --dropout=0 --attention_dropout=0 --activation_dropout=0 --init=admin)
# Adam divides by sqrt(v): on weights whose true gradient is zero (attention key biases, by
# the softmax's shift invariance) it turns rounding noise into lr-sized steps, so Adam runs
# agree to 1e-5 only when both sum the gradients in the same order. SGD shows that another
# order (update_freq 2 per rank) changes nothing beyond rounding.
adam=(--optimizer=adam --lr=1e-3)
sgd=(--optimizer=sgd --momentum=0.9 --lr=0.5)
# A port per rendezvous, away from other tests' (Bazel may run them at once).
port=$((20000 + RANDOM % 20000))

# single NAME FLAGS...: one process on $tmp/NAME; returns its exit code.
single() {
  local name="$1"
  shift
  timeout 120 "$train" "${common[@]}" --run_dir="$tmp/$name" "$@" >"$tmp/$name.out" \
    2>"$tmp/$name.err"
}

# start_rank NAME RANK FLAGS...: rank RANK of 2 in the background on $tmp/NAME, output to
# $tmp/NAME.RANK.{out,err}; sets pids[RANK] (the trainer's own pid). Uses the current $port.
start_rank() {
  local name="$1" rank="$2"
  shift 2
  MASTER_ADDR=127.0.0.1 MASTER_PORT="$port" WORLD_SIZE=2 RANK="$rank" DIST_TIMEOUT=20 \
    "$train" "${common[@]}" --run_dir="$tmp/$name" "$@" \
    >"$tmp/$name.$rank.out" 2>"$tmp/$name.$rank.err" &
  pids[$rank]=$!
}

# wait_ranks: waits (at most 120 s each) for both ranks; sets codes[0] and codes[1].
wait_ranks() {
  wait_exit "${pids[0]}" 120
  codes[0]=$code
  wait_exit "${pids[1]}" 120
  codes[1]=$code
}

# ranks NAME FLAGS...: both ranks to the end. A new port each time.
ranks() {
  local name="$1"
  shift
  port=$((port + 1))
  start_rank "$name" 0 "$@"
  start_rank "$name" 1 "$@"
  wait_ranks
}

# train_lines METRICS: its number of train lines (0 while it does not exist).
train_lines() {
  local n
  n="$(grep -c '"type":"train"' "$1" 2>/dev/null)"
  echo "${n:-0}"
}

# expect_same_weights A B: the models of two checkpoints within 1e-5 relative.
expect_same_weights() {
  local result
  if ! result="$("$compare" "$1" "$2" --rtol=1e-5 2>&1)"; then
    fail "weights differ: $result"
  else
    echo "  $result"
  fi
}

# expect_same_losses A B: metrics.jsonl train losses of two runs within 1e-5 relative.
expect_same_losses() {
  local a b
  a="$(sed -n 's/^{"type":"train","update":\([0-9]*\),.*"loss":\([^,]*\),.*/\1 \2/p' "$1")"
  b="$(sed -n 's/^{"type":"train","update":\([0-9]*\),.*"loss":\([^,]*\),.*/\1 \2/p' "$2")"
  if [ -z "$a" ] || ! paste <(echo "$a") <(echo "$b") | awk '
      { if ($1 != $3) exit 1; d = $2 - $4; if (d < 0) d = -d; if (d > 1e-5 * $4) exit 1 }'; then
    fail "train losses differ: $(paste <(echo "$a") <(echo "$b") | head -n 20)"
  fi
}

# epoch_updates BATCHES: how many updates of BATCHES batches epoch 1 has (one process), so
# that a comparison runs past an epoch end, where the last update is short and a rank may
# get no batch at all.
epoch_updates() {
  single "count$1" "${adam[@]}" --update_freq="$1" --max_epochs=1 --max_updates=0 || return 1
  sed -n 's/^{"type":"train","update":\([0-9]*\),"epoch":1,.*/\1/p' \
    "$tmp/count$1/metrics.jsonl" | tail -n1
}

# compare_with_one_process NAME PER_RANK OPTIMIZER_FLAGS...: 2 ranks with update_freq
# PER_RANK against one process with 2 × PER_RANK, three updates past the first epoch.
compare_with_one_process() {
  local name="$1" per_rank="$2"
  shift 2
  local per_epoch
  per_epoch="$(epoch_updates $((2 * per_rank)))" || { fail "single-process epoch run failed"; return; }
  local updates=$((per_epoch + 3))
  echo "  $per_epoch updates per epoch; comparing after $updates"
  single "$name.one" "$@" --update_freq=$((2 * per_rank)) --max_updates="$updates" ||
    fail "single run: $(tail -n 3 "$tmp/$name.one.err")"
  ranks "$name" "$@" --update_freq="$per_rank" --max_updates="$updates"
  [ "${codes[0]}" = 0 ] && [ "${codes[1]}" = 0 ] ||
    fail "ranks exited ${codes[*]}: $(tail -n 3 "$tmp/$name.0.err" "$tmp/$name.1.err")"
  grep -q "2 data-parallel ranks (gloo), $((2 * per_rank)) batches per update" "$tmp/$name.0.err" ||
    fail "rank 0 did not log its data-parallel setup"
  expect_same_weights "$tmp/$name/checkpoint_last.pt" "$tmp/$name.one/checkpoint_last.pt"
  expect_same_losses "$tmp/$name/metrics.jsonl" "$tmp/$name.one/metrics.jsonl"
  [ "$(train_lines "$tmp/$name/metrics.jsonl")" = "$updates" ] ||
    fail "metrics.jsonl has $(train_lines "$tmp/$name/metrics.jsonl") train lines, not $updates"
  grep -q '"state": *"done"' "$tmp/$name/status.json" ||
    fail "status.json: $(cat "$tmp/$name/status.json")"
  # Only rank 0 logs training lines and writes train.log.
  grep -q "train | epoch" "$tmp/$name.1.err" && fail "rank 1 logged training lines"
  grep -q "rank 1 of 2" "$tmp/$name/train.log" && fail "rank 1 wrote into train.log"
}

case_same_weights_as_one_process_adam() { compare_with_one_process adam 1 "${adam[@]}"; }
case_same_weights_as_one_process_sgd() { compare_with_one_process sgd 2 "${sgd[@]}"; }

# wait_exit PID SECONDS: waits for PID to exit, at most SECONDS (then kills it); sets `code`
# (124 after a timeout) and `seconds`.
wait_exit() {
  local pid="$1" limit="$2" start=$SECONDS
  while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - start)) -lt "$limit" ]; do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
    wait "$pid"
    code=124
  else
    wait "$pid"
    code=$?
  fi
  seconds=$((SECONDS - start))
}

# kill_one VICTIM: kills rank VICTIM once training runs; the other must fail in bounded time.
kill_one() {
  local victim="$1" survivor=$((1 - $1)) name="kill$1" i
  port=$((port + 1))
  start_rank "$name" 0 "${adam[@]}" --max_updates=100000
  start_rank "$name" 1 "${adam[@]}" --max_updates=100000
  for ((i = 0; i < 1500; ++i)); do
    [ "$(train_lines "$tmp/$name/metrics.jsonl")" -ge 3 ] && break
    sleep 0.02
  done
  [ "$(train_lines "$tmp/$name/metrics.jsonl")" -ge 3 ] || { fail "training did not start"; return; }
  kill -9 "${pids[$victim]}"
  wait_exit "${pids[$survivor]}" 60
  echo "  rank $survivor exited $code ${seconds} s after rank $victim was killed"
  [ "$code" != 0 ] || fail "rank $survivor exited 0"
  [ "$code" != 124 ] || fail "rank $survivor hung until the test's timeout"
  [ "$seconds" -le 25 ] || fail "rank $survivor took $seconds s (DIST_TIMEOUT=20)"
  grep -q "Another rank stopped or died" "$tmp/$name.$survivor.err" ||
    fail "no clear error: $(tail -n 2 "$tmp/$name.$survivor.err")"
  if [ "$survivor" = 0 ]; then
    grep -q '"state": *"failed"' "$tmp/$name/status.json" ||
      fail "status.json: $(cat "$tmp/$name/status.json")"
  fi
}
case_killed_rank_1_ends_rank_0() { kill_one 1; }
case_killed_rank_0_ends_rank_1() { kill_one 0; }

case_sigterm_to_one_rank_stops_both_and_resumes() {
  local updates=24 i
  single term_one "${adam[@]}" --update_freq=2 --max_updates=$updates || fail "single run failed"
  port=$((port + 1))
  start_rank term 0 "${adam[@]}" --max_updates=$updates
  start_rank term 1 "${adam[@]}" --max_updates=$updates
  for ((i = 0; i < 1500; ++i)); do
    [ "$(train_lines "$tmp/term/metrics.jsonl")" -ge 5 ] && break
    sleep 0.02
  done
  kill -TERM "${pids[1]}"
  wait_ranks
  [ "${codes[0]}" = 143 ] && [ "${codes[1]}" = 143 ] || fail "exit codes ${codes[*]}, not 143 143"
  grep -q '"state": *"interrupted"' "$tmp/term/status.json" ||
    fail "status.json: $(cat "$tmp/term/status.json")"
  local stopped
  stopped="$(sed -n 's/.*SIGTERM: checkpoint written at update \([0-9]*\).*/\1/p' "$tmp/term.0.err")"
  echo "  stopped at update ${stopped:-?} of $updates"
  [ -n "$stopped" ] && [ "$stopped" -lt "$updates" ] || fail "rank 0 did not checkpoint before the end"
  ranks term "${adam[@]}" --max_updates=$updates
  [ "${codes[0]}" = 0 ] && [ "${codes[1]}" = 0 ] || fail "resume exited ${codes[*]}"
  grep -q "resuming .* at update $stopped" "$tmp/term.1.err" || fail "rank 1 did not resume"
  expect_same_weights "$tmp/term/checkpoint_last.pt" "$tmp/term_one/checkpoint_last.pt"
  expect_same_losses "$tmp/term/metrics.jsonl" "$tmp/term_one/metrics.jsonl"
}

case_missing_rank_times_out() {
  port=$((port + 1))
  local start=$SECONDS
  MASTER_ADDR=127.0.0.1 MASTER_PORT="$port" WORLD_SIZE=2 RANK=0 DIST_TIMEOUT=3 \
    timeout 60 "$train" "${common[@]}" "${adam[@]}" --run_dir="$tmp/alone" >/dev/null \
    2>"$tmp/alone.err"
  local code=$? seconds=$((SECONDS - start))
  [ "$code" = 1 ] || fail "exit $code, not 1"
  [ "$seconds" -le 15 ] || fail "took $seconds s with DIST_TIMEOUT=3"
  grep -q "rendezvous at MASTER_ADDR=127.0.0.1 MASTER_PORT=$port failed" "$tmp/alone.err" ||
    fail "no clear error: $(tail -n 2 "$tmp/alone.err")"
  [ -e "$tmp/alone" ] && fail "a run directory was created"
}

case_different_flags_are_an_error() {
  port=$((port + 1))
  start_rank mismatch 0 "${adam[@]}" --max_updates=5
  start_rank mismatch 1 "${adam[@]}" --max_updates=5 --seed=2
  wait_ranks
  [ "${codes[0]}" = 1 ] && [ "${codes[1]}" = 1 ] || fail "exit codes ${codes[*]}, not 1 1"
  grep -q "the ranks disagree on the training flags" "$tmp/mismatch.1.err" ||
    fail "no clear error: $(tail -n 2 "$tmp/mismatch.1.err")"
}

case_bad_launcher_variables() {
  RANK=2 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=1234 "$train" "${common[@]}" \
    "${adam[@]}" --run_dir="$tmp/bad" >/dev/null 2>"$tmp/bad.err"
  local code=$?
  [ "$code" = 2 ] || fail "exit $code, not 2"
  grep -q "RANK=2 and WORLD_SIZE=2: need 0 <= rank < size" "$tmp/bad.err" ||
    fail "no clear error: $(cat "$tmp/bad.err")"
}

build_tiny_dataset "$prepare_data" "$data"
run_case case_same_weights_as_one_process_adam
run_case case_same_weights_as_one_process_sgd
run_case case_killed_rank_1_ends_rank_0
run_case case_killed_rank_0_ends_rank_1
run_case case_sigterm_to_one_rank_stops_both_and_resumes
run_case case_missing_rank_times_out
run_case case_different_flags_are_an_error
run_case case_bad_launcher_variables

finish_cases
