#!/bin/bash
# Checks that Bazel and CMake build the same sources and tests: every .cc and .h of the
# workspace's packages (third_party/ aside) that a Bazel rule names must be in a CMake target
# and the other way round; the same for the sh_test scripts, and for the tests themselves
# (`bazel query 'tests(//...)'` against `ctest -N`). Each difference is printed with the file
# or test and the build that has it; the exit status is 1 if there is any.
#
#   tools/check_build_sources.sh [CMAKE_BUILD_DIR]     # default: build-cmake, configured
#
# Bazel's side comes from `bazel query` (globs and macros expanded); CMake's from the manifest
# that cmake/bazel_rules.cmake writes at configure time from the SOURCES and header sets of every
# target in the build (build-cmake/bazel_rules_sources.txt), refreshed here by re-running
# CMake's configure step. Source files that are in neither build are listed as a note.
set -euo pipefail
cd "$(dirname "$0")/.."

build="${1:-build-cmake}"
die() { echo "check_build_sources: error: $*" >&2; exit 2; }
command -v bazel >/dev/null || die "bazel is not installed (the check compares the two builds)"
[ -f "$build/CMakeCache.txt" ] ||
  die "$build is not a configured CMake build directory (cmake -S . -B $build -G Ninja)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

failed=0

# CMake's side. Re-configuring writes the manifest from the CMakeLists.txt files as they are now
# (before it resolves dependencies: a configure error still leaves the manifest to compare).
manifest="$build/bazel_rules_sources.txt"
rm -f "$manifest"
configured=1
if ! cmake "$build" >"$tmp/cmake.log" 2>&1; then
  configured=0
  failed=1
  grep -E -A6 '^CMake (Error|Warning)' "$tmp/cmake.log" | grep -v '^--$' || cat "$tmp/cmake.log"
  echo "check_build_sources: the CMake configure step failed (above)"
else
  grep -A3 '^CMake Warning' "$tmp/cmake.log" | grep -v '^--$' || true
fi
[ -r "$manifest" ] || die "$manifest was not written (is CMakeLists.txt using cmake/bazel_rules.cmake?)"
# `path target` lines; the C++ sources and sh_test scripts of the workspace (third_party aside).
awk '$1 ~ /\.(cc|h)$/ || $2 == "sh_test" {print $1}' "$manifest" |
  grep -v '^third_party/' | sort -u >"$tmp/cmake.txt"

# Bazel's side: every source file a target depends on (file labels //pkg:path -> pkg/path),
# and the sh_test scripts.
bazel_query() {
  bazel query --noimplicit_deps --output=label "$1" 2>"$tmp/bazel.err" ||
    { cat "$tmp/bazel.err" >&2; die "bazel query '$1' failed"; }
}
label_to_path() { sed -n 's|^//\([^:]*\):\(.*\)$|\1/\2|p' | sed 's|^/||'; }
{
  bazel_query 'kind("source file", deps(//...))' | label_to_path | grep -E '\.(cc|h)$' || true
  bazel_query 'labels(srcs, kind("sh_test rule", //...))' | label_to_path
} | grep -v '^third_party/' | sort -u >"$tmp/bazel.txt"

while read -r file; do
  rules="$(bazel query --noimplicit_deps "rdeps(//..., //${file%/*}:${file##*/}, 1) except //${file%/*}:${file##*/}" 2>/dev/null | tr '\n' ' ' || true)"
  echo "check_build_sources: $file: in the Bazel build (${rules% }) but in no CMake target;" \
       "add it to ${file%/*}/CMakeLists.txt"
  failed=1
done < <(comm -23 "$tmp/bazel.txt" "$tmp/cmake.txt")
while read -r file; do
  targets="$(awk -v f="$file" '$1 == f {print $2}' "$manifest" | sort -u | tr '\n' ' ')"
  echo "check_build_sources: $file: in the CMake build (${targets% }) but in no Bazel rule;" \
       "add it to ${file%/*}/BUILD, or remove it from ${file%/*}/CMakeLists.txt"
  failed=1
done < <(comm -13 "$tmp/bazel.txt" "$tmp/cmake.txt")

# The tests: ctest names them by their Bazel label (ctest's list is only current after a
# configure step that succeeded).
bazel_query 'tests(//...)' | sort -u >"$tmp/bazel_tests.txt"
if [ "$configured" -eq 1 ]; then
  (cd "$build" && ctest -N) | sed -n 's/^ *Test *#[0-9]*: //p' | sort -u >"$tmp/cmake_tests.txt"
else
  cp "$tmp/bazel_tests.txt" "$tmp/cmake_tests.txt"
fi
while read -r test; do
  echo "check_build_sources: test $test: in the Bazel build but not in the CMake build"
  failed=1
done < <(comm -23 "$tmp/bazel_tests.txt" "$tmp/cmake_tests.txt")
while read -r test; do
  echo "check_build_sources: test $test: in the CMake build but not in the Bazel build"
  failed=1
done < <(comm -13 "$tmp/bazel_tests.txt" "$tmp/cmake_tests.txt")

# A note, not a failure: C++ files of the packages' directories that neither build names.
sort -u "$tmp/bazel.txt" "$tmp/cmake.txt" >"$tmp/either.txt"
packages="$(sed 's|/[^/]*$||' "$tmp/either.txt" | sort -u)"
for package in $packages; do
  find "$package" -maxdepth 1 -type f \( -name '*.cc' -o -name '*.h' \) | sort
done | sort -u | comm -23 - "$tmp/either.txt" | while read -r file; do
  echo "check_build_sources: note: $file is in neither build"
done

sources="$(wc -l <"$tmp/bazel.txt")"
tests="$(wc -l <"$tmp/bazel_tests.txt")"
if [ "$failed" -eq 0 ]; then
  echo "check_build_sources: OK: Bazel and CMake build the same $sources source files and" \
       "$tests tests"
fi
exit "$failed"
