#!/bin/bash
# Runs the real train binary with --list_plugins and checks that every family and every plugin
# that a plugin source of the tree registers (found in the sources, not in a list kept here)
# is listed, with options, and that bad flags fail.
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
expect "residual: "
plugins=0
for source in initializers/*.cc optimizers/*.cc residuals/*.cc schedulers/*.cc; do
  [ -f "${source%.cc}.h" ] && continue  # a helper, not a plugin
  # REGISTER_...( "name", ... ) of the code, comment lines aside; the name may be on the next line.
  for plugin in $(grep -v '^ *//' "$source" | tr '\n' ' ' |
                  grep -oE 'REGISTER_[A-Z_]+\( *"[^"]+"' | sed -E 's/.*"(.*)"/\1/'); do
    expect "  $plugin "
    plugins=$((plugins + 1))
  done
done
if [ "$plugins" -lt 10 ]; then
  echo "FAIL: found only $plugins registrations in the plugin sources (are they in the data?)"
  failed=1
fi
expect "--admin_profile=string"
expect "--betas=doubles (default 0.9,0.999)"
expect "--warmup_updates=int (default 4000)"
expect "--weight_decay_mode=string (default l2)"
expect "--decay_period=int (default 4000)"
expect "--residual_alpha=double (default 1)"
expect "--admin_omega=string (default vector)"
expect "--mixln_post_fraction=double (default 0.25)"
expect "--skipinit_alpha=double (default 0.1)"
if "$train" --no_such_flag >/dev/null 2>&1; then
  echo "FAIL: an unknown flag exited 0"
  failed=1
fi
[ "$failed" = 0 ] && echo "PASS"
exit "$failed"
