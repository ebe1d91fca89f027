# The checks of tools/gpu_check.sh as functions of their inputs (version strings, nvcc's
# output, /etc/os-release's fields, a run's metrics.jsonl), so that tests/gpu_check_lib_test.sh
# runs them on made-up machines. Sourced; each prints what is wrong on stderr and returns 1,
# or returns 0 (warnings on stderr). Nothing here runs a command of the machine.

# The versions the build needs (docs/building.md).
GPU_CHECK_MIN_CMAKE=3.24   # $<LINK_LIBRARY:WHOLE_ARCHIVE,...>
GPU_CHECK_MIN_GLOG=0.6     # core/train/trainer.cc's log sink uses glog 0.6's LogSink::send
GPU_CHECK_MIN_CXX11_WHEEL=2.7  # the first PyTorch whose pip wheels use the C++11 ABI

# The Debian/Ubuntu packages the CMake build, its tests and the data need.
GPU_CHECK_APT_PACKAGES=(
  cmake ninja-build g++ pkg-config
  libabsl-dev libgoogle-glog-dev libgflags-dev libboost-program-options-dev
  libgtest-dev libgmock-dev libsentencepiece-dev nlohmann-json3-dev libssl-dev
  trans-de-en
)

# version_at_least VERSION MINIMUM: VERSION >= MINIMUM (dotted numbers; "3.22.1", "0.6.0-2").
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# check_debian_like ID ID_LIKE: Debian or Ubuntu (or derived), where apt has the packages.
check_debian_like() {
  case " $1 $2 " in
    *" debian "* | *" ubuntu "*) return 0 ;;
  esac
  echo "this is ${1:-an unknown system}, not Debian or Ubuntu: install by hand CMake >=" \
    "$GPU_CHECK_MIN_CMAKE, Ninja, a C++17 compiler, Abseil, glog >= $GPU_CHECK_MIN_GLOG," \
    "gflags, Boost.Program_options, GoogleTest, SentencePiece, nlohmann-json, OpenSSL and the" \
    "Ding dictionary (/usr/share/trans/de-en), then run with INSTALL=0" >&2
  return 1
}

# check_cmake_version VERSION: the build's minimum, or how to get a newer CMake.
check_cmake_version() {
  version_at_least "$1" "$GPU_CHECK_MIN_CMAKE" && return 0
  echo "CMake $1 is too old: the build needs $GPU_CHECK_MIN_CMAKE or newer (Ubuntu 22.04 has" \
    "3.22). Install a newer one, e.g. python3 -m pip install 'cmake>=$GPU_CHECK_MIN_CMAKE'," \
    "and put it first on PATH" >&2
  return 1
}

# check_glog_version VERSION: glog 0.6 or newer (Ubuntu 22.04's 0.5 lacks the log sink API).
check_glog_version() {
  version_at_least "$1" "$GPU_CHECK_MIN_GLOG" && return 0
  echo "glog $1 is too old: core/train/trainer.cc needs glog >= $GPU_CHECK_MIN_GLOG" \
    "(Debian 12 and Ubuntu 24.04 have it; on Ubuntu 22.04 build glog 0.6 from source and" \
    "put it on CMAKE_PREFIX_PATH)" >&2
  return 1
}

# nvcc_cuda_version NVCC_VERSION_OUTPUT: "12.1" from `nvcc --version`'s
# "Cuda compilation tools, release 12.1, V12.1.105"; nothing when absent.
nvcc_cuda_version() {
  sed -n 's/.*[Cc]uda compilation tools, release \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' <<<"$1" |
    head -n1
}

# check_toolkit_matches_wheel NVCC_CUDA TORCH_CUDA: the toolkit LibTorch's CMake files find
# must have the CUDA major version the wheel was built with (else link or load errors); a
# different minor version works (CUDA's minor version compatibility) and is a warning.
check_toolkit_matches_wheel() {
  local toolkit="$1" wheel="$2"
  if [ -z "$wheel" ]; then
    echo "this PyTorch has no CUDA (torch.version.cuda is None): install a CUDA build" >&2
    return 1
  fi
  if [ -z "$toolkit" ]; then
    echo "nvcc was not found: LibTorch's CMake files need the CUDA $wheel toolkit (nvcc on" \
      "PATH, or CUDA_HOME)" >&2
    return 1
  fi
  if [ "${toolkit%%.*}" != "${wheel%%.*}" ]; then
    echo "the CUDA toolkit (nvcc) is $toolkit but the PyTorch wheel is built with CUDA $wheel:" \
      "install the CUDA ${wheel%%.*}.x toolkit (or the wheel for CUDA ${toolkit%%.*}), or link" \
      "and load errors follow" >&2
    return 1
  fi
  [ "$toolkit" = "$wheel" ] ||
    echo "warning: CUDA toolkit $toolkit, wheel built with CUDA $wheel (same major version:" \
      "should work)" >&2
  return 0
}

# check_wheel_abi TORCH_VERSION CXX11_ABI: the wheel's LibTorch must use the C++11 ABI, as the
# system's Abseil, glog and Boost do; pip wheels do since PyTorch 2.7.
check_wheel_abi() {
  [ "$2" = 1 ] && return 0
  if version_at_least "${1%%+*}" "$GPU_CHECK_MIN_CXX11_WHEEL"; then
    echo "PyTorch $1 uses the old C++ ABI (torch.compiled_with_cxx11_abi() is False): a" \
      "build of it with _GLIBCXX_USE_CXX11_ABI=0 cannot link the system libraries" >&2
  else
    echo "PyTorch $1's pip wheel uses the old C++ ABI (wheels use the C++11 ABI only since" \
      "$GPU_CHECK_MIN_CXX11_WHEEL): install torch>=$GPU_CHECK_MIN_CXX11_WHEEL, or the" \
      "cxx11-abi LibTorch archive (-DCMAKE_PREFIX_PATH=its root)" >&2
  fi
  return 1
}

# check_nvtoolsext TORCH_VERSION CUDA_ROOT: LibTorch's CMake files before PyTorch 2.5 stop at
# "Failed to find nvToolsExt" when the toolkit has no libnvToolsExt (newer CUDA 12 toolkits
# ship only the nvtx3 headers); later ones may still ask for CUDA::nvToolsExt (a warning).
check_nvtoolsext() {
  local torch="$1" root="$2"
  compgen -G "$root/lib64/libnvToolsExt.so*" >/dev/null && return 0
  if ! version_at_least "${torch%%+*}" 2.5; then
    echo "PyTorch $torch's CMake files need libnvToolsExt, which $root lacks: install the" \
      "toolkit's NVTX library (cuda-nvtx), a toolkit that has it, or PyTorch >= 2.5" >&2
    return 1
  fi
  echo "warning: $root has no libnvToolsExt; if CMake then fails on CUDA::nvToolsExt, install" \
    "the toolkit's NVTX library (cuda-nvtx)" >&2
  return 0
}

# summarize_run RUN_DIR MEMORY_LOG: the numbers of a gpu_check training run, from its
# metrics.jsonl: step time from the trainer's own update_seconds (the time inside updates:
# validations, BLEU and checkpoints left out), target tokens/s over the same updates, and the
# peak of MEMORY_LOG (nvidia-smi's memory.used samples, MiB). The first logged interval (Admin's
# profiling, CUDA warm-up) is left out. Fails when fewer than two intervals were logged.
summarize_run() {
  python3 - "$1" "$2" <<'PY'
import json, sys
run_dir, memory_log = sys.argv[1], sys.argv[2]
lines = [json.loads(line) for line in open(f"{run_dir}/metrics.jsonl") if line.strip()]
train = [m for m in lines if m.get("type") == "train"]
if len(train) < 2:
    sys.exit("fewer than two logged training intervals in metrics.jsonl: raise UPDATES")
steady = train[1:]
updates = steady[-1]["update"] - train[0]["update"]
seconds = sum(m["update_seconds"] for m in steady)
tokens = sum(m["tokens"] for m in steady)
peak = 0
try:
    peak = max((int(v) for v in open(memory_log) if v.strip().isdigit()), default=0)
except FileNotFoundError:
    pass
print(f"step time (updates {train[0]['update'] + 1}-{steady[-1]['update']}, update_seconds): "
      f"{1000 * seconds / updates:.1f} ms/update")
print(f"throughput: {tokens / seconds:,.0f} target tokens/s inside updates")
print(f"GPU memory (nvidia-smi peak, whole device): {peak:,} MiB")
print(f"last train loss {train[-1]['loss']:.3f}")
PY
}
