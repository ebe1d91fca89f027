#!/bin/bash
# Runs the real lr_trace binary: the learning rate of updates 1..N, one per line, worked
# out by hand from the formulas (update 1 uses the value after 0 updates), and errors.
set -u
trace="$1"
source tests/tool_test_lib.sh

expect_output "inverse_sqrt" "0
0.25
0.5
0.75
1
0.894427191" "$trace" --lr_scheduler=inverse_sqrt --warmup_updates=4 --lr=1 --steps=6
expect_output "warmup_init_lr" "0.5
0.75
1" "$trace" --lr_scheduler=inverse_sqrt --warmup_updates=2 --warmup_init_lr=0.5 --lr=1 --steps=3
expect_output "linear" "0
0.5
1
0.8
0.6
0.4
0.2
0.2" "$trace" --lr_scheduler=linear --warmup_updates=2 --warmup_init_lr=0 --lr=1 --min_lr=0.2 \
  --max_updates=6 --steps=8
# Transformer-Clinic's linear: a negative --warmup_init_lr (the default) means --lr.
expect_output "linear from lr" "1
1
0.5
0" "$trace" --lr_scheduler=linear --warmup_updates=1 --lr=1 --max_updates=3 --steps=4
expect_output "poly" "1
0.5625
0.25
0.0625
0
0" "$trace" --lr_scheduler=poly --lr=1 --max_updates=4 --steps=6
expect_output "cosine" "1
0.5
0" "$trace" --lr_scheduler=cosine --lr=1 --max_updates=2 --steps=3
expect_output "inverse_sqrt_nowarmup" "1
0.707106781
0.577350269
0.5" "$trace" --lr_scheduler=inverse_sqrt_nowarmup --decay_period=1 --lr=1 --steps=4
expect_output "constant" "0.25
0.25" "$trace" --lr_scheduler=constant --lr=0.25 --steps=2
"$trace" --list_plugins | grep -qF -- "--decay_period=int (default 4000)" ||
  { echo "FAIL: --list_plugins lacks inverse_sqrt_nowarmup's options"; failed=1; }
expect_output "no steps" "" "$trace" --lr_scheduler=constant --steps=0

expect_error "no max_updates" "lr_scheduler 'linear': decays until --max_updates, which must be" \
  "$trace" --lr_scheduler=linear --steps=3
expect_error "warmup past the end" "--warmup_updates = 4000 must be <= --max_updates = 100" \
  "$trace" --lr_scheduler=linear --max_updates=100 --steps=3
expect_error "unknown schedule" "unknown lr_scheduler 'cosin'; did you mean 'cosine'?" \
  "$trace" --lr_scheduler=cosin --steps=3
expect_error "unknown flag" "unknown flag --warmup_update; did you mean --warmup_updates?" \
  "$trace" --lr_scheduler=inverse_sqrt --warmup_update=10 --steps=3
expect_error "flag of another plugin" "--min_lr is an option of" \
  "$trace" --lr_scheduler=inverse_sqrt --min_lr=0.1 --steps=3
expect_error "not a number" "option 'warmup_updates' = 'ten' is not an integer" \
  "$trace" --lr_scheduler=inverse_sqrt --warmup_updates=ten --steps=3
expect_error "negative steps" "--steps = -1 must be >= 0" \
  "$trace" --lr_scheduler=constant --steps=-1
expect_error "no steps flag" "--steps is required" "$trace" --lr_scheduler=constant
finish
