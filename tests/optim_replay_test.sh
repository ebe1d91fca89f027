#!/bin/bash
# Runs the real optim_replay binary on input files written here (never the goldens): the
# output format, values worked out by hand, and errors that name the file and line.
set -u
replay="$1"
source tests/tool_test_lib.sh
in="$TEST_TMPDIR/in.txt"

# SGD by hand: p -= 0.1 g.
printf '2\n1 -2\n0.5 1\n1 -1\n' >"$in"
expect_output "sgd" "0.95 -2.1
0.85 -2" "$replay" --optimizer=sgd --lr=0.1 --input="$in"

# Tabs, CRLF line ends and blank lines at the end are accepted.
printf '2\r\n1\t-2\r\n0.5 \t 1\r\n\n\n' >"$in"
expect_output "whitespace" "0.95 -2.1" "$replay" --optimizer=sgd --lr=0.1 --input "$in"

# Momentum 0.9 with a constant gradient 1: buffers 1, 1.9, 2.71.
printf '1\n0\n1\n1\n1\n' >"$in"
expect_output "sgd momentum" "-0.1
-0.29
-0.561" "$replay" --optimizer=sgd --lr=0.1 --momentum=0.9 --input="$in"

# Adam's first step moves each value by lr against the sign of its gradient.
printf '3\n1 1 1\n4 -2 0\n' >"$in"
expect_output "adam" "0.99 1.01 1" "$replay" --optimizer=adam --lr=0.01 --amsgrad --input="$in"

# 9 significant digits.
printf '1\n0\n-3\n' >"$in"
expect_output "digits" "0.333333333" "$replay" --optimizer=sgd --lr=0.111111111111 --input="$in"

# RAdam: five SGD-momentum steps below the threshold by default (beta1 = 0 makes each
# m_hat = g); with --below_threshold=none no step until rho_t > 5 at step 6.
printf '1\n1\n1\n1\n1\n1\n1\n' >"$in"
expect_output "radam defaults" "0.99
0.98
0.97
0.96
0.95" "$replay" --optimizer=radam --lr=0.01 --betas=0,0.999 --input="$in"
expect_output "radam none" "1
1
1
1
1" "$replay" --optimizer=radam --lr=0.01 --below_threshold=none --input="$in"
printf '1\n' >>"$in"
out="$("$replay" --optimizer=radam --lr=0.01 --below_threshold=none --input="$in" | tail -n 1)"
[ "$out" != 1 ] || { echo "FAIL: radam none did not move at step 6"; failed=1; }

# The plugins and their options are listed.
"$replay" --list_plugins | grep -qF -- "--weight_decay_mode=string (default l2)" ||
  { echo "FAIL: --list_plugins lacks radam's options"; failed=1; }

# No steps: nothing to print.
printf '2\n1 2\n' >"$in"
expect_output "no steps" "" "$replay" --optimizer=adam --input="$in"

# Errors.
expect_error "missing file" "$TEST_TMPDIR/none.txt: cannot open" \
  "$replay" --optimizer=sgd --input="$TEST_TMPDIR/none.txt"
printf '2\n1 2\n0.5 0.5\n1 2 3\n' >"$in"
expect_error "count" "in.txt:4: expected 2 numbers, found 3" "$replay" --optimizer=sgd --input="$in"
printf '2\n1 2\n0.5 abc\n' >"$in"
expect_error "number" "in.txt:3: 'abc' (number 2) is not a number" \
  "$replay" --optimizer=sgd --input="$in"
printf '2\n1\n' >"$in"
expect_error "initial values" "in.txt:2: expected 2 numbers, found 1" \
  "$replay" --optimizer=sgd --input="$in"
printf 'two\n1 2\n' >"$in"
expect_error "count line" "in.txt:1: expected the parameter count P" \
  "$replay" --optimizer=sgd --input="$in"
printf '2\n' >"$in"
expect_error "short file" "in.txt: ends after line 1" "$replay" --optimizer=sgd --input="$in"
printf '1\n1\n1\n' >"$in"
expect_error "unknown optimizer" "unknown optimizer 'radm'; did you mean 'radam'?" \
  "$replay" --optimizer=radm --input="$in"
expect_error "unknown flag" "unknown flag --momentm; did you mean --momentum?" \
  "$replay" --optimizer=sgd --momentm=0.9 --input="$in"
expect_error "flag of another plugin" "--momentum is an option of optimizer 'sgd'" \
  "$replay" --optimizer=adam --momentum=0.9 --input="$in"
expect_error "bad value" "optimizer 'radam': --betas = 0.9,1.5 must be two numbers in [0, 1)" \
  "$replay" --optimizer=radam --betas=0.9,1.5 --input="$in"
expect_error "negative lr" "optimizer 'adam': --lr = -0.1 must be >= 0" \
  "$replay" --optimizer=adam --lr=-0.1 --input="$in"
expect_error "no input" "--input is required" "$replay" --optimizer=adam
finish
