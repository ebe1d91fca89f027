#!/bin/bash
# End to end tests of the tools that use a trained model, on a model the real `train` wrote
# (tiny dataset from the first 30,000 lines of the Debian Ding dictionary). translate: its
# translations of the test set are the trainer's test.hyp byte for byte and score the same;
# standard input is translated line by line, an empty line stays empty and a bad line is
# reported with its number; --nbest lists are ranked and start with test.hyp's line; a line longer than the model's max_positions and a file that is
# not a checkpoint are clear errors. average_checkpoints: the output is the mean of its inputs,
# translate reads it, runs with other settings or an existing output are refused, and
# train --restore fine-tunes from it.
#
# Usage: use_model_e2e_test.sh TRANSLATE AVERAGE_CHECKPOINTS COMPARE_CHECKPOINTS TRAIN PREPARE_DATA
set -u
translate="$1"
average="$2"
compare="$3"
train="$4"
prepare_data="$5"
source tests/e2e_lib.sh
start_e2e use_model_e2e
data="$tmp/data"
run="$tmp/run"

# A tiny model trained for 20 updates (checkpoints kept every 10), scored on the whole test set
# with beam 2.
train_model() {
  timeout 300 "$train" --data_dir="$data" --run_dir="$run" --embed_dim=32 --ffn_dim=64 \
    --attention_heads=2 --encoder_layers=1 --decoder_layers=1 --max_tokens=512 --threads=1 \
    --max_updates=20 --keep_interval=10 --bleu_sentences=0 --beam_size=2 --max_positions=256 \
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

# 3. --nbest=2 (the run's beam is 2): two "LINE<tab>SCORE<tab>TEXT" records per line, best
# first, the first being test.hyp's line; an empty line gives one empty record; --nbest above
# the beam is refused.
case_nbest() {
  { sed -n 1,3p "$data/test.de"; echo; } >"$tmp/nbest.de"
  "$translate" --checkpoint="$run/checkpoint_best.pt" --input="$tmp/nbest.de" --nbest=2 \
    >"$tmp/nbest.out" 2>"$tmp/nbest.err"
  expect_rc "nbest" $? 0 "$tmp/nbest.err"
  [ "$(wc -l <"$tmp/nbest.out")" = 7 ] || fail "not 2 + 2 + 2 + 1 records: $(cat "$tmp/nbest.out")"
  local line
  for line in 1 2 3; do
    [ "$(awk -F'\t' -v n="$line" '$1 == n' "$tmp/nbest.out" | head -1 | cut -f3-)" = \
      "$(sed -n "${line}p" "$run/test.hyp")" ] || fail "line $line's best differs from test.hyp's"
    awk -F'\t' -v n="$line" '$1 == n { if (seen && $2 > last) bad = 1; last = $2; seen = 1 }
      END { exit bad }' "$tmp/nbest.out" || fail "line $line's scores are not descending"
  done
  [ "$(sed -n 7p "$tmp/nbest.out")" = "$(printf '4\t\t')" ] || fail "the empty line's record"
  "$translate" --checkpoint="$run/checkpoint_best.pt" --input="$tmp/nbest.de" --nbest=3 \
    >/dev/null 2>"$tmp/nbest3.err"
  expect_rc "nbest above the beam" $? 2 "$tmp/nbest3.err"
  expect_in "$tmp/nbest3.err" "--nbest=3 must be between 1 and the beam size (2"
}

# 4. Clear errors: a line longer than max_positions (file:line), a file that is no checkpoint.
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

# relative DIFF_FILE: the relative difference compare_checkpoints printed.
relative() {
  sed -n 's/^relative difference \([^ ]*\) .*/\1/p' "$1"
}

# 5. The average of updates 10 and 20 lies halfway: its distance to update 10 is half of
# update 20's (compare_checkpoints: ||a - b|| / ||b||); translate reads it.
case_average_is_the_mean() {
  "$average" --run_dir="$run" --last=2 --output="$tmp/mean.pt" >"$tmp/average.out" \
    2>"$tmp/average.err"
  expect_rc average $? 0 "$tmp/average.err"
  expect_in "$tmp/average.out" "averaged 2 checkpoints"
  "$compare" "$tmp/mean.pt" "$run/checkpoint_10.pt" --rtol=1 >"$tmp/mean_10.txt" 2>&1
  "$compare" "$run/checkpoint_20.pt" "$run/checkpoint_10.pt" --rtol=1 >"$tmp/20_10.txt" 2>&1
  awk -v half="$(relative "$tmp/mean_10.txt")" -v whole="$(relative "$tmp/20_10.txt")" \
    'BEGIN { exit !(whole > 0 && half / whole > 0.4999 && half / whole < 0.5001) }' ||
    fail "mean-to-10 $(relative "$tmp/mean_10.txt") is not half of 20-to-10 $(relative "$tmp/20_10.txt")"
  "$translate" --checkpoint="$tmp/mean.pt" --input="$data/test.de" >"$tmp/mean.hyp" \
    2>"$tmp/mean_translate.err"
  expect_rc "translate the average" $? 0 "$tmp/mean_translate.err"
  [ "$(wc -l <"$tmp/mean.hyp")" = "$(wc -l <"$data/test.de")" ] || fail "not one line per input"
}

# 6. Refusals: an existing output, and a checkpoint of a run with other settings.
case_average_refusals() {
  "$average" --inputs="$run/checkpoint_10.pt,$run/checkpoint_20.pt" --output="$tmp/mean.pt" \
    >/dev/null 2>"$tmp/exists.err"
  expect_rc "existing output" $? 2 "$tmp/exists.err"
  expect_in "$tmp/exists.err" "exists: choose another --output"
  timeout 300 "$train" --data_dir="$data" --run_dir="$tmp/wide" --embed_dim=48 --ffn_dim=64 \
    --attention_heads=2 --encoder_layers=1 --decoder_layers=1 --max_tokens=512 --threads=1 \
    --max_updates=2 --bleu_sentences=2 >"$tmp/wide.out" 2>"$tmp/wide.err"
  expect_rc "train the wide model" $? 0 "$tmp/wide.err"
  "$average" --inputs="$run/checkpoint_10.pt,$tmp/wide/checkpoint_last.pt" \
    --output="$tmp/mixed.pt" >/dev/null 2>"$tmp/mixed.err"
  expect_rc "other settings" $? 2 "$tmp/mixed.err"
  expect_in "$tmp/mixed.err" "embed_dim = 32 there, 48 here"
  [ -e "$tmp/mixed.pt" ] && fail "a refused average wrote its output"
}

# 7. train --restore fine-tunes from the average: the new run starts from its weights (its
# first loss is below the fresh model's), and other model settings are refused.
case_restore_from_average() {
  local flags=(--data_dir="$data" --ffn_dim=64 --attention_heads=2 --encoder_layers=1
               --decoder_layers=1 --max_tokens=512 --threads=1 --bleu_sentences=2
               --max_updates=2 --log_interval=1)
  timeout 300 "$train" "${flags[@]}" --embed_dim=32 --run_dir="$tmp/tuned" --restore="$tmp/mean.pt" \
    --optimizer=adam --lr=1e-4 >"$tmp/tuned.out" 2>"$tmp/tuned.err"
  expect_rc "restore" $? 0 "$tmp/tuned.err"
  expect_in "$tmp/tuned.err" "from the weights of $tmp/mean.pt"
  timeout 300 "$train" "${flags[@]}" --embed_dim=32 --run_dir="$tmp/fresh" --optimizer=adam \
    --lr=1e-4 >"$tmp/fresh.out" 2>"$tmp/fresh.err"
  expect_rc "fresh" $? 0 "$tmp/fresh.err"
  local fresh tuned
  fresh="$(sed -n 's/^{"type":"train","update":1,.*"loss":\([^,]*\),.*/\1/p' "$tmp/fresh/metrics.jsonl")"
  tuned="$(sed -n 's/^{"type":"train","update":1,.*"loss":\([^,]*\),.*/\1/p' "$tmp/tuned/metrics.jsonl")"
  awk -v fresh="$fresh" -v tuned="$tuned" 'BEGIN { exit !(tuned < fresh - 0.05) }' ||
    fail "the restored run's first loss $tuned is not below the fresh model's $fresh"
  timeout 300 "$train" "${flags[@]}" --run_dir="$tmp/tuned_wide" --restore="$tmp/mean.pt" \
    --embed_dim=48 >"$tmp/tuned_wide.out" 2>"$tmp/tuned_wide.err"
  expect_rc "restore into another shape" $? 2 "$tmp/tuned_wide.err"
  expect_in "$tmp/tuned_wide.err" "must be the checkpoint's"
}

build_tiny_dataset "$prepare_data" "$data"
run_case train_model
run_case case_matches_test_hyp
run_case case_standard_input
run_case case_nbest
run_case case_errors
run_case case_average_is_the_mean
run_case case_average_refusals
run_case case_restore_from_average
finish_cases
