#!/bin/bash
# tools/apt_install_lib.sh on a made-up system: dpkg-query, apt-get and id are stubs on PATH
# that record their calls. Installed packages are skipped; the missing ones are installed in
# one apt-get call, through sudo when not root; a failing apt-get stops with its packages.
#
# Usage: apt_install_lib_test.sh tools/apt_install_lib.sh
set -u
lib="$1"
source tests/e2e_lib.sh
start_e2e apt_install_lib
bin="$tmp/bin"
mkdir -p "$bin"
# dpkg-query: installed only if named in $INSTALLED. apt-get, sudo: logged; apt-get fails on
# install when $APT_FAILS is set. id -u: $UID_STUB.
cat >"$bin/dpkg-query" <<'STUB'
#!/bin/bash
for word in $INSTALLED; do [ "$word" = "${@: -1}" ] && { echo "install ok installed"; exit 0; }; done
exit 1
STUB
cat >"$bin/apt-get" <<'STUB'
#!/bin/bash
echo "apt-get $*" >>"$LOG"
[ "$1" = install ] && [ -n "${APT_FAILS:-}" ] && exit 100
exit 0
STUB
cat >"$bin/sudo" <<'STUB'
#!/bin/bash
echo "sudo $1" >>"$LOG"
"$@"
STUB
cat >"$bin/id" <<'STUB'
#!/bin/bash
echo "$UID_STUB"
STUB
chmod +x "$bin"/*
export LOG="$tmp/log"

# install PACKAGES...: runs the library's function in a subshell with the stubs first on PATH.
install() {
  rm -f "$LOG"
  (
    PATH="$bin:$PATH"
    say() { echo "say: $*"; }
    die() { echo "die: $*"; exit 1; }
    source "$lib"
    install_missing_packages "$@"
  ) >"$tmp/out" 2>&1
}

case_all_installed() {
  INSTALLED="a b" UID_STUB=0 install a b || fail "exited non-zero: $(cat "$tmp/out")"
  expect_in "$tmp/out" "say: all 2 packages already installed"
  [ ! -e "$LOG" ] || fail "apt-get ran: $(cat "$LOG")"
}

case_missing_as_root() {
  INSTALLED="a" UID_STUB=0 install a b c || fail "exited non-zero: $(cat "$tmp/out")"
  expect_in "$tmp/out" "say: installing b c"
  expect_in "$LOG" "apt-get install -y -q --no-install-recommends b c"
  grep -q sudo "$LOG" && fail "sudo used as root"
}

case_missing_through_sudo() {
  INSTALLED="" UID_STUB=1000 install b || fail "exited non-zero: $(cat "$tmp/out")"
  expect_in "$LOG" "sudo apt-get"
}

case_apt_fails() {
  INSTALLED="" UID_STUB=0 APT_FAILS=1 install b c && fail "a failed apt-get did not stop it"
  expect_in "$tmp/out" "die: apt-get install b c failed"
}

run_case case_all_installed
run_case case_missing_as_root
run_case case_missing_through_sudo
run_case case_apt_fails
finish_cases
