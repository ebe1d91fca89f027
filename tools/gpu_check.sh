#!/bin/bash
# The CUDA path in one command, for a GPU machine as it comes (a CUDA PyTorch wheel, nvcc, no
# Bazel; Debian or Ubuntu): installs or names what the build needs, configures and builds the
# CMake build against the wheel's LibTorch (NCCL from the wheel when it has it), runs ctest,
# prepares the default dataset, trains a short Admin 6L-6L d=512 model in fp32 and in bf16 (and
# over 2 GPUs with NCCL when 2 are visible), and prints the GPU, the step time from the
# trainer's own update_seconds, tokens/s and the GPU memory (the numbers docs/PERFORMANCE.md
# records).
#
#   tools/gpu_check.sh                         # everything
#   UPDATES=500 tools/gpu_check.sh             # a longer run
#   SKIP_TESTS=1 tools/gpu_check.sh            # build and train only
#   CTEST_ARGS="-E e2e" tools/gpu_check.sh     # leave out the slow end-to-end tests
#   INSTALL=0 tools/gpu_check.sh               # install nothing (a non-Debian machine set up by hand)
#
# Environment: PYTHON (default python3, the one with the CUDA torch), BUILD_DIR (build-cuda),
# JOBS (nproc), UPDATES (300), MAX_TOKENS (4096), RUN_DIR (runs/gpu_check), SKIP_TESTS (0),
# CTEST_JOBS (4), CTEST_ARGS (more ctest options), PRECISIONS ("fp32 bf16"), INSTALL (1:
# apt-get install what is missing, as root or through sudo). The checks are functions of
# tools/gpu_check_lib.sh (tested by tests/gpu_check_lib_test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/gpu_check_lib.sh
source tools/apt_install_lib.sh

PYTHON="${PYTHON:-python3}"
BUILD_DIR="${BUILD_DIR:-build-cuda}"
JOBS="${JOBS:-$(nproc)}"
UPDATES="${UPDATES:-300}"
MAX_TOKENS="${MAX_TOKENS:-4096}"
RUN_DIR="${RUN_DIR:-runs/gpu_check}"
SKIP_TESTS="${SKIP_TESTS:-0}"
CTEST_JOBS="${CTEST_JOBS:-4}"
CTEST_ARGS="${CTEST_ARGS:-}"
PRECISIONS="${PRECISIONS:-fp32 bf16}"
INSTALL="${INSTALL:-1}"

say() { echo "gpu_check: $*"; }
die() { echo "gpu_check: error: $*" >&2; exit 1; }
step() { echo; echo "=== gpu_check: $* ($(date +%T))"; }

# --- What the build needs ---------------------------------------------------------------------
step "system packages"
if [ "$INSTALL" = 1 ]; then
  [ -r /etc/os-release ] || die "no /etc/os-release: cannot tell the system; install by hand and run with INSTALL=0"
  # shellcheck disable=SC1091
  os_id="$(. /etc/os-release && echo "${ID:-}")"
  os_like="$(. /etc/os-release && echo "${ID_LIKE:-}")"
  check_debian_like "$os_id" "$os_like" || exit 1
  install_missing_packages "${GPU_CHECK_APT_PACKAGES[@]}"
  glog_version="$(dpkg-query -W -f='${Version}' libgoogle-glog-dev)"
  check_glog_version "${glog_version#*:}" || exit 1
fi
for tool in cmake ninja c++ nvidia-smi "$PYTHON"; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
cmake_version="$(cmake --version | head -n1 | awk '{print $3}')"
check_cmake_version "$cmake_version" || exit 1

# --- The GPU, the wheel and the toolkit ------------------------------------------------------
step "GPU, PyTorch and CUDA toolkit"
nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader ||
  die "nvidia-smi sees no GPU"
gpu_name="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n1)"
gpu_count="$(nvidia-smi -L | grep -c '^GPU')"
torch_info="$("$PYTHON" - <<'PY'
import os, torch, torch.utils
print(torch.utils.cmake_prefix_path)
print(torch.__version__)
print(torch.version.cuda or "")
print(int(torch.cuda.is_available()))
print(int(torch.compiled_with_cxx11_abi()))
print(os.path.dirname(torch.__file__))
PY
)" || die "$PYTHON cannot import torch (set PYTHON to the interpreter of the CUDA PyTorch)"
{
  read -r prefix_path
  read -r torch_version
  read -r torch_cuda
  read -r cuda_available
  read -r cxx11_abi
  read -r torch_dir
} <<<"$torch_info"
say "PyTorch $torch_version (CUDA ${torch_cuda:-none}) in $torch_dir"
nvcc="$(command -v nvcc || true)"
[ -n "$nvcc" ] || [ ! -x "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc" ] ||
  nvcc="${CUDA_HOME:-/usr/local/cuda}/bin/nvcc"
toolkit_cuda=""
[ -n "$nvcc" ] && toolkit_cuda="$(nvcc_cuda_version "$("$nvcc" --version)")"
say "CUDA toolkit: ${toolkit_cuda:-none} (${nvcc:-no nvcc})"
check_toolkit_matches_wheel "$toolkit_cuda" "$torch_cuda" || exit 1
check_wheel_abi "$torch_version" "$cxx11_abi" || exit 1
check_nvtoolsext "$torch_version" "$(dirname "$(dirname "$nvcc")")" || exit 1
[ "$cuda_available" = 1 ] || die "PyTorch sees no GPU (torch.cuda.is_available() is False)"

# --- Build -----------------------------------------------------------------------------------
step "configure ($BUILD_DIR)"
start=$SECONDS
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix_path" -DCMAKE_CUDA_COMPILER="$nvcc"
grep -q '^ADMIN_TRAINER_LIBTORCH_CUDA:INTERNAL=ON' "$BUILD_DIR/CMakeCache.txt" ||
  die "the configured LibTorch is not a CUDA one (no lib/libtorch_cuda.so)"
nccl="$(sed -n 's/^ADMIN_TRAINER_NCCL_FOUND:INTERNAL=//p' "$BUILD_DIR/CMakeCache.txt")"
say "NCCL compiled in: ${nccl:-OFF}"

step "build (-j$JOBS)"
cmake --build "$BUILD_DIR" -j "$JOBS"
build_seconds=$((SECONDS - start))

tests_summary="skipped"
if [ "$SKIP_TESTS" != 1 ]; then
  step "tests (ctest)"
  ctest_log="$(mktemp)"
  set +e
  # shellcheck disable=SC2086  # CTEST_ARGS is a list of ctest options
  ctest --test-dir "$BUILD_DIR" -j "$CTEST_JOBS" --output-on-failure $CTEST_ARGS 2>&1 |
    tee "$ctest_log"
  ctest_status="${PIPESTATUS[0]}"
  set -e
  tests_summary="$(grep -E 'tests passed' "$ctest_log" | tail -n1 || true)"
  skipped="$(grep -c '\*\*\*Skipped' "$ctest_log" || true)"
  [ "$skipped" = 0 ] || tests_summary="$tests_summary; $skipped skipped (see the log)"
  rm -f "$ctest_log"
  [ "$ctest_status" -eq 0 ] || die "tests failed: $tests_summary"
fi

# --- Data ------------------------------------------------------------------------------------
step "dataset"
if [ -f data/ding-de-en/manifest.json ]; then
  say "data/ding-de-en is there"
else
  [ -r /usr/share/trans/de-en ] ||
    die "/usr/share/trans/de-en is missing (package trans-de-en), or copy data/ding-de-en here"
  "$BUILD_DIR/tools/prepare_data"
fi

# --- Train on the GPU ------------------------------------------------------------------------
flags=(--encoder_layers=6 --decoder_layers=6 --embed_dim=512 --ffn_dim=1024 --attention_heads=4
       --encoder_residual=admin --decoder_residual=admin --init=admin
       --optimizer=radam --betas=0.9,0.98 --lr=1e-3 --lr_scheduler=inverse_sqrt_nowarmup
       --max_tokens="$MAX_TOKENS" --max_updates="$UPDATES" --log_interval=50
       --beam_size=4 --bleu_sentences=200)
summary_file="$RUN_DIR/gpu_check_summary.txt"
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
{
  echo "GPU: $gpu_name ($gpu_count visible)"
  echo "PyTorch $torch_version (CUDA $torch_cuda), toolkit $toolkit_cuda, CMake $cmake_version," \
       "NCCL ${nccl:-OFF}"
  echo "build: ${build_seconds} s (-j$JOBS); tests: $tests_summary"
  echo "model: Admin 6L-6L d=512 ffn=1024 4 heads, --max_tokens=$MAX_TOKENS, $UPDATES updates"
} >"$summary_file"

# train_run NAME RANKS FLAGS...: one training run in $RUN_DIR/NAME on RANKS GPUs (torchrun-style
# variables for 2), nvidia-smi sampling the memory, its numbers appended to the summary.
train_run() {
  local name="$1" ranks="$2"
  shift 2
  local dir="$RUN_DIR/$name" memory_log="$RUN_DIR/$name.memory.log" status=0 start=$SECONDS
  step "training $name ($UPDATES updates)"
  # Peak GPU memory as nvidia-smi sees it (the whole device, the CUDA context included).
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 500 >"$memory_log" &
  local smi_pid=$!
  set +e
  if [ "$ranks" = 1 ]; then
    "$BUILD_DIR/tools/train" --device=cuda --run_dir="$dir" "${flags[@]}" "$@" 2>&1 |
      tee "$RUN_DIR/$name.log"
    status="${PIPESTATUS[0]}"
  else
    local rank pids=()
    for ((rank = 0; rank < ranks; ++rank)); do
      MASTER_ADDR=127.0.0.1 MASTER_PORT=29517 WORLD_SIZE="$ranks" RANK="$rank" LOCAL_RANK="$rank" \
        "$BUILD_DIR/tools/train" --device=cuda --run_dir="$dir" "${flags[@]}" "$@" \
        >"$RUN_DIR/$name.rank$rank.log" 2>&1 &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
    grep -h "joined a" "$RUN_DIR/$name".rank*.log || true
  fi
  set -e
  kill "$smi_pid" 2>/dev/null || true
  [ "$status" -eq 0 ] || die "training $name exited $status (see $dir/train.log)"
  {
    echo
    echo "== $name: $* on $ranks GPU(s), $((SECONDS - start)) s wall (validation and BLEU included)"
    summarize_run "$dir" "$memory_log"
    grep -h '"state"' "$dir/status.json" | head -c 400
    echo
  } >>"$summary_file" || die "could not read the metrics of $dir"
}

for precision in $PRECISIONS; do
  train_run "$precision" 1 --precision="$precision"
done
if [ "$gpu_count" -ge 2 ]; then
  train_run "fp32_2gpus" 2 --precision=fp32
  grep -q "joined a nccl process group" "$RUN_DIR"/fp32_2gpus.rank0.log ||
    say "warning: the 2-GPU run did not use NCCL (see $RUN_DIR/fp32_2gpus.rank0.log)"
fi

step "summary"
cat "$summary_file"
say "done; the summary is in $summary_file"
