#!/bin/bash
# Checks that every package's CMakeLists.txt is what tools/build_to_cmake.py generates from its
# BUILD file, so the CMake build never drifts from Bazel's. It reads the workspace itself (the
# BUILD files and the sources their globs match), found through the script's runfiles link:
# tagged `external` so Bazel runs it every time instead of caching a result of other files.
#
# Usage: build_to_cmake_test.sh tools/build_to_cmake.py
set -u
script="$(readlink -f "$1")"
[ -f "$script" ] || { echo "FAIL: no generator at $1"; exit 1; }
if out="$(python3 "$script" --check --all 2>&1)"; then
  echo "ok: every CMakeLists.txt matches its BUILD file"
else
  echo "FAIL: $out"
  echo "(run tools/build_to_cmake.py --all and commit the result)"
  exit 1
fi
