#!/bin/bash
# End to end tests of the real `translate` binary on a model the real `train` wrote (tiny
# dataset from the first 30,000 lines of the Debian Ding dictionary): its translations of the
# test set are the trainer's test.hyp byte for byte and score the same; standard input is
# translated line by line, an empty line stays empty and a bad line is reported with its
# number; a line longer than the model's max_positions and a file that is not a checkpoint are
# clear errors.
#
# Usage: translate_e2e_test.sh TRANSLATE_BINARY TRAIN_BINARY PREPARE_DATA_BINARY
set -u
translate="$1"
train="$2"
prepare_data="$3"
source tests/e2e_lib.sh
start_e2e translate_e2e
data="$tmp/data"
run="$tmp/run"

# A tiny model trained for 20 updates, scored on the whole test set with beam 2.
train_model() {
  timeout 300 "$train" --data_dir="$data" --run_dir="$run" --embed_dim=32 --ffn_dim=64 \
    --attention_heads=2 --encoder_layers=1 --decoder_layers=1 --max_tokens=512 --threads=1 \
    --max_updates=20 --bleu_sentences=0 --beam_size=2 --max_positions=256 \
    >"$tmp/train.out" 2>"$tmp/train.err"
  expect_rc train $? 0 "$tmp/train.err"
}

# 1. The test set through translate is test.hyp, byte for byte, with the trainer's BLEU.
case_matches_test_hyp() {
  "$translate" --checkpoint="$run/checkpoint_best.pt" --input="$data/test.de" \
    --reference="$data/test.en" >"$tmp/test.out" 2>"$tmp/test.err"
  expect_rc translate $? 0 "$tmp/test.err"
  cmp -s "$tmp/test.out" "$run/test.hyp" || fail "the translations differ from test.hyp"
  local bleu
  bleu="$(grep -o 'test | update 20 | BLEU = [0-9.]*' "$tmp/train.err" | sed 's/.*BLEU = //')"
  expect_in "$tmp/test.err" "BLEU = $bleu "
}

# 2. Standard input: one output line per input line, as each arrives; an empty line stays
# empty; invalid UTF-8 is reported with its line number and gives an empty line.
case_standard_input() {
  printf '%s\n' "$(sed -n 1p "$data/test.de")" "" $'\xff\xfe kaputt' "$(sed -n 2p "$data/test.de")" |
    "$translate" --checkpoint="$run/checkpoint_best.pt" >"$tmp/stdin.out" 2>"$tmp/stdin.err"
  expect_rc "standard input" $? 0 "$tmp/stdin.err"
  [ "$(wc -l <"$tmp/stdin.out")" = 4 ] || fail "not 4 output lines: $(cat "$tmp/stdin.out")"
  [ "$(sed -n 1p "$tmp/stdin.out")" = "$(sed -n 1p "$run/test.hyp")" ] ||
    fail "line 1 differs from test.hyp's"
  [ -z "$(sed -n 2p "$tmp/stdin.out")" ] || fail "the empty line did not stay empty"
  [ "$(sed -n 4p "$tmp/stdin.out")" = "$(sed -n 2p "$run/test.hyp")" ] ||
    fail "line 4 differs from test.hyp's line 2"
  expect_in "$tmp/stdin.err" "stdin:3: invalid UTF-8 at byte 1"
}

# 3. Clear errors: a line longer than max_positions (file:line), a file that is no checkpoint.
case_errors() {
  { sed -n 1p "$data/test.de"; printf 'Wort %.0s' $(seq 300); echo; } >"$tmp/long.de"
  "$translate" --checkpoint="$run/checkpoint_best.pt" --input="$tmp/long.de" \
    >"$tmp/long.out" 2>"$tmp/long.err"
  expect_rc "over-long line" $? 2 "$tmp/long.err"
  expect_in "$tmp/long.err" "$tmp/long.de:2: "
  expect_in "$tmp/long.err" "more than the model's max_positions (256)"
  echo "not a checkpoint" >"$tmp/other.pt"
  "$translate" --checkpoint="$tmp/other.pt" --input="$data/test.de" \
    >"$tmp/other.out" 2>"$tmp/other.err"
  expect_rc "not a checkpoint" $? 2 "$tmp/other.err"
  expect_in "$tmp/other.err" "is not a checkpoint written by train"
}

build_tiny_dataset "$prepare_data" "$data"
run_case train_model
run_case case_matches_test_hyp
run_case case_standard_input
run_case case_errors
finish_cases
