#!/bin/bash
# Runs the real train binary with --list_plugins and checks that every family and
# plugin of the tree is listed with its options, and that bad flags fail.
set -u
train="$1"
out="$("$train" --list_plugins)" || { echo "FAIL: --list_plugins exited $?"; exit 1; }
failed=0
expect() {
  if ! grep -qF -- "$1" <<<"$out"; then
    echo "FAIL: --list_plugins output lacks: $1"
    failed=1
  fi
}
expect "optimizer: "
expect "lr_scheduler: "
expect "initializer: "
for plugin in default tfixup admin admin_closed_form deepnorm looklinear; do expect "  $plugin "; done
expect "--admin_profile=string"
for plugin in adam sgd constant inverse_sqrt; do expect "  $plugin "; done
expect "--betas=doubles (default 0.9,0.999)"
expect "--warmup_updates=int (default 4000)"
for plugin in radam linear poly cosine inverse_sqrt_nowarmup; do expect "  $plugin "; done
expect "--weight_decay_mode=string (default l2)"
expect "--decay_period=int (default 4000)"
if "$train" --no_such_flag >/dev/null 2>&1; then
  echo "FAIL: an unknown flag exited 0"
  failed=1
fi
[ "$failed" = 0 ] && echo "PASS"
exit "$failed"
