# Helpers for the sh tests of the command-line tools; source it, then call the checks and
# finally `finish`. Each check prints FAIL with what differed; `finish` prints PASS and
# exits 0 only when every check passed.
failed=0

# expect_output NAME EXPECTED COMMAND...: COMMAND exits 0 and prints exactly EXPECTED.
expect_output() {
  local name="$1" expected="$2"
  shift 2
  local actual
  if ! actual="$("$@" 2>&1)"; then
    echo "FAIL: $name: exited non-zero: $actual"
    failed=1
  elif [ "$actual" != "$expected" ]; then
    echo "FAIL: $name: expected"
    echo "$expected"
    echo "got"
    echo "$actual"
    failed=1
  fi
}

# expect_error NAME MESSAGE COMMAND...: COMMAND exits 1, prints nothing on stdout, and its
# stderr contains MESSAGE.
expect_error() {
  local name="$1" message="$2"
  shift 2
  local stdout status
  stdout="$("$@" 2>"$TEST_TMPDIR/stderr")"
  status=$?
  if [ "$status" != 1 ]; then
    echo "FAIL: $name: exit status $status, expected 1"
    failed=1
  elif [ -n "$stdout" ]; then
    echo "FAIL: $name: printed on stdout: $stdout"
    failed=1
  elif ! grep -qF -- "$message" "$TEST_TMPDIR/stderr"; then
    echo "FAIL: $name: stderr lacks: $message"
    echo "stderr: $(cat "$TEST_TMPDIR/stderr")"
    failed=1
  fi
}

finish() {
  [ "$failed" = 0 ] && echo "PASS"
  exit "$failed"
}
