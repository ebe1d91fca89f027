#!/bin/bash
# ctest runs every test through this, as `bazel test` runs it: in the workspace root (ctest's
# WORKING_DIRECTORY) with a fresh, empty TEST_TMPDIR.
#
#   cmake/run_test.sh TMPDIR COMMAND [ARGS...]
set -u
export TEST_TMPDIR="$1"
shift
rm -rf "$TEST_TMPDIR"
mkdir -p "$TEST_TMPDIR" || exit 1
exec "$@"
