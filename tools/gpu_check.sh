#!/bin/bash
# The CUDA path in one command, for a GPU machine without Bazel: configures and builds the
# CMake build against the LibTorch inside the installed CUDA PyTorch, runs the tests (ctest),
# prepares the default dataset if it is not there, trains a short Admin 6L-6L d=512 model on
# the GPU, and prints the GPU, the step time, tokens/s and the GPU memory (the numbers
# docs/PERFORMANCE.md records).
#
#   tools/gpu_check.sh                         # everything
#   UPDATES=500 tools/gpu_check.sh             # a longer run
#   SKIP_TESTS=1 tools/gpu_check.sh            # build and train only
#   CTEST_ARGS="-E e2e" tools/gpu_check.sh     # leave out the slow end-to-end tests
#
# Environment: PYTHON (default python3, the one with the CUDA torch), BUILD_DIR (build-cuda),
# JOBS (nproc), UPDATES (300), MAX_TOKENS (4096), DEVICE (cuda), RUN_DIR (runs/gpu_check),
# SKIP_TESTS (0), CTEST_JOBS (4), CTEST_ARGS (more ctest options). Needs CMake >= 3.24, Ninja, a C++17 compiler, nvcc (LibTorch's CMake files
# look for the CUDA toolkit), and the system libraries tools/setup.sh lists (Abseil, glog,
# gflags, Boost.Program_options, GoogleTest, SentencePiece, trans-de-en for the data).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
BUILD_DIR="${BUILD_DIR:-build-cuda}"
JOBS="${JOBS:-$(nproc)}"
UPDATES="${UPDATES:-300}"
MAX_TOKENS="${MAX_TOKENS:-4096}"
DEVICE="${DEVICE:-cuda}"
RUN_DIR="${RUN_DIR:-runs/gpu_check}"
SKIP_TESTS="${SKIP_TESTS:-0}"
CTEST_JOBS="${CTEST_JOBS:-4}"
CTEST_ARGS="${CTEST_ARGS:-}"

say() { echo "gpu_check: $*"; }
die() { echo "gpu_check: error: $*" >&2; exit 1; }
step() { echo; echo "=== gpu_check: $* ($(date +%T))"; }

# --- What is here --------------------------------------------------------------------------
step "environment"
for tool in cmake ninja c++ nvidia-smi "$PYTHON"; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader ||
  die "nvidia-smi sees no GPU"
gpu_name="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n1)"
cmake_version="$(cmake --version | head -n1 | awk '{print $3}')"
printf '%s\n3.24\n' "$cmake_version" | sort -V -C &&
  die "CMake $cmake_version is too old: the build needs 3.24 or newer"

torch_info="$("$PYTHON" - <<'EOF'
import torch, torch.utils
print(torch.utils.cmake_prefix_path)
print(torch.__version__)
print(torch.version.cuda or "")
print(int(torch.cuda.is_available()))
print(int(torch.compiled_with_cxx11_abi()))
EOF
)" || die "$PYTHON cannot import torch (set PYTHON to the interpreter of the CUDA PyTorch)"
{
  read -r prefix_path
  read -r torch_version
  read -r torch_cuda
  read -r cuda_available
  read -r cxx11_abi
} <<<"$torch_info"
say "PyTorch $torch_version (CUDA ${torch_cuda:-none}), CMake prefix $prefix_path"
[ -n "$torch_cuda" ] || die "this PyTorch has no CUDA; install a CUDA build"
[ "$cuda_available" = 1 ] || die "PyTorch sees no GPU (torch.cuda.is_available() is False)"
[ "$cxx11_abi" = 1 ] ||
  die "this PyTorch uses the old C++ ABI; the system libraries (Abseil, glog, Boost) use the C++11 ABI"

cmake_cuda=()
if command -v nvcc >/dev/null; then
  cmake_cuda=(-DCMAKE_CUDA_COMPILER="$(command -v nvcc)")
else
  say "warning: nvcc is not on PATH; LibTorch's CMake files may not find the CUDA toolkit"
fi

# --- Build -----------------------------------------------------------------------------------
step "configure ($BUILD_DIR)"
start=$SECONDS
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix_path" "${cmake_cuda[@]}"
grep -q '^ADMIN_TRAINER_LIBTORCH_CUDA:INTERNAL=ON' "$BUILD_DIR/CMakeCache.txt" ||
  die "the configured LibTorch is not a CUDA one (no lib/libtorch_cuda.so)"

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
  rm -f "$ctest_log"
  [ "$ctest_status" -eq 0 ] || die "tests failed: $tests_summary"
fi

# --- Data ------------------------------------------------------------------------------------
step "dataset"
if [ -f data/ding-de-en/manifest.json ]; then
  say "data/ding-de-en is there"
else
  [ -r /usr/share/trans/de-en ] ||
    die "/usr/share/trans/de-en is missing (Debian package trans-de-en), or copy data/ding-de-en here"
  "$BUILD_DIR/tools/prepare_data"
fi

# --- Train on the GPU ------------------------------------------------------------------------
step "training Admin 6L-6L d=512 on $DEVICE ($UPDATES updates)"
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
# Peak GPU memory as nvidia-smi sees it (the whole device, the CUDA context included).
memory_log="$RUN_DIR/nvidia_smi_memory.log"
nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 500 >"$memory_log" &
smi_pid=$!
trap 'kill "$smi_pid" 2>/dev/null || true' EXIT
train_start=$SECONDS
set +e
"$BUILD_DIR/tools/train" --device="$DEVICE" --run_dir="$RUN_DIR" \
  --encoder_layers=6 --decoder_layers=6 --embed_dim=512 --ffn_dim=1024 --attention_heads=4 \
  --encoder_residual=admin --decoder_residual=admin --init=admin \
  --optimizer=radam --betas=0.9,0.98 --lr=1e-3 --lr_scheduler=inverse_sqrt_nowarmup \
  --max_tokens="$MAX_TOKENS" --max_updates="$UPDATES" --log_interval=50 \
  --beam_size=4 --bleu_sentences=200 2>&1 | tee "$RUN_DIR/stdout.log"
train_status="${PIPESTATUS[0]}"
set -e
train_seconds=$((SECONDS - train_start))
kill "$smi_pid" 2>/dev/null || true
[ "$train_status" -eq 0 ] || die "training exited $train_status (see $RUN_DIR/train.log)"

# --- Numbers ---------------------------------------------------------------------------------
step "summary"
summary="$("$PYTHON" - "$RUN_DIR" "$memory_log" <<'EOF'
import json, sys
run_dir, memory_log = sys.argv[1], sys.argv[2]
train = [m for m in map(json.loads, open(f"{run_dir}/metrics.jsonl")) if m.get("type") == "train"]
if len(train) < 2:
    sys.exit("fewer than two logged training intervals: raise UPDATES")
# The first interval holds the Admin profiling and CUDA warm-up; the rest is steady state.
steady = train[1:]
updates = steady[-1]["update"] - train[0]["update"]
seconds = steady[-1]["elapsed"] - train[0]["elapsed"]
tokens_per_s = sum(m["tokens_per_s"] for m in steady) / len(steady)
peak = max((int(line) for line in open(memory_log) if line.strip().isdigit()), default=0)
status = json.load(open(f"{run_dir}/status.json"))
print(f"step time (updates {train[0]['update']}-{steady[-1]['update']}): "
      f"{1000 * seconds / updates:.1f} ms/update")
print(f"throughput: {tokens_per_s:,.0f} target tokens/s")
print(f"GPU memory (nvidia-smi peak, whole device): {peak:,} MiB")
print(f"last train loss {train[-1]['loss']:.3f}, state {status.get('state')}, "
      f"valid BLEU {status.get('valid_bleu')}, test BLEU {status.get('test_bleu')}")
EOF
)" || die "could not read the run's metrics in $RUN_DIR"
{
  echo "GPU: $gpu_name"
  echo "PyTorch $torch_version (CUDA $torch_cuda), CMake $cmake_version"
  echo "build: ${build_seconds} s (-j$JOBS); tests: $tests_summary"
  echo "run: Admin 6L-6L d=512 ffn=1024 4 heads, --max_tokens=$MAX_TOKENS, $UPDATES updates," \
       "${train_seconds} s wall (validation and BLEU included)"
  echo "$summary"
} | tee "$RUN_DIR/gpu_check_summary.txt"
say "done; the summary is in $RUN_DIR/gpu_check_summary.txt"
