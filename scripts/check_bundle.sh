#!/usr/bin/env bash
# Build the packaged app, hold it to its size budget, and prove it on a real X
# server (Xvfb, xcb platform): --smoke-test, PDF, PNG and SVG exports, then a
# normal start whose window must appear and close on Ctrl+Q with exit code 0.
# Offscreen-only checks would hide the libxcb clash that
# iomviewer/xcb_guard.py fixes.
set -euo pipefail
. "$(dirname "$0")/pyinstaller/x11.sh"
cd "$(dirname "$0")/.."
out=${BUNDLE_WORK:-$(mktemp -d)}
pyinstaller --noconfirm --log-level WARN --distpath "$out/dist" --workpath "$out/build" iomviewer.spec
app="$out/dist/iomviewer/iomviewer"
echo "bundle: $(du -sh "$out/dist/iomviewer" | cut -f1) on disk, $(du -sh --apparent-size "$out/dist/iomviewer" | cut -f1) apparent"
# Size budget (issue #5: at most 150 MB), in MiB as `du -sh` shows it, on disk
# and apparent — the apparent size is what a zip or tar of the folder carries.
max_mb=${BUNDLE_MAX_MB:-150}
for size in "$(du -sm "$out/dist/iomviewer" | cut -f1)" "$(du -sm --apparent-size "$out/dist/iomviewer" | cut -f1)"; do
  if [ "$size" -gt "$max_mb" ]; then
    echo "the bundle is $size MiB, over its $max_mb MiB budget (BUNDLE_MAX_MB)" >&2
    exit 1
  fi
done

display=":$(( 90 + RANDOM % 9 ))"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display QT_QPA_PLATFORM=xcb
home=$(mktemp -d)
export HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data

echo "== smoke test on $DISPLAY"
"$app" --smoke-test --select "santé mentale"
# Our runtime hook imported PySide6 before pyi_rth_pyside6 did, with the cache
# of shiboken's compiled support modules (iomviewer/pyside_bytecode.py).
if ! ls "$home"/.cache/iomviewer/pyside-code/* >/dev/null 2>&1; then
  echo "no PySide code cache entry: rth_pyside_bytecode.py did not import PySide6 first" >&2
  exit 1
fi
echo "PySide code cache: $(ls "$home"/.cache/iomviewer/pyside-code | wc -l) entry"

echo "== PDF export"
"$app" export "$home/branch.pdf" --root dept-affaires-juridiques --page a4
head -c 5 "$home/branch.pdf" | grep -q "%PDF" && echo "exported $(stat -c %s "$home/branch.pdf") bytes"

# PNG goes through Graphviz's cairo renderer, SVG through its core one:
# both sets of libraries must be in the bundle and load.
echo "== PNG and SVG export"
"$app" export "$home/chart.png" --page slide
head -c 8 "$home/chart.png" | grep -q "PNG" && echo "exported $(stat -c %s "$home/chart.png") bytes"
"$app" export "$home/chart.svg"
grep -q "<svg" "$home/chart.svg" && echo "exported $(stat -c %s "$home/chart.svg") bytes"

echo "== normal start, window, Ctrl+Q"
"$app" &
pid=$!
wid=$(wait_for_window)
if [ -z "$wid" ]; then echo "the window did not appear" >&2; kill $pid; exit 1; fi
sleep 1
xdotool windowactivate --sync "$wid" 2>/dev/null || xdotool windowfocus --sync "$wid" || true
# The app may close and destroy its window between the press and the release
# xdotool sends (then BadWindow, exit 1): what counts is that the app exits 0.
xdotool key --window "$wid" ctrl+q 2>/dev/null || true
code=0
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then echo "Ctrl+Q did not close the app" >&2; kill $pid; exit 1; fi
wait $pid || code=$?
echo "window $wid closed with Ctrl+Q, exit code $code"
exit $code
