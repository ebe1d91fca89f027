#!/bin/bash
# Runs the real score binary on files written here: sacreBLEU's test vector (one and two
# reference files, relative paths resolved like under `bazel run`) and the input errors.
set -u
score="$(pwd)/$1"
source tests/tool_test_lib.sh

dir="$TEST_TMPDIR/score"
mkdir -p "$dir"
printf '%s\n' "The dog bit the man." "It wasn't surprising." "The man had just bitten him." \
  >"$dir/hyp.txt"
printf '%s\n' "The dog bit the man." "It was not unexpected." "The man bit him first." \
  >"$dir/ref1.txt"
printf '%s\n' "The dog had bit the man." "No one was surprised." "The man had bitten the dog." \
  >"$dir/ref2.txt"

expect_output "test vector, two references" \
"BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
chrF2 = 59.73
BLEU signature: nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:admin_trainer-1
chrF2 signature: nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:admin_trainer-1" \
  "$score" --hyp="$dir/hyp.txt" --ref="$dir/ref1.txt,$dir/ref2.txt"

# Relative paths resolve against the directory bazel run was started from.
expect_output "one reference, relative paths" \
"BLEU = 45.07 70.6/42.9/36.4/37.5 (BP = 1.000 ratio = 1.000 hyp_len = 17 ref_len = 17)
chrF2 = 50.04
BLEU signature: nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:admin_trainer-1
chrF2 signature: nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:admin_trainer-1" \
  env BUILD_WORKING_DIRECTORY="$dir" "$score" --hyp=hyp.txt --ref=ref1.txt

head -n 2 "$dir/ref2.txt" >"$dir/short.txt"
expect_error "line counts differ" "short.txt ends after line 2, $dir/hyp.txt has 3 lines" \
  "$score" --hyp="$dir/hyp.txt" --ref="$dir/ref1.txt,$dir/short.txt"
expect_error "missing file" "$dir/nope.txt: no such file" \
  "$score" --hyp="$dir/nope.txt" --ref="$dir/ref1.txt"
printf 'fine\nbro\xffken\nfine\n' >"$dir/bad.txt"
expect_error "invalid UTF-8" "$dir/bad.txt:2: invalid UTF-8 at byte 4" \
  "$score" --hyp="$dir/hyp.txt" --ref="$dir/bad.txt"
: >"$dir/empty.txt"
expect_error "empty corpus" "is empty" "$score" --hyp="$dir/empty.txt" --ref="$dir/empty.txt"
printf 'a\n\nc\n' >"$dir/gap1.txt"
printf 'a\n\nc\n' >"$dir/gap2.txt"
expect_error "no reference for a line" "line 2: every reference of the sentence is empty" \
  "$score" --hyp="$dir/hyp.txt" --ref="$dir/gap1.txt,$dir/gap2.txt"
expect_error "missing flag" "--hyp and --ref are required" "$score" --hyp="$dir/hyp.txt"
finish
