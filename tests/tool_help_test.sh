#!/bin/bash
# Every tool follows the one command-line convention (core/train/command_line.h): -h and --help
# print grouped help starting with "usage:" and exit 0 without running anything, even beside an
# unknown flag; --version names the project and LibTorch; no help line is wider than 100
# columns. Then the parts particular to train (its groups, plugin options with defaults), analyze
# (help without --report) and sweep (did-you-mean for an enumerated value).
#
# Usage: tool_help_test.sh TOOL...
set -u
source tests/tool_test_lib.sh
train=""
analyze=""
sweep=""
for tool in "$@"; do
  name="$(basename "$tool")"
  case "$name" in
    train) train="$tool" ;;
    analyze) analyze="$tool" ;;
    sweep) sweep="$tool" ;;
  esac
  for help in -h --help; do
    if ! out="$("$tool" "$help" --no_such_flag 2>&1)"; then
      echo "FAIL: $name $help exited non-zero: $(head -3 <<<"$out")"
      failed=1
      continue
    fi
    [[ "$out" == usage:* ]] || { echo "FAIL: $name $help: no usage line: $(head -1 <<<"$out")"; failed=1; }
    grep -q -- "-h, --help" <<<"$out" || { echo "FAIL: $name $help lists no -h, --help"; failed=1; }
    wide="$(awk 'length > 100' <<<"$out" | head -1)"
    [ -z "$wide" ] || { echo "FAIL: $name $help: a line over 100 columns: $wide"; failed=1; }
  done
  version="$("$tool" --version 2>&1)"
  [[ "$version" =~ ^$name\ \(admin_trainer\ [0-9.]+,\ LibTorch\ [0-9.]+\)$ ]] ||
    { echo "FAIL: $name --version: $version"; failed=1; }
done
[ -n "$train" ] && [ -n "$analyze" ] && [ -n "$sweep" ] || { echo "FAIL: train, analyze or sweep not given"; exit 1; }

help="$("$train" --help)"
for group in "run:" "data:" "model:" "optimisation:" "schedule:" "run control:" "evaluation:" \
  "plugin options"; do
  grep -q "^$group" <<<"$help" || { echo "FAIL: train --help has no group '$group'"; failed=1; }
done
grep -A1 -- "--warmup_updates=VALUE" <<<"$help" | grep -q "(default 0)" ||
  { echo "FAIL: train --help shows no default for the plugin option --warmup_updates"; failed=1; }
expect_output "analyze help" "analysis flags:" sh -c "'$analyze' --help | grep '^analysis flags:'"
"$sweep" --grid=none.ini --executor=lcoal >/dev/null 2>"$TEST_TMPDIR/sweep.err"
[ $? = 2 ] && grep -qF "did you mean 'local'?" "$TEST_TMPDIR/sweep.err" ||
  { echo "FAIL: sweep --executor=lcoal: $(cat "$TEST_TMPDIR/sweep.err")"; failed=1; }
finish
