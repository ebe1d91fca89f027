#!/bin/bash
# End to end tests of the real `analyze` binary on a tiny dataset (the first 30,000 lines of
# the Debian Ding dictionary) and tiny models: every report writes its JSON and SVG and prints
# its table, --checkpoint analyses a trained model, and bad input fails with exit code 2 and a
# message naming the flag. Each case prints PASS or FAIL; the test fails if any case does.
#
# Usage: analyze_test.sh ANALYZE_BINARY TRAIN_BINARY PREPARE_DATA_BINARY
set -u
analyze="$1"
train="$2"
prepare_data="$3"
source tests/e2e_lib.sh
start_e2e analyze
data="$tmp/data"

common=(--data_dir="$data" --embed_dim=32 --ffn_dim=64 --attention_heads=2 --encoder_layers=2
        --decoder_layers=2 --max_tokens=256 --threads=1)

# analyze_in NAME FLAGS...: runs analyze with the common flags and --output_dir=$tmp/NAME,
# stdout and stderr to $tmp/NAME.out and $tmp/NAME.err; returns its exit code.
analyze_in() {
  local name="$1"
  shift
  timeout 300 "$analyze" "${common[@]}" --output_dir="$tmp/$name" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"
}

# expect_svg FILE: a whole SVG document.
expect_svg() {
  expect_in "$1" '<svg xmlns="http://www.w3.org/2000/svg"'
  [ "$(tail -n 1 "$1" 2>/dev/null)" = "</svg>" ] || fail "$1 does not end with </svg>"
}

# expect_json FILE: one JSON object (python3 checks it when present).
expect_json() {
  [ -s "$1" ] || { fail "$1 is missing or empty"; return; }
  if command -v python3 >/dev/null && ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
      "$1" 2>"$tmp/json.err"; then
    fail "$1 is not valid JSON: $(cat "$tmp/json.err")"
  fi
}

# count_in FILE TEXT: how many times TEXT occurs in FILE.
count_in() {
  grep -oF -- "$2" "$1" 2>/dev/null | wc -l
}

build_dataset() {
  build_tiny_dataset "$prepare_data" "$data"
  if ! timeout 300 "$train" "${common[@]}" --run_dir="$tmp/run" --max_updates=3 \
      --bleu_sentences=5 --beam_size=1 >"$tmp/train.out" 2>&1; then
    fail "train failed: $(tail -n 5 "$tmp/train.out")"
  fi
}

case_output_change() {
  analyze_in oc --report=output_change --depths=1,2,4 --modes=post,pre,admin --seeds=2 --log_y=true
  expect_rc output_change $? 0 "$tmp/oc.err"
  expect_json "$tmp/oc/output_change.json"
  expect_svg "$tmp/oc/output_change.svg"
  expect_svg "$tmp/oc/output_change_logx.svg"
  # The median of the seeds with their min-max band and each seed's point; a log y axis.
  expect_in "$tmp/oc/output_change.svg" "median of 2 seeds (band: min-max)"
  expect_in "$tmp/oc/output_change.svg" "<polygon"
  expect_in "$tmp/oc/output_change.svg" "<title>post (one seed): 4, "
  expect_in "$tmp/oc/output_change.json" '"median":'
  [ -s "$tmp/oc/output_change.png" ] || fail "no PNG copy of output_change.svg"
  local mode
  for mode in post pre admin; do
    expect_in "$tmp/oc.out" "fit $mode"
    [ "$(grep -c "^$mode " "$tmp/oc.out")" = 3 ] || fail "the table lacks 3 rows for $mode"
  done
  expect_in "$tmp/oc.out" "ratio post / admin at 4 layers:"
  [ "$(count_in "$tmp/oc/output_change.json" '"mode":"post","layers"')" = 3 ] ||
    fail "output_change.json lacks 3 post rows"
  expect_in "$tmp/oc/output_change.json" '"linear":{"a":'
  expect_in "$tmp/oc/output_change.json" '"log":{"a":'
}

case_output_change_zero_delta() {
  analyze_in oc0 --report=output_change --depths=2 --modes=post --seeds=1 --epsilon=0
  expect_rc "output_change, epsilon 0" $? 0 "$tmp/oc0.err"
  expect_in "$tmp/oc0/output_change.json" '"mean":0.0,'
  analyze_in oc0g --report=output_change --depths=2 --modes=pre --seeds=1 --delta=grad_sign \
    --epsilon=0
  expect_rc "output_change, grad_sign epsilon 0" $? 0 "$tmp/oc0g.err"
  expect_in "$tmp/oc0g/output_change.json" '"mean":0.0,'
}

case_dependency() {
  analyze_in dep --report=dependency --encoder_residual=pre --decoder_residual=pre --init=default
  expect_rc dependency $? 0 "$tmp/dep.err"
  expect_json "$tmp/dep/dependency.json"
  expect_svg "$tmp/dep/dependency.encoder.svg"
  expect_svg "$tmp/dep/dependency.decoder.svg"
  expect_in "$tmp/dep.out" "encoder (pre): beta_ii"
  expect_in "$tmp/dep/dependency.json" '"columns":["a_0","a_1","a_2","a_3","a_4"]'
  expect_in "$tmp/dep/dependency.json" '"rows":["x_1","x_2","x_3","x_4","x_5","x_6"]'
}

case_grad_norms() {
  analyze_in grad --report=grad_norms --encoder_residual=post --decoder_residual=post \
    --init=default
  expect_rc grad_norms $? 0 "$tmp/grad.err"
  expect_json "$tmp/grad/grad_norms.json"
  expect_svg "$tmp/grad/grad_norms.svg"
  [ "$(count_in "$tmp/grad/grad_norms.json" '"norm":')" = 10 ] ||
    fail "grad_norms.json should have 4 + 6 sublayers"
  expect_in "$tmp/grad.out" "decoder.layers.1.encoder_attn"
}

case_param_stats() {
  analyze_in params --report=param_stats
  expect_rc param_stats $? 0 "$tmp/params.err"
  expect_json "$tmp/params/param_stats.json"
  expect_svg "$tmp/params/param_stats.svg"
  expect_in "$tmp/params/param_stats.json" \
    '"name":"encoder.layers.0.self_attn.v_proj.weight","shape":[32,32],"elements":1024'
  # Admin's ω after profiling is not 1 past the first sublayer.
  expect_in "$tmp/params.out" "encoder.layers.1.ffn_residual.omega"
}

case_omega_profile() {
  analyze_in omega --report=omega_profile --depths=1,2
  expect_rc omega_profile $? 0 "$tmp/omega.err"
  expect_json "$tmp/omega/omega_profile.json"
  expect_svg "$tmp/omega/omega_profile.svg"
  [ "$(wc -l <"$tmp/omega/profile.2L-2L.ratio.init")" = 10 ] ||
    fail "profile.2L-2L.ratio.init should have 4 + 6 lines"
}

case_checkpoint() {
  local report
  for report in dependency grad_norms param_stats omega_profile output_change; do
    analyze_in "ckpt_$report" --report="$report" --checkpoint="$tmp/run/checkpoint_last.pt"
    expect_rc "$report --checkpoint" $? 0 "$tmp/ckpt_$report.err"
    expect_json "$tmp/ckpt_$report/$report.json"
    expect_in "$tmp/ckpt_$report/$report.json" "\"checkpoint\":\"$tmp/run/checkpoint_last.pt\""
  done
  expect_in "$tmp/ckpt_output_change.out" "checkpoint       2"
  # The checkpoint's weights, not a fresh initialization: trained ω differ from the profile.
  if diff -q "$tmp/ckpt_omega_profile/profile.2L-2L.ratio.init" \
      "$tmp/run/profile.ratio.init" >/dev/null; then
    fail "omega_profile --checkpoint printed the initial profile, not the trained ω"
  fi
  # The checkpoint's configuration shapes the model: no model flags are needed (the defaults,
  # d = 256, would not fit), and a flag on the command line overrides it.
  timeout 300 "$analyze" --report=param_stats --checkpoint="$tmp/run/checkpoint_last.pt" \
    --data_dir="$data" --threads=1 --output_dir="$tmp/ckpt_config" \
    >"$tmp/ckpt_config.out" 2>"$tmp/ckpt_config.err"
  expect_rc "checkpoint without model flags" $? 0 "$tmp/ckpt_config.err"
  expect_in "$tmp/ckpt_config/param_stats.json" '"embed_dim":"32"'
  timeout 300 "$analyze" --report=param_stats --checkpoint="$tmp/run/checkpoint_last.pt" \
    --data_dir="$data" --threads=1 --embed_dim=64 --output_dir="$tmp/ckpt_shape" \
    >"$tmp/ckpt_shape.out" 2>"$tmp/ckpt_shape.err"
  expect_rc "checkpoint with another shape" $? 2 "$tmp/ckpt_shape.err"
  expect_in "$tmp/ckpt_shape.err" "encoder.embed_tokens.weight has shape ["
}

# expect_usage_error NAME MESSAGE FLAGS...: exit code 2, MESSAGE on stderr, nothing on stdout.
expect_usage_error() {
  local name="$1" message="$2"
  shift 2
  analyze_in "$name" "$@"
  expect_rc "$name" $? 2 "$tmp/$name.err"
  [ -s "$tmp/$name.out" ] && fail "$name printed on stdout: $(head -c 300 "$tmp/$name.out")"
  expect_in "$tmp/$name.err" "$message"
}

case_bad_input() {
  expect_usage_error unknown_report "--report=plot: not one of" --report=plot
  expect_usage_error bad_depths "--depths=1,two" --report=output_change --depths=1,two
  expect_usage_error missing_checkpoint "--checkpoint=$tmp/none.pt: no such file" \
    --report=dependency --checkpoint="$tmp/none.pt"
  expect_usage_error checkpoint_depths "--depths is meaningless with --checkpoint" \
    --report=output_change --checkpoint="$tmp/run/checkpoint_last.pt" --depths=4
  expect_usage_error bad_mode "unknown mode 'sideways'" --report=output_change --modes=sideways
  expect_usage_error bad_trainer_flag "--embed_dimm" --report=param_stats --embed_dimm=3
}

run_case build_dataset
if [ "${#failed_cases[@]}" != 0 ]; then
  echo "FAIL: no dataset, no test"
  exit 1
fi
for test_case in case_output_change case_output_change_zero_delta case_dependency \
    case_grad_norms case_param_stats case_omega_profile case_checkpoint case_bad_input; do
  run_case "$test_case"
done
finish_cases
