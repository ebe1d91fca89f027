#!/bin/bash
# tools/gpu_check.sh's checks on made-up machines (tools/gpu_check_lib.sh): version
# comparison, Debian/Ubuntu detection, the CMake and glog minimums, nvcc's version line, the
# toolkit against the wheel's CUDA, the wheel's C++ ABI (C++11 only since PyTorch 2.7),
# libnvToolsExt, and the run summary from update_seconds and tokens; gpu_check.sh itself
# parses. Each check prints PASS or FAIL.
#
# Usage: gpu_check_lib_test.sh tools/gpu_check_lib.sh tools/gpu_check.sh
set -u
source "$1"
script="$2"
source tests/e2e_lib.sh
start_e2e gpu_check_lib

# ok NAME COMMAND...: COMMAND succeeds. refused NAME MESSAGE COMMAND...: it fails, saying MESSAGE.
ok() {
  local name="$1"
  shift
  "$@" 2>"$tmp/err" || fail "$name: refused: $(cat "$tmp/err")"
}
refused() {
  local name="$1" message="$2"
  shift 2
  if "$@" 2>"$tmp/err"; then
    fail "$name: accepted"
  else
    expect_in "$tmp/err" "$message"
  fi
}

case_versions() {
  ok "3.25.1 >= 3.24" version_at_least 3.25.1 3.24
  ok "3.24 >= 3.24" version_at_least 3.24 3.24
  version_at_least 3.22.1 3.24 && fail "3.22.1 >= 3.24"
  ok "glog 0.6.0-2" version_at_least 0.6.0-2 0.6
  version_at_least 0.5.0 0.6 && fail "0.5.0 >= 0.6"
  ok "3.10 >= 3.9 (not as text)" version_at_least 3.10 3.9
}

case_system() {
  ok debian check_debian_like debian ""
  ok ubuntu check_debian_like ubuntu debian
  ok "mint (ID_LIKE)" check_debian_like linuxmint "ubuntu debian"
  refused rocky "this is rocky, not Debian or Ubuntu: install by hand CMake >= 3.24" \
    check_debian_like rocky "rhel centos fedora"
  expect_in "$tmp/err" "glog >= 0.6"
  expect_in "$tmp/err" "INSTALL=0"
  refused "cmake 3.22.1 (Ubuntu 22.04)" "CMake 3.22.1 is too old: the build needs 3.24 or newer" \
    check_cmake_version 3.22.1
  expect_in "$tmp/err" "pip install 'cmake>=3.24'"
  ok "cmake 3.25.1" check_cmake_version 3.25.1
  refused "glog 0.5.0 (Ubuntu 22.04)" "glog 0.5.0 is too old" check_glog_version 0.5.0
  ok "glog 0.6.0" check_glog_version 0.6.0
}

case_nvcc_version() {
  local output="nvcc: NVIDIA (R) Cuda compiler driver
Copyright (c) 2005-2023 NVIDIA Corporation
Built on Mon_Apr__3_17:16:06_PDT_2023
Cuda compilation tools, release 12.1, V12.1.105
Build cuda_12.1.r12.1/compiler.32688072_0"
  [ "$(nvcc_cuda_version "$output")" = 12.1 ] || fail "nvcc 12.1: '$(nvcc_cuda_version "$output")'"
  [ -z "$(nvcc_cuda_version "bash: nvcc: command not found")" ] || fail "no nvcc gave a version"
}

case_toolkit_against_wheel() {
  ok "12.1 / 12.1" check_toolkit_matches_wheel 12.1 12.1
  [ -s "$tmp/err" ] && fail "12.1 / 12.1 warned: $(cat "$tmp/err")"
  ok "12.4 toolkit, 12.1 wheel" check_toolkit_matches_wheel 12.4 12.1
  expect_in "$tmp/err" "warning: CUDA toolkit 12.4, wheel built with CUDA 12.1"
  refused "11.8 toolkit, 12.1 wheel" \
    "the CUDA toolkit (nvcc) is 11.8 but the PyTorch wheel is built with CUDA 12.1" \
    check_toolkit_matches_wheel 11.8 12.1
  refused "no nvcc" "nvcc was not found" check_toolkit_matches_wheel "" 12.6
  refused "CPU wheel" "this PyTorch has no CUDA" check_toolkit_matches_wheel 12.6 ""
}

case_wheel_abi() {
  ok "2.7 wheel, C++11 ABI" check_wheel_abi 2.7.0+cu126 1
  refused "2.5 wheel" "PyTorch 2.5.1+cu121's pip wheel uses the old C++ ABI (wheels use the C++11 ABI only since 2.7)" \
    check_wheel_abi 2.5.1+cu121 0
  refused "a 2.8 build without it" "PyTorch 2.8.0 uses the old C++ ABI" check_wheel_abi 2.8.0 0
}

case_nvtoolsext() {
  mkdir -p "$tmp/cuda_without/lib64" "$tmp/cuda_with/lib64"
  touch "$tmp/cuda_with/lib64/libnvToolsExt.so.1"
  refused "2.1 wheel, no libnvToolsExt" "PyTorch 2.1.2+cu121's CMake files need libnvToolsExt" \
    check_nvtoolsext 2.1.2+cu121 "$tmp/cuda_without"
  ok "2.1 wheel with it" check_nvtoolsext 2.1.2+cu121 "$tmp/cuda_with"
  ok "2.6 wheel without it" check_nvtoolsext 2.6.0+cu124 "$tmp/cuda_without"
  expect_in "$tmp/err" "warning: $tmp/cuda_without has no libnvToolsExt"
}

case_summary_from_update_seconds() {
  mkdir -p "$tmp/run"
  # The first interval (profiling, warm-up) is left out; validation time (elapsed) is not
  # step time: 100 updates in 4 + 6 update seconds are 100 ms each, 300,000 tokens in 10 s.
  cat >"$tmp/run/metrics.jsonl" <<'JSON'
{"type":"train","update":50,"loss":9.1,"tokens":150000,"tokens_per_s":5000,"update_seconds":30,"elapsed":30}
{"type":"train","update":100,"loss":7.5,"tokens":120000,"tokens_per_s":20000,"update_seconds":4,"elapsed":36}
{"type":"valid","update":100,"loss":7.0}
{"type":"train","update":150,"loss":6.25,"tokens":180000,"tokens_per_s":9000,"update_seconds":6,"elapsed":56}
JSON
  printf '1200\n35000\n\n2100\n' >"$tmp/run/memory.log"
  summarize_run "$tmp/run" "$tmp/run/memory.log" >"$tmp/summary" 2>&1 ||
    fail "summarize_run failed: $(cat "$tmp/summary")"
  expect_in "$tmp/summary" "step time (updates 51-150, update_seconds): 100.0 ms/update"
  expect_in "$tmp/summary" "throughput: 30,000 target tokens/s inside updates"
  expect_in "$tmp/summary" "GPU memory (nvidia-smi peak, whole device): 35,000 MiB"
  expect_in "$tmp/summary" "last train loss 6.250"
  head -n 1 "$tmp/run/metrics.jsonl" >"$tmp/run/short" && mv "$tmp/run/short" "$tmp/run/metrics.jsonl"
  summarize_run "$tmp/run" "$tmp/run/memory.log" >"$tmp/summary" 2>&1 &&
    fail "one interval gave a summary"
  expect_in "$tmp/summary" "fewer than two logged training intervals"
}

case_script_parses() {
  bash -n "$script" 2>"$tmp/err" || fail "$script: $(cat "$tmp/err")"
}

for test_case in case_versions case_system case_nvcc_version case_toolkit_against_wheel \
    case_wheel_abi case_nvtoolsext case_summary_from_update_seconds case_script_parses; do
  run_case "$test_case"
done
finish_cases
