# Installs the Debian/Ubuntu packages a script needs, skipping those already installed; shared
# by tools/setup.sh and tools/gpu_check.sh. The caller defines say MESSAGE and die MESSAGE.
#
#   source tools/apt_install_lib.sh
#   install_missing_packages libabsl-dev cmake ninja-build

# install_missing_packages PACKAGE...: apt-get installs those not installed (as root, or through
# sudo), or says that all are there.
install_missing_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    say "all $# packages already installed"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null ||
      die "installing ${missing[*]} needs root; run as root or install sudo"
    sudo=(sudo)
  fi
  say "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q || die "apt-get update failed (is a package mirror reachable?)"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}" || die "apt-get install ${missing[*]} failed"
}
