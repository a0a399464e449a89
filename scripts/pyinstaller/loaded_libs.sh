#!/usr/bin/env bash
# Which shared objects of a built bundle does the app really load?
#
#   scripts/pyinstaller/loaded_libs.sh dist/iomviewer
#
# Runs the bundled app under Xvfb (xcb platform) with LD_DEBUG=libs through
# the paths a user takes — smoke test, the three export formats, a PDF diff,
# the command-line queries, a normal start that opens the export, open and
# print-preview dialogs — and collects every "calling init: <path>" line the
# dynamic loader prints, from the app and from its Graphviz helper process.
# Prints the bundle's ELF files that were loaded (LOADED) and those that never
# were (UNUSED), with their sizes.  An UNUSED file is a candidate for a cut,
# not a proof: a code path this script does not drive may still need it.
set -euo pipefail
. "$(dirname "$0")/x11.sh"
bundle=$(cd "${1:?usage: loaded_libs.sh DIST_DIR}" && pwd)
app="$bundle/iomviewer"
work=$(mktemp -d)
trap 'kill ${xvfb:-} 2>/dev/null || true; rm -rf "$work"' EXIT

display=":$(( 80 + RANDOM % 9 ))"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display QT_QPA_PLATFORM=xcb HOME=$work/home XDG_CONFIG_HOME=$work/home/config
mkdir -p "$HOME"

n=0
run() {  # run ARGS…: one traced run; the loader's log goes to $work/ld.<n>.<pid>
  n=$((n + 1))
  echo "-- iomviewer $*" >&2
  LD_DEBUG=libs LD_DEBUG_OUTPUT="$work/ld.$n" "$app" "$@" >/dev/null 2>"$work/err.$n" \
    || { echo "   failed:" >&2; tail -5 "$work/err.$n" >&2; }
}

run --smoke-test --select "santé mentale"
run export "$work/a.pdf" --root dept-affaires-juridiques --page a4
run export "$work/a.png" --page slide
run export "$work/a.svg"
run export "$work/b.pdf" --pages-per-branch
run diff structure-2021 revision-2022 --format pdf -o "$work/d.pdf" || true
run search "sante mentale"
run validate "$bundle/_internal/data/iom.json"
run list --json

# A normal start: the export and open-file dialogs (closed with Escape), then
# the print preview and its print dialog, printing to a PDF file, then Ctrl+Q.
# Keys go to the focused window: Xvfb has no window manager to activate one.
echo "-- iomviewer (window: Ctrl+E, Ctrl+O, Ctrl+P and print, Ctrl+Q)" >&2
n=$((n + 1))
LD_DEBUG=libs LD_DEBUG_OUTPUT="$work/ld.$n" "$app" >/dev/null 2>"$work/err.$n" &
pid=$!
wid=$(wait_for_window)
focus() { xdotool windowfocus --sync "$wid" 2>/dev/null || true; }
if [ -n "$wid" ]; then
  sleep 2
  for keys in ctrl+e ctrl+o; do
    focus; xdotool key "$keys"; sleep 3; xdotool key Escape; sleep 1
  done
  # Print preview (the window is at 0,0, 1600x1000 screen): its toolbar's
  # print button, then "Imprimer" in the print dialog (prints to a PDF file).
  focus; xdotool key ctrl+p; sleep 4
  xdotool mousemove 995 152 click 1; sleep 3
  xdotool mousemove 744 412 click 1; sleep 4
  xdotool key Escape; sleep 1
  focus; xdotool key ctrl+q
fi
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill $pid 2>/dev/null && echo "   window run killed" >&2 || true
wait $pid 2>/dev/null || true

# The loader writes one file per process (the app and its helper process).
cat "$work"/ld.* | sed -n 's/.*calling init: //p' | xargs -r -n1 realpath -m 2>/dev/null | sort -u > "$work/loaded"
find "$bundle" -type f ! -name iomviewer | while read -r f; do
  if [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then realpath "$f"; fi
done | sort -u > "$work/elf"
total() { xargs -r du -cb 2>/dev/null | tail -n1 | cut -f1; }
echo "== LOADED (bundle files)"
comm -12 "$work/elf" "$work/loaded" | while read -r f; do printf '%9d  %s\n' "$(stat -c %s "$f")" "${f#"$bundle"/}"; done
echo "== UNUSED (bundle ELF files never loaded)"
comm -23 "$work/elf" "$work/loaded" | while read -r f; do printf '%9d  %s\n' "$(stat -c %s "$f")" "${f#"$bundle"/}"; done
echo "== loaded from outside the bundle"
grep -v "^$bundle/" "$work/loaded" || true
echo "loaded: $(comm -12 "$work/elf" "$work/loaded" | total) bytes; unused: $(comm -23 "$work/elf" "$work/loaded" | total) bytes"
