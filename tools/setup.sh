#!/bin/bash
# Installs everything the build, the tests and the default training run need on Debian 12,
# and prepares the default data. Idempotent: what is already there is skipped.
#
#   tools/setup.sh            # as root (or through sudo)
set -euo pipefail

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

cd "$(dirname "$0")/.."

# Every Debian package the project needs, and why.
PACKAGES=(
  bazel-bootstrap               # Bazel 4.2, offline (see docs/building.md)
  g++                           # the C++17 compiler Bazel's auto toolchain finds
  libtorch-dev                  # LibTorch 1.13 C++ API, CPU
  libopenblas0-pthread          # BLAS behind LibTorch: ~35x the reference BLAS
  libabsl-dev                   # absl::Status, strings
  libgoogle-glog-dev            # logging
  libgflags-dev                 # glog's flags
  libboost-program-options-dev  # command line and INI configuration
  libgtest-dev                  # tests
  libgmock-dev                  # test matchers
  nlohmann-json3-dev            # JSON: every file the tools write and read (header-only)
  libssl-dev                    # OpenSSL's libcrypto: SHA-256 of the dataset manifest and split
  strace                        # the test that checkpoints are synced before and after the rename
  pkg-config                    # link lines of system libraries
  trans-de-en                   # Ding dictionary: the German-English example sentences
  libsentencepiece-dev          # SentencePiece BPE training and encoding
  cmake                         # the CMake build beside Bazel (docs/building.md), 3.24+
  ninja-build                   # its generator
  ccache                        # its compiler cache: a fresh clone (CI) reuses objects
  libgloo-dev                   # c10d's Gloo headers: data-parallel training on CPU
  slurm-wlm                     # Slurm (slurmctld, slurmd, sbatch): the sweep's Slurm executor test
  munge                         # Slurm's authentication
  librsvg2-bin                  # rsvg-convert: the PNG and PDF copies of every SVG figure
  chromium                      # headless: the test that the sweep report renders in a browser
  python3-torch                 # PyTorch eager: the bench's peers (bench/*.py) and its test
)

if [ -r /etc/os-release ]; then
  . /etc/os-release
  [ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" = 12 ] ||
    say "warning: written for Debian 12, found ${PRETTY_NAME:-unknown}; continuing"
fi

source tools/apt_install_lib.sh
install_missing_packages "${PACKAGES[@]}"

# LibTorch links the generic libblas.so.3; Debian's alternatives must point it at OpenBLAS.
blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)"
case "$blas" in
  *openblas*) say "BLAS: $blas" ;;
  *)
    say "pointing libblas.so.3 at OpenBLAS (was ${blas:-none})"
    target="$(update-alternatives --list libblas.so.3-x86_64-linux-gnu | grep openblas | head -n1)" ||
      die "no OpenBLAS alternative for libblas.so.3; is libopenblas0-pthread installed?"
    update-alternatives --set libblas.so.3-x86_64-linux-gnu "$target"
    ;;
esac

command -v bazel >/dev/null || die "bazel is not on PATH after installing bazel-bootstrap"

# The default dataset (data/ding-de-en: Ding sentence pairs, splits, SentencePiece model).
# A no-op when it is already there with the same settings; rebuilt when the code's defaults
# changed since (--overwrite replaces only a dataset prepare_data wrote).
# Under sudo, build as the user who ran it, so Bazel's cache and data/ are theirs, not root's.
AS_USER=()
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
  AS_USER=(sudo -u "$SUDO_USER" -H)
fi
say "preparing the default dataset"
"${AS_USER[@]}" bazel run //tools:prepare_data -- --overwrite ||
  die "preparing the dataset failed (see above)"
say "done"
