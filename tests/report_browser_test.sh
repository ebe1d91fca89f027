#!/bin/bash
# The sweep report and figures as a browser sees them: a sweep directory of four finished runs
# (two arrangements x two learning rates, written here as the trainer writes them) is collected
# by the real sweep binary with --plot and --sensitivity; headless Chromium then loads
# report.html and a figure, and the DOM it parsed holds the expected elements (tables, one
# figure per kind, legends, hover titles), and its screenshots are real pictures.
#
# Usage: report_browser_test.sh SWEEP_BINARY
set -u
sweep="$1"
source tests/e2e_lib.sh
start_e2e report_browser
chromium="$(command -v chromium || command -v chromium-browser)" ||
  skip_test "Chromium is not installed (Debian package chromium; tools/setup.sh installs it)"

# cell NAME ARCH LR LOSS: a finished run directory with its curves.
cell() {
  local dir="$tmp/sweep/$1"
  mkdir -p "$dir"
  printf '{"name":"%s","index":%d,"hash":"0000000%d","axes":{"arch":"%s","lr":"%s"},"flags":{}}\n' \
    "$1" "$5" "$5" "$2" "$3" >"$dir/cell.json"
  printf '{"state":"done","updates":200,"best_valid_loss":%s,"initial_loss":9.2,"wall_time":60,"exit_reason":"max_updates"}\n' \
    "$4" >"$dir/status.json"
  local update
  for update in 50 100 150 200; do
    printf '{"type":"train","update":%d,"loss":%s,"lr":%s,"grad_norm":0.8,"tokens_per_s":2000}\n' \
      "$update" "$(awk -v l="$4" -v u="$update" 'BEGIN { print l + 400 / u }')" "$3"
    printf '{"type":"valid","update":%d,"loss":%s,"nll":%s,"ppl":100}\n' "$update" \
      "$(awk -v l="$4" -v u="$update" 'BEGIN { print l + 200 / u }')" "$4"
  done >"$dir/metrics.jsonl"
}

# browse URL OUT: the DOM Chromium builds for URL, in OUT.dom, and its screenshot, OUT.png.
browse() {
  local flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage
               --user-data-dir="$tmp/profile" --window-size=1400,1600)
  timeout 120 "$chromium" "${flags[@]}" --dump-dom "$1" >"$2.dom" 2>"$2.err" ||
    fail "chromium --dump-dom $1 exited $?: $(tail -3 "$2.err")"
  timeout 120 "$chromium" "${flags[@]}" --screenshot="$2.png" "$1" >/dev/null 2>>"$2.err" ||
    fail "chromium --screenshot $1 exited $?: $(tail -3 "$2.err")"
}

case_report_in_a_browser() {
  cell arch-postln.lr-1e-3 postln 1e-3 5.5 0
  cell arch-postln.lr-1e-2 postln 1e-2 7.0 1
  cell arch-admin.lr-1e-3 admin 1e-3 5.2 2
  cell arch-admin.lr-1e-2 admin 1e-2 5.4 3
  "$sweep" --collect --sweep_dir="$tmp/sweep" --sensitivity=lr --value=best_valid_loss \
    --plot=x:lr,y:capped_final_loss,color:arch >"$tmp/collect.out" 2>&1 ||
    fail "sweep --collect exited $?: $(cat "$tmp/collect.out")"
  browse "file://$tmp/sweep/report.html" "$tmp/report"
  local dom="$tmp/report.dom"
  # Three figures (loss, optimisation, final loss against lr), each an inline SVG the browser
  # parsed, with a legend entry per setting and values on hover.
  [ "$(grep -o '<svg' "$dom" | wc -l)" = 3 ] || fail "not 3 figures in the DOM"
  expect_in "$dom" ">arch=postln, lr=1e-3</text>"
  expect_in "$dom" ">arch=admin, lr=1e-2</text>"
  expect_in "$dom" "<title>arch=admin, lr=1e-3: 200, "
  expect_in "$dom" "capped_final_loss against lr</h2>"
  # The pivot table with the runs behind each mean, and the sensitivity table: postln ends
  # 1.5 above its best at one of two rates, admin 0.2.
  expect_in "$dom" "<td>5.50 (n=1)</td>"
  expect_in "$dom" "Learning-rate sensitivity over lr</h2>"
  expect_in "$dom" "<td>postln</td><td>0.750</td>"
  expect_in "$dom" "<td>admin</td><td>0.100</td>"
  # A real picture: a PNG of the window's size, larger than a blank page compresses to.
  [ "$(head -c 8 "$tmp/report.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    fail "the screenshot is not a PNG"
  [ "$(stat -c %s "$tmp/report.png")" -gt 30000 ] || fail "the screenshot looks blank"
  # A figure file alone.
  browse "file://$tmp/sweep/figures/capped_final_loss_vs_lr.svg" "$tmp/figure"
  expect_in "$tmp/figure.dom" ">lr (log scale)</text>"
  [ "$(stat -c %s "$tmp/figure.png")" -gt 10000 ] || fail "the figure's screenshot looks blank"
}

run_case case_report_in_a_browser
finish_cases
